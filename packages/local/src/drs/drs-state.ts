import type {
  Job,
  JobLog,
  JobLogEvent,
  JobLogEventData,
  LaunchConfiguration,
  RecoveryInstance,
  SourceServer,
} from "@aws-sdk/client-drs";
import type { FleetServer, LoadedFleet } from "../fleet/fleet-loader";
import { resourceNotFound } from "./drs-errors";
import { SnapshotHistory, snapshotTaking } from "./snapshot-history";

export interface ServerRecord {
  fleet: FleetServer;
  /** The DescribeSourceServers item; launches update it. */
  item: SourceServer;
  launchConfiguration: LaunchConfiguration;
  /** Replication lag in seconds when replication last changed; it grows from there while it stands still. */
  baseLagSeconds: number;
  /** Since when replication stands still (STALLED, DISCONNECTED, PAUSED). */
  standingSinceMs?: number;
  snapshots: SnapshotHistory;
}

export interface JobRecord {
  job: Job;
  log: JobLog[];
  isDrill: boolean;
}

/** The account's DRS resources. Jobs and recovery instances keep creation order. */
export class DrsState {
  readonly servers = new Map<string, ServerRecord>();
  readonly jobs = new Map<string, JobRecord>();
  /** Without ec2InstanceState, which is read live from EC2. */
  readonly recoveryInstances = new Map<string, RecoveryInstance>();

  constructor(fleet: LoadedFleet, nowMs: number, lagSeconds: (duration: string | undefined) => number) {
    for (const server of fleet.servers) {
      const replication = server.item.dataReplicationInfo;
      const baseLagSeconds = lagSeconds(replication?.lagDuration);
      const taking = snapshotTaking(replication?.dataReplicationState ?? "CONTINUOUS");
      this.servers.set(server.sourceServerID, {
        fleet: server,
        item: structuredClone(server.item),
        launchConfiguration: structuredClone(server.launchConfiguration),
        baseLagSeconds,
        standingSinceMs: taking === "holding" ? nowMs : undefined,
        snapshots: new SnapshotHistory(taking, nowMs - baseLagSeconds * 1000),
      });
    }
  }

  /** @throws DrsError ResourceNotFoundException */
  requireServer(sourceServerID: string): ServerRecord {
    const server = this.servers.get(sourceServerID);
    if (!server) {
      throw resourceNotFound(
        `Source server ${sourceServerID} does not exist`,
        sourceServerID,
        "SOURCE_SERVER",
      );
    }
    return server;
  }

  activeJobs(): JobRecord[] {
    return [...this.jobs.values()].filter((record) => record.job.status !== "COMPLETED");
  }

  activeJobOf(sourceServerID: string): JobRecord | undefined {
    return this.activeJobs().find((record) =>
      record.job.participatingServers?.some((server) => server.sourceServerID === sourceServerID),
    );
  }

  /** The tags of the resource an ARN names: a source server, job or recovery instance. */
  taggable(arn: string): { tags?: Record<string, string> } | undefined {
    const [, kind, id] =
      /^arn:aws:drs:[^:]*:\d{12}:(source-server|job|recovery-instance)\/(.+)$/.exec(arn) ?? [];
    if (kind === "source-server") return this.servers.get(id ?? "")?.item;
    if (kind === "job") return this.jobs.get(id ?? "")?.job;
    if (kind === "recovery-instance") return this.recoveryInstances.get(id ?? "");
    return undefined;
  }
}

export function appendLog(
  record: JobRecord,
  event: JobLogEvent,
  logDateTime: string,
  eventData?: JobLogEventData,
): void {
  record.log.push({ logDateTime, event, ...(eventData ? { eventData } : {}) });
}
