/**
 * The drill cleanup part of an execution's report: what the cleanup terminated and which servers'
 * launch settings it put back, from the items it records (one for the cleanup, one per server it
 * touched), so the report stays a pure function of them.
 */

/** HOLDING: waiting out the plan's `drill.cleanupAfter` (a request to clean up now ends the hold). */
export type DrillCleanupStatus = "HOLDING" | "RUNNING" | "SUCCEEDED" | "FAILED";

export interface DrillCleanupRecord {
  status: DrillCleanupStatus;
  /** While HOLDING: when the hold ends. */
  holdUntil?: string;
  /** When the latest cleanup run began terminating (after its hold). */
  startedAt?: string;
  completedAt?: string;
  error?: string;
  cause?: string;
}

export interface DrillCleanupServerRecord {
  sourceServerId: string;
  /** The drill's recovery instance the cleanup asked DRS to terminate, and the TERMINATE job. */
  recoveryInstanceId?: string;
  terminateJobId?: string;
  terminatedAt?: string;
  /** Why DRS did not terminate the instance, when its TERMINATE job ended without it. */
  terminateFailure?: string;
  revertedAt?: string;
  /** The launch template default version the cleanup set back. */
  restoredDefaultVersion?: number;
  /** The DRS launch configuration fields the cleanup set back, with their restored values. */
  restoredLaunchConfiguration?: Readonly<Record<string, unknown>>;
  /** Why the server's settings were left as they are. */
  revertSkipped?: string;
  /** The running RECOVERY that held the server when the cleanup came to it: nothing on it was touched. */
  heldByRecovery?: string;
}

export interface RevertedServer {
  sourceServerId: string;
  restoredDefaultVersion?: number;
  restoredLaunchConfiguration: Record<string, unknown>;
  revertedAt: string;
}

export interface DrillCleanupSummary {
  status: DrillCleanupStatus;
  holdUntil?: string;
  startedAt?: string;
  completedAt?: string;
  error?: string;
  cause?: string;
  /** Recovery instances terminated, in source server order. */
  terminatedInstanceIds: string[];
  /** Instances asked to terminate whose TERMINATE job has not ended yet. */
  terminatingInstanceIds: string[];
  failedTerminations: { sourceServerId: string; recoveryInstanceId?: string; reason: string }[];
  /** Servers whose settings the drill changed and the cleanup put back (or found already back). */
  revertedServers: RevertedServer[];
  /** Servers left as they are (a running recovery held them, or their settings changed after the drill), and why. */
  skippedServers: { sourceServerId: string; reason: string }[];
}

export function summarizeDrillCleanup(
  cleanup: DrillCleanupRecord,
  servers: readonly DrillCleanupServerRecord[],
): DrillCleanupSummary {
  const sorted = [...servers].sort((a, b) => a.sourceServerId.localeCompare(b.sourceServerId));
  const asked = sorted.filter((server) => server.recoveryInstanceId !== undefined);
  return {
    status: cleanup.status,
    ...(cleanup.status === "HOLDING" && cleanup.holdUntil !== undefined && { holdUntil: cleanup.holdUntil }),
    ...(cleanup.startedAt !== undefined && { startedAt: cleanup.startedAt }),
    ...(cleanup.completedAt !== undefined && { completedAt: cleanup.completedAt }),
    ...(cleanup.error !== undefined && { error: cleanup.error }),
    ...(cleanup.cause !== undefined && { cause: cleanup.cause }),
    terminatedInstanceIds: asked
      .filter((server) => server.terminatedAt !== undefined)
      .map((server) => server.recoveryInstanceId as string),
    terminatingInstanceIds: asked
      .filter((server) => server.terminatedAt === undefined && server.terminateFailure === undefined)
      .map((server) => server.recoveryInstanceId as string),
    failedTerminations: sorted.flatMap((server) =>
      server.terminateFailure === undefined
        ? []
        : [
            {
              sourceServerId: server.sourceServerId,
              ...(server.recoveryInstanceId !== undefined && {
                recoveryInstanceId: server.recoveryInstanceId,
              }),
              reason: server.terminateFailure,
            },
          ],
    ),
    revertedServers: sorted.flatMap((server) =>
      server.revertedAt === undefined
        ? []
        : [
            {
              sourceServerId: server.sourceServerId,
              ...(server.restoredDefaultVersion !== undefined && {
                restoredDefaultVersion: server.restoredDefaultVersion,
              }),
              restoredLaunchConfiguration: { ...server.restoredLaunchConfiguration },
              revertedAt: server.revertedAt,
            },
          ],
    ),
    skippedServers: sorted.flatMap((server) => {
      const reason =
        server.heldByRecovery !== undefined
          ? `held by recovery ${server.heldByRecovery}`
          : server.revertSkipped;
      return reason === undefined ? [] : [{ sourceServerId: server.sourceServerId, reason }];
    }),
  };
}
