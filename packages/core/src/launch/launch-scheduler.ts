import { InvalidBatchError } from "../common/errors";
import {
  checkLaunchQuotas,
  DEFAULT_LAUNCH_QUOTAS,
  type LaunchBatch,
  type LaunchQuotas,
  maxBatchSize,
} from "./launch-batching";

/** A launch job DRS still has in progress. */
export interface ActiveJob {
  jobId: string;
  sourceServerIds: readonly string[];
}

function checkBatch(batch: LaunchBatch, limit: number): void {
  const size = batch.sourceServerIds.length;
  if (size === 0) throw new InvalidBatchError(batch.id, "it has no servers");
  if (size > limit) {
    throw new InvalidBatchError(batch.id, `it has ${size} servers and a job may take at most ${limit}`);
  }
  if (new Set(batch.sourceServerIds).size !== size) {
    throw new InvalidBatchError(batch.id, "it lists a server twice");
  }
}

/**
 * The pending batches that may start now, in pending order, keeping every DRS quota: jobs in
 * progress ≤ maxConcurrentJobs, servers in jobs in progress ≤ maxServersInActiveJobs, each job
 * ≤ maxServersPerJob, and no server in two jobs in progress.
 *
 * Fairness: batches start in order. A batch held back for capacity (job count or servers in
 * progress) holds back every batch behind it, so smaller batches never overtake and starve a
 * larger one. A batch held back only because one of its servers is still in a job in progress
 * holds back nobody: waiting for it gains nothing, since it cannot start until that job ends.
 * @throws InvalidQuotaError when a quota is not a positive integer
 * @throws InvalidBatchError when a pending batch is empty, repeats a server or is larger than a
 *   job may be, since it could never start
 */
export function schedulableBatches(
  pending: readonly LaunchBatch[],
  active: readonly ActiveJob[],
  quotas: LaunchQuotas = DEFAULT_LAUNCH_QUOTAS,
): LaunchBatch[] {
  checkLaunchQuotas(quotas);
  const limit = maxBatchSize(quotas);
  for (const batch of pending) checkBatch(batch, limit);

  const busy = new Set<string>();
  let servers = 0;
  for (const job of active) {
    for (const id of job.sourceServerIds) busy.add(id);
    servers += job.sourceServerIds.length;
  }
  let jobs = active.length;

  const start: LaunchBatch[] = [];
  for (const batch of pending) {
    if (jobs >= quotas.maxConcurrentJobs) break;
    if (batch.sourceServerIds.some((id) => busy.has(id))) continue;
    if (servers + batch.sourceServerIds.length > quotas.maxServersInActiveJobs) break;
    start.push(batch);
    jobs += 1;
    servers += batch.sourceServerIds.length;
    for (const id of batch.sourceServerIds) busy.add(id);
  }
  return start;
}
