import { type LockHolderView, type PreemptingRecovery, recoveryHolds } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { describeRecoveryWorkflow } from "../operations/recovery-workflow";
import { type ExecutionMeta, keys } from "../stores/execution-items";

interface LockItem {
  sourceServerId: string;
  executionId: string;
  releasedAt?: string;
}

/**
 * The drill's servers that a running RECOVERY holds, with the recovery's execution ID (see
 * recoveryHolds): its cleanup leaves them alone. Read from the server locks and their holders' META,
 * and from the RECOVERY that pre-empted the drill while it has not yet taken its locks.
 */
export async function serversHeldByRecovery(
  engine: EngineContext,
  drill: ExecutionMeta,
  sourceServerIds: readonly string[],
): Promise<Map<string, string>> {
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
      preemptedBy: await preemptingRecovery(engine, drill.preemptedBy),
    }),
  });
}

async function preemptingRecovery(engine: EngineContext, executionId: string): Promise<PreemptingRecovery> {
  const meta = await engine.executions.getMeta(executionId);
  if (meta) return { executionId, running: meta.status === "RUNNING", prepared: meta.prepared === true };
  // Started but not yet prepared: only Step Functions knows whether it still runs.
  const workflow = await describeRecoveryWorkflow(engine, executionId);
  return { executionId, running: workflow?.status === "RUNNING", prepared: false };
}
