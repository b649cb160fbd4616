import { DuplicateSourceServerError, InvalidQuotaError } from "../common/errors";

/** DRS launch quotas; public figures disagree, so every one is configurable. */
export interface LaunchQuotas {
  /** Source servers in one StartRecovery job. */
  maxServersPerJob: number;
  /** Jobs in progress at once. */
  maxConcurrentJobs: number;
  /** Source servers across all jobs in progress. */
  maxServersInActiveJobs: number;
}

/** The figures of the DRS user guide. */
export const DEFAULT_LAUNCH_QUOTAS: LaunchQuotas = Object.freeze({
  maxServersPerJob: 100,
  maxConcurrentJobs: 20,
  maxServersInActiveJobs: 500,
});

const QUOTA_NAMES = ["maxServersPerJob", "maxConcurrentJobs", "maxServersInActiveJobs"] as const;

/**
 * Returns the quotas when each is a positive integer.
 * @throws InvalidQuotaError naming the first quota that is not
 */
export function checkLaunchQuotas(quotas: LaunchQuotas): LaunchQuotas {
  for (const name of QUOTA_NAMES) {
    const value: unknown = quotas[name];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
      throw new InvalidQuotaError(name, value);
    }
  }
  return quotas;
}

/**
 * The most servers one job may take: a job larger than the active-servers quota could never
 * start, so the smaller of the two quotas bounds it.
 */
export function maxBatchSize(quotas: LaunchQuotas): number {
  return Math.min(quotas.maxServersPerJob, quotas.maxServersInActiveJobs);
}

export interface LaunchBatch {
  /** `w<wave>-b<batch>`, both 1-based: stable, so it can key execution state. */
  id: string;
  waveIndex: number;
  sourceServerIds: string[];
}

/**
 * Splits a wave's servers into as few jobs as the quotas allow, with sizes differing by at most
 * one (250 servers at 100 per job → 84/83/83, not 100/100/50), so the jobs finish together.
 * Servers keep their order and each lands in exactly one batch.
 * @throws InvalidQuotaError when a quota is not a positive integer
 * @throws DuplicateSourceServerError when a server is listed twice
 */
export function batchWave(
  waveIndex: number,
  sourceServerIds: readonly string[],
  quotas: LaunchQuotas = DEFAULT_LAUNCH_QUOTAS,
): LaunchBatch[] {
  const limit = maxBatchSize(checkLaunchQuotas(quotas));
  const seen = new Set<string>();
  for (const id of sourceServerIds) {
    if (seen.has(id)) throw new DuplicateSourceServerError(id, `wave ${waveIndex}`);
    seen.add(id);
  }
  const total = sourceServerIds.length;
  const count = Math.ceil(total / limit);
  const batches: LaunchBatch[] = [];
  let start = 0;
  for (let b = 0; b < count; b++) {
    // The first (total mod count) batches take one server more than the rest.
    const size = Math.floor(total / count) + (b < total % count ? 1 : 0);
    batches.push({
      id: `w${waveIndex}-b${b + 1}`,
      waveIndex,
      sourceServerIds: sourceServerIds.slice(start, start + size),
    });
    start += size;
  }
  return batches;
}
