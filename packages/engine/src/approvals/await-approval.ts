import { capIds, ExecutionNotFoundError, OUTBOUND_DETAIL_TYPES } from "@drs-orchestrator/core";
import { z } from "zod";
import { publishOutboundEvent } from "../events/publish-outbound-event";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { waveStepInput } from "../steps/launch/wave-step-input";
import { type ApprovalItem, keys } from "../stores/execution-items";
import { answerApprovalTask, answerOf } from "./approval-task";
import { waveGateRecord } from "./wave-gate-record";

export const awaitApprovalInput = waveStepInput.extend({
  taskToken: z.string().min(1, { error: "required: the task token ($$.Task.Token) of the waiting state" }),
});
export type AwaitApprovalInput = z.output<typeof awaitApprovalInput>;

export interface AwaitApprovalResult {
  wave: number;
  /** False when no group of the wave asks for an approval: the wait was completed at once. */
  required: boolean;
  status?: ApprovalItem["status"];
  expiresAt?: string;
}

/**
 * The approval gate before a wave launches; the workflow enters it for every wave and waits on
 * its task token. A wave whose groups ask for no approval is let through at once, without any
 * record or event. Otherwise the gate is recorded PENDING with the token, its deadline and who
 * may decide, and `Approval Required` goes to the app's bus; decideApproval (or the wait's
 * timeout) ends the wait. A retried gate keeps its record: it parks the new token while the gate
 * is pending, answers at once when a decision came in between, and announces itself only once.
 * @throws ExecutionNotFoundError when the execution or the wave was never prepared
 */
export async function awaitApproval(
  input: AwaitApprovalInput,
  engine: EngineContext,
): Promise<AwaitApprovalResult> {
  const { executionId, wave, now, taskToken } = input;
  const key = keys.approval(executionId, wave);
  let item = await engine.executions.get<ApprovalItem>(key);
  if (!item) {
    const gate = await waveGateRecord(engine, executionId, wave, now);
    if (!gate) {
      await answerApprovalTask(
        engine,
        taskToken,
        { open: true, output: { wave, approval: "NOT_REQUIRED" } },
        input,
      );
      return { wave, required: false };
    }
    const created = await engine.executions.create(key, { ...gate, taskToken });
    item = created ? { ...gate, taskToken } : await engine.executions.get<ApprovalItem>(key);
    if (!item) throw new ExecutionNotFoundError(executionId, `approval gate of wave ${wave}`);
  }

  while (item.status === "PENDING" && item.taskToken !== taskToken) {
    const parked = await engine.executions.update(
      key,
      { taskToken },
      { condition: "#status = :pending", names: { "#status": "status" }, values: { ":pending": "PENDING" } },
    );
    if (parked) item = { ...item, taskToken };
    else item = (await engine.executions.get<ApprovalItem>(key)) as ApprovalItem;
  }

  if (item.status !== "PENDING") {
    // Decided while no wait was live (between a failed attempt and this retry): answer this wait.
    await answerApprovalTask(engine, taskToken, answerOf(item), input);
    return { wave, required: true, status: item.status, expiresAt: item.expiresAt };
  }
  await announce(engine, item, now);
  logger.info("waiting for approval", { executionId, wave, expiresAt: item.expiresAt });
  return { wave, required: true, status: item.status, expiresAt: item.expiresAt };
}

/** `Approval Required` on the app's bus, once per gate: who may decide, which servers wait, until when. */
async function announce(engine: EngineContext, item: ApprovalItem, now: string): Promise<void> {
  if (item.notifiedAt !== undefined) return;
  const servers = await engine.executions.servers(item.executionId, item.wave);
  const ids = servers.map((server) => server.sourceServerId).sort();
  await publishOutboundEvent(
    engine,
    OUTBOUND_DETAIL_TYPES.approvalRequired,
    {
      executionId: item.executionId,
      planId: item.planId,
      wave: item.wave,
      groups: item.groupIds,
      sourceServerIds: capIds(ids),
      serverCount: ids.length,
      approvers: item.approvers,
      expiresAt: item.expiresAt,
    },
    now,
  );
  await engine.executions.update(
    keys.approval(item.executionId, item.wave),
    { notifiedAt: now },
    { condition: "attribute_exists(pk) AND attribute_not_exists(notifiedAt)" },
  );
}
