/**
 * The product's named errors. Each `name` is stable: workflows match it in ASL `ErrorEquals`
 * and callers switch on it, so renaming one is a breaking change.
 */

/** Groups depend on each other in a loop, so no wave order exists. */
export class DependencyCycleError extends Error {
  override readonly name = "DependencyCycleError";
  /** The loop with its first node repeated at the end, e.g. `["db", "app", "db"]`. */
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super(`dependency cycle ${cycle.join(" → ")}: remove one of these dependsOn entries`);
    this.cycle = cycle;
  }
}

/** A launch quota is not a positive integer. */
export class InvalidQuotaError extends Error {
  override readonly name = "InvalidQuotaError";
  readonly quota: string;

  constructor(quota: string, value: unknown) {
    super(`launch quota ${quota} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`);
    this.quota = quota;
  }
}

/** The same source server is listed twice where it may launch only once. */
export class DuplicateSourceServerError extends Error {
  override readonly name = "DuplicateSourceServerError";
  readonly sourceServerId: string;

  constructor(sourceServerId: string, where: string) {
    super(`source server ${sourceServerId} is listed twice in ${where}; a server launches once`);
    this.sourceServerId = sourceServerId;
  }
}

/** A launch batch can never start under the launch quotas (empty, or larger than a job may be). */
export class InvalidBatchError extends Error {
  override readonly name = "InvalidBatchError";
  readonly batchId: string;

  constructor(batchId: string, reason: string) {
    super(`launch batch ${batchId} can never start: ${reason}`);
    this.batchId = batchId;
  }
}
