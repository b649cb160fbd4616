import type { JobLogEvent, ParticipatingServer, RecoveryInstance } from "@aws-sdk/client-drs";
import type { SimClock } from "../clock/sim-clock";
import type { Ec2Emulator } from "../ec2/ec2-emulator";
import { Ec2Error } from "../ec2/ec2-error";
import type { FaultInjector } from "../faults/fault-injector";
import type { SeededRandom } from "../faults/seeded-random";
import type { DrsEventPublisher } from "./drs-event-publisher";
import { launchResultEvent } from "./drs-events";
import { appendLog, type DrsState, type JobRecord, type ServerRecord } from "./drs-state";
import { replicatedDataPointMs } from "./drs-views";
import type { LaunchPlan } from "./launch-plan";
import { type LaunchTimings, stepMs } from "./launch-timings";
import type { PitPolicy } from "./pit-policy";
import { recoverySnapshotsOf } from "./recovery-snapshots";
import type { SimTimers } from "./sim-timers";
import { snapshotTaking } from "./snapshot-history";

export interface JobRunnerDeps {
  clock: SimClock;
  pitPolicy: PitPolicy;
  state: DrsState;
  ec2: Ec2Emulator;
  timings: LaunchTimings;
  faults: FaultInjector;
  events: DrsEventPublisher;
  timers: SimTimers;
}

export interface ServerLaunch {
  server: ServerRecord;
  /** Which launch of this server this is: 1 for its first. */
  launch: number;
  /** The time of the snapshot StartRecovery named (recoverySnapshotID); absent: the latest data. */
  snapshotMs?: number;
  /** Resolved when the job was accepted, from the launch configuration and template default then. */
  plan: LaunchPlan;
}

class LaunchFailure extends Error {
  constructor(
    readonly event: JobLogEvent,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A LAUNCH job: PENDING → STARTED (JOB_START) → per server snapshot → conversion → (cleanup of
 * the previous recovery instance) → launch → boot, ending LAUNCHED or FAILED with the matching
 * log items and a launch result event → COMPLETED (JOB_END). A job completes even when servers fail.
 */
export async function runLaunchJob(
  deps: JobRunnerDeps,
  record: JobRecord,
  launches: ServerLaunch[],
): Promise<void> {
  const { job } = record;
  await deps.timers.sleep(stepMs(deps.timings, "jobStart", "LINUX", deps.faults.stream(`job/${job.jobID}`)));
  job.status = "STARTED";
  appendLog(record, "JOB_START", deps.clock.isoNow());
  await Promise.all(launches.map((launch) => launchServer(deps, record, launch)));
  completeJob(deps, record);
}

async function launchServer(deps: JobRunnerDeps, record: JobRecord, launch: ServerLaunch): Promise<void> {
  const { clock, ec2, timers, timings } = deps;
  const { server } = launch;
  const sourceServerID = server.fleet.sourceServerID;
  const jobID = record.job.jobID as string;
  const participant = participantOf(record, sourceServerID);
  const random = deps.faults.stream(`steps/${jobID}/${sourceServerID}`);
  const os = server.fleet.os;
  const log = (event: JobLogEvent, data: Record<string, string> = {}) =>
    appendLog(record, event, clock.isoNow(), { sourceServerID, ...data });
  setLaunchStatus(server, participant, "IN_PROGRESS");
  try {
    const pointInTimeMs = await pointInTime(deps, launch, log, random);

    const conversionServerID = `i-${random.hex(17)}`;
    log("CONVERSION_START", { conversionServerID });
    await timers.sleep(stepMs(timings, "conversion", os, random));
    log("CONVERSION_END", { conversionServerID });

    const previous = server.item.recoveryInstanceId;
    if (previous) {
      log("CLEANUP_START", { targetInstanceID: previous });
      await terminateAndWait(deps, previous, random);
      forgetRecoveryInstance(deps, previous);
      log("CLEANUP_END", { targetInstanceID: previous });
    }

    const launched = startInstance(deps, jobID, launch);
    log("LAUNCH_START", launched.ok ? { targetInstanceID: launched.value } : {});
    if (!launched.ok) throw new LaunchFailure("LAUNCH_FAILED", launched.reason);
    participant.recoveryInstanceID = launched.value;
    deps.state.recoveryInstances.set(
      launched.value,
      recoveryInstance(deps, record, server, launched.value, pointInTimeMs),
    );

    await timers.sleep(stepMs(timings, "boot", os, random));
    const stopped = server.launchConfiguration.launchDisposition === "STOPPED";
    ec2.finishBoot(launched.value, stopped ? "stopped" : "running");
    server.item.recoveryInstanceId = launched.value;
    server.item.lastLaunchResult = "SUCCEEDED";
    setLaunchStatus(server, participant, "LAUNCHED");
    publishResult(deps, record, server, true);
  } catch (error) {
    const failure =
      error instanceof LaunchFailure
        ? error
        : new LaunchFailure(
            "LAUNCH_FAILED",
            `Internal error: ${error instanceof Error ? error.message : String(error)}`,
          );
    log(failure.event, { rawError: failure.message });
    server.item.lastLaunchResult = "FAILED";
    setLaunchStatus(server, participant, "FAILED");
    publishResult(deps, record, server, false);
  }
}

/**
 * The point in time the server launches from. A named snapshot, or the newest one of a server whose
 * replication stands still, is used as it is (USING_PREVIOUS_SNAPSHOT); a replicating server takes
 * a snapshot of its data now (SNAPSHOT_START/END), which joins its history.
 * @throws LaunchFailure when the server has no snapshot to launch from
 */
async function pointInTime(
  deps: JobRunnerDeps,
  launch: ServerLaunch,
  log: (event: JobLogEvent, data?: Record<string, string>) => void,
  random: SeededRandom,
): Promise<number> {
  const { server } = launch;
  if (launch.snapshotMs !== undefined) {
    log("USING_PREVIOUS_SNAPSHOT");
    return launch.snapshotMs;
  }
  const replicationState = server.item.dataReplicationInfo?.dataReplicationState ?? "CONTINUOUS";
  const taking = snapshotTaking(replicationState);
  if (taking === "taking") {
    log("SNAPSHOT_START");
    const dataPointMs = Math.floor(replicatedDataPointMs(deps, server) / 1000) * 1000;
    await deps.timers.sleep(stepMs(deps.timings, "snapshot", server.fleet.os, random));
    server.snapshots.takeOnDemand(dataPointMs);
    log("SNAPSHOT_END");
    return dataPointMs;
  }
  const [newest] = recoverySnapshotsOf(deps, server);
  if (newest) {
    log("USING_PREVIOUS_SNAPSHOT");
    return Date.parse(newest.timestamp as string);
  }
  if (taking === "none") {
    log("SNAPSHOT_START");
    throw new LaunchFailure(
      "SNAPSHOT_FAIL",
      `Source server has no point in time to recover yet: data replication is ${replicationState}`,
    );
  }
  throw new LaunchFailure(
    "USING_PREVIOUS_SNAPSHOT_FAILED",
    `Source server has no point-in-time snapshot left to recover from: data replication is ${replicationState} and its last snapshot is past the retention policy`,
  );
}

/** Launches the EC2 instance, unless an injected fault, the launch plan or EC2 itself refuses. */
function startInstance(
  deps: JobRunnerDeps,
  jobID: string,
  launch: ServerLaunch,
): { ok: true; value: string } | { ok: false; reason: string } {
  if (deps.faults.launchFails(jobID, launch.server.fleet.sourceServerID, launch.launch)) {
    return {
      ok: false,
      reason:
        "Failed to launch recovery instance: InsufficientInstanceCapacity: insufficient capacity for the requested instance type (injected fault)",
    };
  }
  if (!launch.plan.ok) return launch.plan;
  try {
    return { ok: true, value: deps.ec2.launchInstance(launch.plan.spec).instanceId };
  } catch (error) {
    if (error instanceof Ec2Error) {
      return { ok: false, reason: `Failed to launch recovery instance: ${error.code}: ${error.message}` };
    }
    throw error;
  }
}

/**
 * A TERMINATE job: terminates each recovery instance's EC2 instance (CLEANUP_START/END) and
 * removes the recovery instance once EC2 reports it terminated.
 */
export async function runTerminateJob(deps: JobRunnerDeps, record: JobRecord): Promise<void> {
  const { job } = record;
  const random = deps.faults.stream(`job/${job.jobID}`);
  await deps.timers.sleep(stepMs(deps.timings, "jobStart", "LINUX", random));
  job.status = "STARTED";
  appendLog(record, "JOB_START", deps.clock.isoNow());
  await Promise.all(
    (job.participatingServers ?? []).map(async (participant) => {
      const recoveryInstanceID = participant.recoveryInstanceID as string;
      const sourceServerID = participant.sourceServerID as string;
      const data = { sourceServerID, targetInstanceID: recoveryInstanceID };
      participant.launchStatus = "IN_PROGRESS";
      appendLog(record, "CLEANUP_START", deps.clock.isoNow(), data);
      await terminateAndWait(
        deps,
        recoveryInstanceID,
        deps.faults.stream(`steps/${job.jobID}/${sourceServerID}`),
      );
      forgetRecoveryInstance(deps, recoveryInstanceID);
      participant.launchStatus = "TERMINATED";
      appendLog(record, "CLEANUP_END", deps.clock.isoNow(), data);
    }),
  );
  completeJob(deps, record);
}

function completeJob(deps: JobRunnerDeps, record: JobRecord): void {
  record.job.status = "COMPLETED";
  record.job.endDateTime = deps.clock.isoNow();
  appendLog(record, "JOB_END", record.job.endDateTime);
}

async function terminateAndWait(
  deps: JobRunnerDeps,
  instanceId: string,
  random: SeededRandom,
): Promise<void> {
  const state = deps.ec2.instanceState(instanceId);
  if (state === undefined || state === "terminated") return;
  deps.ec2.terminateInstances([instanceId]);
  await deps.timers.sleep(stepMs(deps.timings, "terminate", "LINUX", random));
  while (deps.ec2.instanceState(instanceId) === "shutting-down") await deps.timers.sleep(5_000);
}

/** The recovery instance is gone: so is the source server's reference to it. */
function forgetRecoveryInstance(deps: JobRunnerDeps, instanceId: string): void {
  const instance = deps.state.recoveryInstances.get(instanceId);
  deps.state.recoveryInstances.delete(instanceId);
  const server = instance?.sourceServerID ? deps.state.servers.get(instance.sourceServerID) : undefined;
  if (server?.item.recoveryInstanceId === instanceId) {
    delete server.item.recoveryInstanceId;
    const lastLaunch = server.item.lifeCycle?.lastLaunch;
    if (lastLaunch) lastLaunch.status = "TERMINATED";
  }
}

function participantOf(record: JobRecord, sourceServerID: string): ParticipatingServer {
  const participant = record.job.participatingServers?.find(
    (server) => server.sourceServerID === sourceServerID,
  );
  if (!participant) throw new Error(`job ${record.job.jobID} has no participant ${sourceServerID}`);
  return participant;
}

function setLaunchStatus(
  server: ServerRecord,
  participant: ParticipatingServer,
  status: "IN_PROGRESS" | "LAUNCHED" | "FAILED",
): void {
  participant.launchStatus = status;
  const lastLaunch = server.item.lifeCycle?.lastLaunch;
  if (lastLaunch) lastLaunch.status = status;
}

function publishResult(
  deps: JobRunnerDeps,
  record: JobRecord,
  server: ServerRecord,
  succeeded: boolean,
): void {
  const jobID = record.job.jobID as string;
  deps.events.emit(
    `${jobID}/${server.fleet.sourceServerID}`,
    launchResultEvent({
      sourceServerArn: server.fleet.arn,
      jobID,
      isDrill: record.isDrill,
      succeeded,
      time: deps.clock.isoNow(),
    }),
  );
}

function recoveryInstance(
  deps: JobRunnerDeps,
  record: JobRecord,
  server: ServerRecord,
  instanceId: string,
  pointInTimeMs: number,
): RecoveryInstance {
  const properties = server.item.sourceProperties;
  const instance = deps.ec2.instance(instanceId);
  const arn = server.fleet.arn.replace(/source-server\/.*$/, `recovery-instance/${instanceId}`);
  return {
    recoveryInstanceID: instanceId,
    ec2InstanceID: instanceId,
    arn,
    jobID: record.job.jobID,
    sourceServerID: server.fleet.sourceServerID,
    isDrill: record.isDrill,
    tags: {},
    pointInTimeSnapshotDateTime: `${new Date(pointInTimeMs).toISOString().slice(0, 19)}Z`,
    originEnvironment: "ON_PREMISES",
    recoveryInstanceProperties: {
      lastUpdatedDateTime: deps.clock.isoNow(),
      identificationHints: { hostname: properties?.identificationHints?.hostname, awsInstanceID: instanceId },
      networkInterfaces: instance ? [{ ips: [instance.privateIpAddress], isPrimary: true }] : [],
      cpus: properties?.cpus,
      ramBytes: properties?.ramBytes,
      os: properties?.os,
    },
    failback: { state: "FAILBACK_NOT_STARTED" },
    dataReplicationInfo: { dataReplicationState: "NOT_STARTED" },
  };
}
