import { ServerConflictError } from "@drs-orchestrator/core";
import type { ExecutionMeta } from "./execution-items";
import { keys } from "./execution-items";
import type { ExecutionStore } from "./execution-store";

/**
 * One lock item per source server guarantees no server is in two active executions. A lock held
 * by an execution that is no longer RUNNING (it ended without releasing) is taken over.
 */
export class ServerLocks {
  constructor(private readonly store: ExecutionStore) {}

  /** Locks every server for the execution, or none: on any conflict the locks taken are released. */
  async acquire(
    executionId: string,
    sourceServerIds: readonly string[],
    now: Date = new Date(),
  ): Promise<void> {
    const taken: string[] = [];
    const conflicts: { sourceServerId: string; executionId: string }[] = [];
    for (const sourceServerId of sourceServerIds) {
      if (await this.take(executionId, sourceServerId, now)) taken.push(sourceServerId);
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

  private async take(executionId: string, sourceServerId: string, now: Date): Promise<boolean> {
    const key = keys.lock(sourceServerId);
    const item = { executionId, sourceServerId, acquiredAt: now.toISOString() };
    if (await this.store.create(key, item)) return true;
    const current = await this.store.get<{ executionId: string; releasedAt?: string }>(key);
    if (!current) return this.store.create(key, item);
    // A lock this execution released (a failed attempt cleaning up) is taken again below, not reused as released.
    if (current.executionId === executionId && current.releasedAt === undefined) return true;
    const stale =
      current.releasedAt !== undefined ||
      (await this.store.getMeta(current.executionId))?.status !==
        ("RUNNING" satisfies ExecutionMeta["status"]);
    if (!stale) return false;
    return this.store.update(key, item, {
      condition: "executionId = :owner",
      values: { ":owner": current.executionId },
      remove: ["releasedAt"],
    });
  }
}
