import {
  type LockHolderView,
  type PreemptingRecovery,
  type RecoveryHolds,
  recoveryHolds,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { activeRun, activeRunLive } from "../start/active-run";
import { type ExecutionMeta, keys } from "../stores/execution-items";

interface LockItem {
  sourceServerId: string;
  executionId: string;
  releasedAt?: string;
}

/**
 * Which of the drill's servers a running RECOVERY holds, and whether the RECOVERY that pre-empted
 * the drill has yet to take its locks (see recoveryHolds): read from the server locks and their
 * holders' META, and from the pre-empting recovery's META or, before it wrote one, the plan's active run.
 */
export async function serversHeldByRecovery(
  engine: EngineContext,
  drill: ExecutionMeta,
  sourceServerIds: readonly string[],
): Promise<RecoveryHolds> {
  const { executions } = engine;
  const lockItems = await executions.getMany<LockItem>(sourceServerIds.map((id) => keys.lock(id)));
  const holderIds = [...new Set(lockItems.map((lock) => lock.executionId))].filter(
    (id) => id !== drill.executionId,
  );
  const holders = new Map<string, LockHolderView>(
    (await executions.getMany<ExecutionMeta>(holderIds.map((id) => keys.meta(id)))).map((meta) => [
      meta.executionId,
      { mode: meta.mode, running: meta.status === "RUNNING" },
    ]),
  );
  return recoveryHolds({
    drillId: drill.executionId,
    sourceServerIds,
    locks: lockItems.map((lock) => ({
      sourceServerId: lock.sourceServerId,
      executionId: lock.executionId,
      released: lock.releasedAt !== undefined,
    })),
    holders,
    ...(drill.preemptedBy !== undefined && {
      preemptedBy: await preemptingRecovery(engine, drill, drill.preemptedBy),
    }),
  });
}

async function preemptingRecovery(
  engine: EngineContext,
  drill: ExecutionMeta,
  executionId: string,
): Promise<PreemptingRecovery> {
  const meta = await engine.executions.getMeta(executionId);
  if (meta) return { executionId, running: meta.status === "RUNNING", prepared: meta.prepared === true };
  // Before its Prepare it took the drill's plan (acquirePlanRun): it runs, or is on its way to
  // StartExecution, for as long as the plan's active run says so, on the starters' clock.
  const holder = await activeRun(engine, drill.planId);
  const running = holder?.executionId === executionId && (await activeRunLive(engine, holder, new Date()));
  return { executionId, running, prepared: false };
}
