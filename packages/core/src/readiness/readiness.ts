import { formatDuration, parseDuration } from "../common/duration";
import type { SourceServer } from "../fleet/fleet-schema";
import type { PitSnapshot } from "./pit-snapshot";

export type NotReadyCode =
  | "NOT_CONTINUOUS"
  | "LAG_OVER_RPO"
  | "STALLED"
  | "DISCONNECTED"
  | "NO_REPLICATION_INFO"
  | "REPLICATION_ERROR"
  | "NO_SNAPSHOT"
  | "NO_SNAPSHOT_AS_OF";

/** Whole seconds the way people write them; fractions as they are, so 300.4s never reads as 5m. */
export function describeSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? formatDuration(seconds) : `${seconds}s`;
}

/** A server's data replication as DRS reported it when its readiness was assessed. */
export interface ReplicationSeen {
  state: string;
  lagSeconds?: number;
  /** DRS's replication error (`error: rawError`), when it reports one. */
  error?: string;
}

export type Readiness =
  | {
      sourceServerId: string;
      ready: true;
      /** The replication lag the RPO was checked against (drills); unknown or not checked otherwise. */
      lagSeconds?: number;
      replication?: ReplicationSeen;
      /** The PIT snapshot the server launches from (chosen as of a time); absent: DRS's latest data. */
      snapshot?: PitSnapshot;
      /** What someone should know although the server is recoverable (e.g. its replication is down). */
      note?: string;
    }
  | {
      sourceServerId: string;
      ready: false;
      code: NotReadyCode;
      reason: string;
      replication?: ReplicationSeen;
    };

/**
 * Whether a server may be recovered now: replication must be CONTINUOUS, without error, with a
 * known lag no greater than the RPO. STALLED and DISCONNECTED get their own codes because they
 * need someone to act on the source; the other non-continuous states usually resolve on their own.
 */
export function assessReadiness(server: SourceServer, rpoSeconds: number): Readiness {
  const sourceServerId = server.sourceServerID;
  const notReady = (code: NotReadyCode, reason: string): Readiness => ({
    sourceServerId,
    ready: false,
    code,
    reason,
  });
  const info = server.dataReplicationInfo;
  if (!info)
    return notReady("NO_REPLICATION_INFO", `${sourceServerId} reports no data replication information`);
  const state = info.dataReplicationState;
  if (state === "STALLED") {
    return notReady(
      "STALLED",
      `${sourceServerId} replication is STALLED: fix replication on the source server`,
    );
  }
  if (state === "DISCONNECTED") {
    return notReady(
      "DISCONNECTED",
      `${sourceServerId} replication is DISCONNECTED: the replication agent no longer reaches DRS`,
    );
  }
  const error = info.dataReplicationError;
  if (error && (error.error !== undefined || error.rawError !== undefined)) {
    const detail = [error.error, error.rawError].filter((part) => part !== undefined).join(": ");
    return notReady(
      "REPLICATION_ERROR",
      `${sourceServerId} replication reports an error (${detail}) in state ${state}`,
    );
  }
  if (state !== "CONTINUOUS") {
    return notReady("NOT_CONTINUOUS", `${sourceServerId} replication is ${state}, not CONTINUOUS`);
  }
  const lag = info.lagDuration;
  const lagSeconds = lag === undefined ? undefined : parseDuration(lag);
  if (lagSeconds === undefined) {
    return notReady(
      "NO_REPLICATION_INFO",
      lag === undefined
        ? `${sourceServerId} replication is CONTINUOUS but reports no lag, so the RPO cannot be checked`
        : `${sourceServerId} replication reports an unreadable lag "${lag}", so the RPO cannot be checked`,
    );
  }
  if (lagSeconds > rpoSeconds) {
    return notReady(
      "LAG_OVER_RPO",
      `${sourceServerId} replication lag ${describeSeconds(lagSeconds)} exceeds the RPO of ${describeSeconds(rpoSeconds)}`,
    );
  }
  return { sourceServerId, ready: true, lagSeconds };
}
