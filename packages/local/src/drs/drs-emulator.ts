import type {
  Job,
  JobLog,
  LaunchConfiguration,
  RecoveryInstance,
  RecoverySnapshot,
  SourceServer,
} from "@aws-sdk/client-drs";
import { type Fleet, parseDuration } from "@drs-orchestrator/core";
import type { z } from "zod";
import type { SimClock } from "../clock/sim-clock";
import type { Ec2Emulator } from "../ec2/ec2-emulator";
import { FaultInjector, type FaultRecord } from "../faults/fault-injector";
import { type FaultOptions, faultOptionsSchema } from "../faults/fault-options";
import { loadFleet } from "../fleet/fleet-loader";
import type { EventPublisher, LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";
import type { DrsContext, DrsOperation } from "./drs-context";
import { type DrsCounters, emptyCounters } from "./drs-counters";
import { DrsError, drsErrorResponse, internalServerError, throttling, validationError } from "./drs-errors";
import { DrsEventPublisher } from "./drs-event-publisher";
import { type DrsQuotas, drsQuotasSchema } from "./drs-quotas";
import { DrsState } from "./drs-state";
import { recoveryInstanceView, sourceServerView } from "./drs-views";
import {
  describeJobLogItems,
  describeJobs,
  startRecovery,
  terminateRecoveryInstances,
} from "./job-operations";
import { type LaunchTimings, launchTimingsSchema } from "./launch-timings";
import { type PitPolicy, pitPolicySchema } from "./pit-policy";
import { describeRecoveryInstances, disconnectRecoveryInstance } from "./recovery-instance-operations";
import { describeRecoverySnapshots } from "./recovery-snapshot-operations";
import { recoverySnapshotsOf } from "./recovery-snapshots";
import { type ReplicationChange, ReplicationControl } from "./replication-control";
import { SimTimers } from "./sim-timers";
import {
  describeSourceServers,
  getLaunchConfiguration,
  updateLaunchConfiguration,
} from "./source-server-operations";
import { listTagsForResource, tagResource, untagResource } from "./tag-operations";

const OPERATIONS: Record<string, DrsOperation> = {
  DescribeSourceServers: describeSourceServers,
  GetLaunchConfiguration: getLaunchConfiguration,
  UpdateLaunchConfiguration: updateLaunchConfiguration,
  StartRecovery: startRecovery,
  DescribeJobs: describeJobs,
  DescribeJobLogItems: describeJobLogItems,
  TerminateRecoveryInstances: terminateRecoveryInstances,
  DescribeRecoveryInstances: describeRecoveryInstances,
  DescribeRecoverySnapshots: describeRecoverySnapshots,
  DisconnectRecoveryInstance: disconnectRecoveryInstance,
};

const TAG_OPERATIONS: Record<string, [string, DrsOperation]> = {
  GET: ["ListTagsForResource", listTagsForResource],
  POST: ["TagResource", tagResource],
  DELETE: ["UntagResource", untagResource],
};

export interface DrsEmulator extends ServiceHandler {
  readonly signingName: "drs";
  /**
   * Live counters: calls per operation, StartRecovery calls, launches per source server, events
   * published / dropped / delayed.
   */
  readonly counters: DrsCounters;
  /** Every fault injected so far, in order. */
  readonly faultTrace: readonly FaultRecord[];
  sourceServers(): SourceServer[];
  sourceServer(sourceServerID: string): SourceServer | undefined;
  launchConfiguration(sourceServerID: string): LaunchConfiguration | undefined;
  /** Newest first, as DescribeJobs lists them. */
  jobs(): Job[];
  jobLog(jobID: string): JobLog[];
  recoveryInstances(): RecoveryInstance[];
  /** The server's recovery snapshots now, newest first, as DescribeRecoverySnapshots lists them. */
  recoverySnapshots(sourceServerID: string): RecoverySnapshot[];
  /**
   * The server's data replication changes now: state and lag (default: the lag it has), the
   * snapshots it keeps and takes from now on; becoming or ending STALLED sends a Stalled Change event.
   * @throws Error when the server is not in the fleet, the state is not a DRS state or the lag is negative
   */
  setReplication(sourceServerID: string, change: ReplicationChange): void;
  /** Replication of these servers stalls: state STALLED, lag growing, a Stalled Change event. */
  stallReplication(sourceServerIDs: string[]): void;
  /** Replication of these servers is healthy again: CONTINUOUS with no lag (NOT_STALLED event if it was stalled). */
  resumeReplication(sourceServerIDs: string[]): void;
  /** Resolves once no job is in progress and no delayed event is pending. */
  idle(): Promise<void>;
  /** Cancels every pending job step and delayed event. */
  stop(): void;
}

/**
 * The DRS API (restJson1) over the fleet's source servers: jobs run a realistic simulated
 * lifecycle, launch EC2 instances through the EC2 emulator, publish launch results on the bus,
 * and keep the DRS quotas; faults are injected as configured.
 * @throws Error when quotas, faults or timings are invalid, or faults name servers not in the fleet
 */
export function createDrsEmulator(options: {
  clock: SimClock;
  accountId: string;
  region: string;
  fleet: Fleet;
  ec2: Ec2Emulator;
  events: EventPublisher;
  quotas?: Partial<DrsQuotas>;
  faults?: FaultOptions;
  timings?: Partial<LaunchTimings>;
  /** Which point-in-time snapshots every server keeps; default DRS's (see pit-policy.ts). */
  pitPolicy?: PitPolicy;
}): DrsEmulator {
  const { clock, accountId, region, ec2 } = options;
  const quotas = parseOption("quotas", drsQuotasSchema, options.quotas ?? {});
  const faultOptions = parseOption("faults", faultOptionsSchema, options.faults ?? {});
  const timings = parseOption("timings", launchTimingsSchema, options.timings ?? {});
  const pitPolicy = parseOption("pitPolicy", pitPolicySchema, options.pitPolicy);
  const fleet = loadFleet(options.fleet, { accountId, region, now: clock.now() });
  const state = new DrsState(fleet, clock.nowMs(), (duration) =>
    duration ? (parseDuration(duration) ?? 0) : 0,
  );
  for (const id of [
    ...(faultOptions.failLaunch?.sourceServerIds ?? []),
    ...Object.keys(faultOptions.failLaunch?.times ?? {}),
    ...(faultOptions.stallReplication?.sourceServerIds ?? []),
  ]) {
    if (!state.servers.has(id)) throw new Error(`faults name source server ${id}, which is not in the fleet`);
  }

  const faults = new FaultInjector(faultOptions);
  const counters = emptyCounters();
  const timers = new SimTimers(clock);
  const work = new Set<Promise<void>>();
  const track = (promise: Promise<void>) => {
    const settled = promise.finally(() => work.delete(settled));
    work.add(settled);
  };
  const events = new DrsEventPublisher(options.events, faults, timers, counters, track);
  const context: DrsContext = {
    clock,
    accountId,
    region,
    state,
    ec2,
    subnets: fleet.subnets,
    quotas,
    pitPolicy,
    counters,
    ids: faults.stream("job-ids"),
    runner: { clock, pitPolicy, state, ec2, timings, faults, events, timers },
    track,
  };

  const replication = new ReplicationControl({ clock, events, faults });
  const setReplication = (sourceServerID: string, change: ReplicationChange) => {
    const server = state.servers.get(sourceServerID);
    if (!server) throw new Error(`source server ${sourceServerID} is not in the fleet`);
    replication.change(server, change);
  };
  const replicationState = (sourceServerID: string) =>
    state.servers.get(sourceServerID)?.item.dataReplicationInfo?.dataReplicationState;
  const stallReplication = (sourceServerIDs: string[]) => {
    for (const id of sourceServerIDs) {
      // Stalling a stalled server changes nothing: its lag keeps growing, no second event.
      if (replicationState(id) !== "STALLED") setReplication(id, { state: "STALLED" });
    }
  };
  const stall = faultOptions.stallReplication;
  if (stall) void timers.sleep(stall.afterSeconds * 1000).then(() => stallReplication(stall.sourceServerIds));

  async function handle(request: LocalRequest): Promise<LocalResponse> {
    const route = resolve(request);
    const operation = route?.operation ?? "Unknown";
    counters.calls[operation] = (counters.calls[operation] ?? 0) + 1;
    if (operation === "StartRecovery") counters.startRecoveryCalls++;
    try {
      const fault = faults.onRequest(operation);
      if (fault?.kind === "throttle") {
        counters.throttled++;
        throw throttling(fault.retryAfterSeconds);
      }
      if (fault?.kind === "serverError") {
        counters.serverErrors++;
        throw internalServerError("An internal error occurred. Retry the request.", fault.retryAfterSeconds);
      }
      if (!route) {
        throw validationError(`Unknown operation ${request.method} ${request.path}`, "unknownOperation");
      }
      const result = route.run(context, request, route.resourceArn);
      return {
        status: result.status ?? 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(result.body ?? {}),
      };
    } catch (error) {
      if (error instanceof DrsError) return drsErrorResponse(error);
      return drsErrorResponse(internalServerError(error instanceof Error ? error.message : String(error), 1));
    }
  }

  return {
    signingName: "drs",
    counters,
    faultTrace: faults.trace,
    handle,
    sourceServers: () => [...state.servers.values()].map((server) => sourceServerView(context, server)),
    sourceServer(sourceServerID) {
      const server = state.servers.get(sourceServerID);
      return server && sourceServerView(context, server);
    },
    launchConfiguration(sourceServerID) {
      const server = state.servers.get(sourceServerID);
      return server && structuredClone(server.launchConfiguration);
    },
    jobs: () => [...state.jobs.values()].map((record) => structuredClone(record.job)).reverse(),
    jobLog: (jobID) => structuredClone(state.jobs.get(jobID)?.log ?? []),
    recoveryInstances: () =>
      [...state.recoveryInstances.values()].map((instance) => recoveryInstanceView(context, instance)),
    recoverySnapshots(sourceServerID) {
      const server = state.servers.get(sourceServerID);
      if (!server) throw new Error(`source server ${sourceServerID} is not in the fleet`);
      return recoverySnapshotsOf(context, server);
    },
    setReplication,
    stallReplication,
    resumeReplication(sourceServerIDs) {
      for (const id of sourceServerIDs) {
        if (replicationState(id) !== "CONTINUOUS") setReplication(id, { state: "CONTINUOUS", lagSeconds: 0 });
      }
    },
    async idle() {
      while (work.size > 0 && !timers.isStopped) await Promise.all(work);
    },
    stop() {
      timers.stop();
    },
  };
}

function resolve(
  request: LocalRequest,
): { operation: string; run: DrsOperation; resourceArn?: string } | undefined {
  const tags = /^\/tags\/(.+)$/.exec(request.path);
  if (tags) {
    const [operation, run] = TAG_OPERATIONS[request.method] ?? [];
    return operation && run
      ? { operation, run, resourceArn: decodeURIComponent(tags[1] as string) }
      : undefined;
  }
  const name = request.path.slice(1);
  const run = request.method === "POST" ? OPERATIONS[name] : undefined;
  return run ? { operation: name, run } : undefined;
}

function parseOption<Schema extends z.ZodType>(
  name: string,
  schema: Schema,
  value: unknown,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${[name, ...issue.path.map(String)].join(".")}: ${issue.message}`,
  );
  throw new Error(`invalid DRS emulator options: ${problems.join("; ")}`);
}
