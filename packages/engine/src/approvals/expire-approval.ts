import { expiryReason } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { type WaveStepInput, waveStepInput } from "../steps/launch/wave-step-input";
import { type ApprovalItem, keys } from "../stores/execution-items";
import { waveGateRecord } from "./wave-gate-record";

export const expireApprovalInput = waveStepInput;
export type ExpireApprovalInput = WaveStepInput;

/** Shaped like the failure policy's decision: ABORT ends the recovery with the reason, CONTINUE goes on. */
export interface ExpireApprovalResult {
  action: "ABORT" | "CONTINUE";
  reason: string;
}

/**
 * Runs when the workflow's approval wait timed out. A gated wave's gate is recorded EXPIRED (also
 * over an approval that came too late for the wait to see it, and before the gate was even
 * recorded, so a late await-approval finds it closed) and the recovery aborts with the reason; a
 * rejection that raced the timeout keeps its own status and reason. A wave without a gate goes on:
 * its wait only timed out because the function that lets it through answered late.
 */
export async function expireApproval(
  input: ExpireApprovalInput,
  engine: EngineContext,
): Promise<ExpireApprovalResult> {
  const { executionId, wave, now } = input;
  const key = keys.approval(executionId, wave);
  const item = await engine.executions.get<ApprovalItem>(key);
  if (!item) {
    const gate = await waveGateRecord(engine, executionId, wave, now);
    if (!gate) return { action: "CONTINUE", reason: `wave ${wave} has no approval gate` };
    const reason = expiryReason(wave, gate.timeoutSeconds);
    // Never opened: it closes as it would have opened, so the record says when and why.
    const closed = await engine.executions.create(key, {
      ...gate,
      status: "EXPIRED",
      expiresAt: now,
      decidedAt: now,
      reason,
    });
    if (!closed) return expireApproval(input, engine);
    logger.info("approval expired before its gate was recorded", { executionId, wave, reason });
    return { action: "ABORT", reason };
  }
  if (item.status === "REJECTED") return { action: "ABORT", reason: item.reason as string };
  const reason = expiryReason(wave, item.timeoutSeconds);
  const expired = await engine.executions.update(
    key,
    { status: "EXPIRED", decidedAt: now, reason },
    {
      condition: "attribute_exists(pk) AND #status <> :rejected",
      names: { "#status": "status" },
      values: { ":rejected": "REJECTED" },
      remove: ["taskToken"],
    },
  );
  if (!expired) return expireApproval(input, engine);
  logger.info("approval expired", { executionId, wave, reason });
  return { action: "ABORT", reason };
}
