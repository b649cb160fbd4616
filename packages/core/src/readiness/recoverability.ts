import { parseDuration } from "../common/duration";
import type { SourceServer } from "../fleet/fleet-schema";
import type { RecoveryMode } from "../plan/plan-schema";
import { newestSnapshot, type PitSnapshot } from "./pit-snapshot";
import { assessReadiness, describeSeconds, type Readiness, type ReplicationSeen } from "./readiness";

export interface RecoverabilityContext {
  mode: RecoveryMode;
  rpoSeconds: number;
  /** Recover each server as it was at this time (ISO-8601): from its newest snapshot at or before it. */
  asOf?: string;
}

/** Whether the assessment needs the server's PIT snapshots (otherwise it reads replication alone). */
export function needsSnapshots(context: RecoverabilityContext): boolean {
  return context.mode === "RECOVERY" || context.asOf !== undefined;
}

/** The server's replication as DRS reports it; undefined when DRS reports none. */
export function replicationSeen(server: SourceServer): ReplicationSeen | undefined {
  const info = server.dataReplicationInfo;
  if (!info) return undefined;
  const lagSeconds = info.lagDuration === undefined ? undefined : parseDuration(info.lagDuration);
  const error = [info.dataReplicationError?.error, info.dataReplicationError?.rawError]
    .filter((part) => part !== undefined)
    .join(": ");
  return {
    state: info.dataReplicationState,
    ...(lagSeconds !== undefined && { lagSeconds }),
    ...(error !== "" && { error }),
  };
}

function describeReplication(replication: ReplicationSeen | undefined): string {
  if (!replication) return "no replication information";
  const lag = replication.lagSeconds === undefined ? "" : `, lag ${describeSeconds(replication.lagSeconds)}`;
  const error = replication.error === undefined ? "" : `, error ${replication.error}`;
  return `replication ${replication.state}${lag}${error}`;
}

/**
 * Whether a server can be recovered in this mode, and from which point in time.
 *
 * DRILL: the RPO gate of `assessReadiness` on the live replication, exactly. RECOVERY: the source
 * may be gone, so replication state, lag and errors are reported, never blocking; the server is
 * recoverable when DRS holds a PIT snapshot for it (a server that never finished its initial sync
 * has none). With `asOf`, in either mode, the server launches from its newest snapshot taken at or
 * before that time, and is not recoverable without one.
 *
 * `snapshots` are the server's snapshots that were found (Prepare looks up only what it needs:
 * the newest, or the newest at or before `asOf`); it is ignored when `needsSnapshots` is false.
 */
export function assessRecoverability(
  server: SourceServer,
  snapshots: readonly PitSnapshot[],
  context: RecoverabilityContext,
): Readiness {
  const sourceServerId = server.sourceServerID;
  const replication = replicationSeen(server);
  const seen = replication ? { replication } : {};
  const { asOf } = context;
  const noSnapshot = (): Readiness =>
    asOf === undefined
      ? {
          sourceServerId,
          ready: false,
          code: "NO_SNAPSHOT",
          reason: `${sourceServerId} has no point-in-time snapshot (${describeReplication(replication)}): it never finished its initial sync, so DRS has nothing to recover it from`,
          ...seen,
        }
      : {
          sourceServerId,
          ready: false,
          code: "NO_SNAPSHOT_AS_OF",
          reason: `${sourceServerId} has no point-in-time snapshot taken at or before ${asOf} (${describeReplication(replication)}): choose a later time`,
          ...seen,
        };

  if (context.mode === "DRILL") {
    const gate = assessReadiness(server, context.rpoSeconds);
    if (!gate.ready || asOf === undefined) return { ...gate, ...seen };
    const snapshot = newestSnapshot(snapshots, asOf);
    return snapshot ? { ...gate, ...seen, snapshot } : noSnapshot();
  }

  const snapshot = newestSnapshot(snapshots, asOf);
  if (!snapshot) return noSnapshot();
  const healthy =
    replication?.state === "CONTINUOUS" &&
    replication.error === undefined &&
    replication.lagSeconds !== undefined &&
    replication.lagSeconds <= context.rpoSeconds;
  const from =
    asOf === undefined
      ? `recovers from its newest snapshot (${snapshot.takenAt})`
      : `recovers from its snapshot of ${snapshot.takenAt}`;
  return {
    sourceServerId,
    ready: true,
    ...(replication?.lagSeconds !== undefined && { lagSeconds: replication.lagSeconds }),
    ...seen,
    ...(asOf !== undefined && { snapshot }),
    ...(!healthy && { note: `${describeReplication(replication)}: ${from}` }),
  };
}
