/** Where one server of a wave stands in its launch (the execution's server item, reduced). */
export type ServerProgressStatus = "PENDING" | "LAUNCHING" | "LAUNCHED" | "FAILED" | "HEALTHY" | "UNHEALTHY";

/** PENDING: waits for launch capacity; STARTING: StartRecovery under way; STARTED: its job exists. */
export type BatchProgressStatus = "PENDING" | "STARTING" | "STARTED";

export interface ServerProgress {
  sourceServerId: string;
  status: ServerProgressStatus;
  /** The DRS job of the server's current launch. */
  jobId?: string;
  launchedAt?: string;
  failedAt?: string;
}

export interface BatchProgress {
  batchId: string;
  status: BatchProgressStatus;
  jobId?: string;
  sourceServerIds: readonly string[];
}

export type WaveDecision = { wake: boolean; reason: string };

/** Not launched yet, or launching: the server has no launch result. */
export function isLaunchPending(status: ServerProgressStatus): boolean {
  return status === "PENDING" || status === "LAUNCHING";
}

export function pendingServerCount(servers: readonly ServerProgress[]): number {
  return servers.filter((server) => isLaunchPending(server.status)).length;
}

/**
 * When a started batch got its last launch result (epoch ms), or undefined while any of its
 * servers has no result from the batch's job yet (or a result without a time).
 */
export function batchFinishedAtMs(
  batch: BatchProgress,
  servers: ReadonlyMap<string, ServerProgress>,
): number | undefined {
  if (batch.status !== "STARTED" || batch.jobId === undefined) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  for (const id of batch.sourceServerIds) {
    const server = servers.get(id);
    if (!server || server.jobId !== batch.jobId || isLaunchPending(server.status)) return undefined;
    const at = Date.parse(server.launchedAt ?? server.failedAt ?? "");
    if (Number.isNaN(at)) return undefined;
    last = Math.max(last, at);
  }
  return Number.isFinite(last) ? last : undefined;
}

/**
 * Whether the workflow waiting on a wave's launch results has something to do now:
 * - every server has a result → yes, the wave moves on to health checks;
 * - batches still wait to start and one of this wave's batches finished after the last launch
 *   round (`lastLaunchAttemptAt`) → yes, the capacity it held may start them;
 * - otherwise no. In particular batches waiting only for capacity held by other jobs do not wake
 *   the workflow, which would only find nothing to start and wait again (a spin); the wait's
 *   timeout and the DescribeJobs poll cover that case.
 */
export function waveNeedsWorkflow(input: {
  servers: readonly ServerProgress[];
  batches: readonly BatchProgress[];
  lastLaunchAttemptAt?: string;
}): WaveDecision {
  const pending = pendingServerCount(input.servers);
  if (pending === 0) return { wake: true, reason: "every server of the wave has a launch result" };
  const waiting = input.batches.filter((batch) => batch.status !== "STARTED");
  if (waiting.length === 0) {
    return { wake: false, reason: `${pending} server(s) still launching` };
  }
  const byId = new Map(input.servers.map((server) => [server.sourceServerId, server]));
  const lastRound = Date.parse(input.lastLaunchAttemptAt ?? "");
  for (const batch of input.batches) {
    const finished = batchFinishedAtMs(batch, byId);
    if (finished !== undefined && (Number.isNaN(lastRound) || finished > lastRound)) {
      return {
        wake: true,
        reason: `batch ${batch.batchId} finished after the last launch round; ${waiting.length} batch(es) wait to start`,
      };
    }
  }
  return {
    wake: false,
    reason: `${waiting.length} batch(es) wait for launch capacity; ${pending} server(s) without a result`,
  };
}
