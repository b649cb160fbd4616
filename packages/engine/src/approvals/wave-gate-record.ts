import { approvalExpiresAt, ExecutionNotFoundError, waveGate } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import type { ApprovalItem } from "../stores/execution-items";

/**
 * The approval record a wave's gate starts with, from the pinned plan's settings of the wave's
 * groups, requested at `now`; undefined when none of the groups asks for an approval.
 * @throws ExecutionNotFoundError when the execution or the wave was never prepared
 */
export async function waveGateRecord(
  engine: EngineContext,
  executionId: string,
  wave: number,
  now: string,
): Promise<ApprovalItem | undefined> {
  const [meta, waveItem] = await Promise.all([
    engine.executions.getMeta(executionId),
    engine.executions.getWave(executionId, wave),
  ]);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  const { plan } = await engine.plans.get(meta.planId, meta.planVersion);
  const gate = waveGate(plan.groups.filter((group) => waveItem.groupIds.includes(group.id)));
  if (!gate.required) return undefined;
  return {
    executionId,
    planId: meta.planId,
    wave,
    groupIds: waveItem.groupIds,
    gatingGroupIds: gate.gatingGroupIds,
    status: "PENDING",
    requestedAt: now,
    timeoutSeconds: gate.timeoutSeconds,
    expiresAt: approvalExpiresAt(now, gate.timeoutSeconds),
    approvers: gate.approvers,
  };
}
