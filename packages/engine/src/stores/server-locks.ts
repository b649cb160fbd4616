import { ServerConflictError } from "@drs-orchestrator/core";
import type { RecoveryWorkflow } from "../operations/recovery-workflow";
import { ABANDONED_START_SECONDS } from "../start/active-run";
import type { ExecutionMeta } from "./execution-items";
import { keys } from "./execution-items";
import type { ExecutionStore } from "./execution-store";

/** What Step Functions knows of an execution's workflow (describeRecoveryWorkflow). */
export type WorkflowLookup = (executionId: string) => Promise<RecoveryWorkflow | undefined>;

interface LockItem {
  executionId: string;
  acquiredAt: string;
  releasedAt?: string;
}

/**
 * One lock item per source server guarantees no server is in two active executions. A lock held
 * by an execution that is no longer running is taken over: one that ended (its META closed), and
 * one whose workflow ended without closing it (stopped in the console, timed out, killed before
 * Finalize), which only Step Functions knows.
 */
export class ServerLocks {
  constructor(
    private readonly store: ExecutionStore,
    private readonly workflowOf: WorkflowLookup,
  ) {}

  /** Locks every server for the execution, or none: on any conflict the locks taken are released. */
  async acquire(
    executionId: string,
    sourceServerIds: readonly string[],
    now: Date = new Date(),
  ): Promise<void> {
    const taken: string[] = [];
    const conflicts: { sourceServerId: string; executionId: string }[] = [];
    // One look per holder, however many of the servers it holds (thousands, against API quotas).
    const holders = new Map<string, Promise<boolean>>();
    for (const sourceServerId of sourceServerIds) {
      if (await this.take(executionId, sourceServerId, now, holders)) taken.push(sourceServerId);
      else {
        const owner = await this.store.get<{ executionId: string }>(keys.lock(sourceServerId));
        conflicts.push({ sourceServerId, executionId: owner?.executionId ?? "unknown" });
      }
    }
    if (conflicts.length > 0) {
      await this.release(executionId, taken);
      throw new ServerConflictError(conflicts);
    }
  }

  async release(executionId: string, sourceServerIds: readonly string[]): Promise<void> {
    for (const sourceServerId of sourceServerIds) {
      await this.store.update(
        keys.lock(sourceServerId),
        { releasedAt: new Date().toISOString() },
        {
          condition: "executionId = :me AND attribute_not_exists(releasedAt)",
          values: { ":me": executionId },
        },
      );
    }
  }

  private async take(
    executionId: string,
    sourceServerId: string,
    now: Date,
    holders: Map<string, Promise<boolean>>,
  ): Promise<boolean> {
    const key = keys.lock(sourceServerId);
    const item = { executionId, sourceServerId, acquiredAt: now.toISOString() };
    if (await this.store.create(key, item)) return true;
    const current = await this.store.get<LockItem>(key);
    if (!current) return this.store.create(key, item);
    // A lock this execution released (a failed attempt cleaning up) is taken again below, not reused as released.
    if (current.executionId === executionId && current.releasedAt === undefined) return true;
    if (current.releasedAt === undefined) {
      const runs = holders.get(current.executionId) ?? this.holderRuns(current, now);
      holders.set(current.executionId, runs);
      if (await runs) return false;
    }
    return this.store.update(key, item, {
      condition: "executionId = :owner",
      values: { ":owner": current.executionId },
      remove: ["releasedAt"],
    });
  }

  /**
   * META closed: ended. META RUNNING: Step Functions decides, since a workflow stopped or timed
   * out never finalizes. A holder Step Functions does not know yet is a start between taking the
   * lock and StartExecution, alive for as long as a start may take.
   */
  private async holderRuns(lock: LockItem, now: Date): Promise<boolean> {
    const meta = await this.store.getMeta(lock.executionId);
    if (meta?.status !== ("RUNNING" satisfies ExecutionMeta["status"])) return false;
    const workflow = await this.workflowOf(lock.executionId);
    if (workflow) return workflow.status === "RUNNING";
    return now.getTime() - Date.parse(lock.acquiredAt) < ABANDONED_START_SECONDS * 1000;
  }
}
