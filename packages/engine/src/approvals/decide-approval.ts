import {
  ApprovalClosedError,
  type ApprovalDecision,
  ApprovalNotFoundError,
  ApproverNotAllowedError,
  approvalExpired,
  decidedStatus,
  expiryReason,
  mayDecide,
  rejectionReason,
} from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { parseRequest } from "../requests/parse-request";
import { type ApprovalItem, keys } from "../stores/execution-items";
import { answerApprovalTask, answerOf } from "./approval-task";

const text = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected a non-empty string: ${what}`,
});

/**
 * A decision on a wave's approval gate, the same from every entry point (CLI, function, MCP).
 * Unknown fields are refused so that a misspelt `comment` is reported instead of lost.
 */
export const decideApprovalRequestSchema = z.strictObject({
  executionId: z
    .string(text("the execution ID (the name of the recovery's Step Functions execution)"))
    .trim()
    .min(1, { error: "must not be empty: give the execution ID" }),
  wave: z
    .number({ error: "expected the number of the wave that waits for approval, from 1" })
    .int({ error: "expected a whole wave number, from 1" })
    .min(1, { error: "expected a wave number from 1" }),
  decision: z.enum(["APPROVE", "REJECT"], {
    error: "expected APPROVE (the wave launches) or REJECT (the recovery is aborted)",
  }),
  by: z
    .string(text("who decides (a person, or the system that decides for them)"))
    .trim()
    .min(1, { error: "must not be empty: name who decides" }),
  comment: z
    .string({ error: "expected a string: a note kept with the decision" })
    .trim()
    .max(1000, { error: "must have at most 1000 characters" })
    .optional(),
});

export type DecideApprovalRequest = z.output<typeof decideApprovalRequestSchema>;
export type DecideApprovalRequestInput = z.input<typeof decideApprovalRequestSchema>;

/**
 * The request as decideApproval needs it.
 * @throws InvalidInputError naming every bad field and how to fix it
 */
export function parseDecideApprovalRequest(request: unknown): DecideApprovalRequest {
  return parseRequest(decideApprovalRequestSchema, "approval decision", request);
}

export interface DecideApprovalResult {
  executionId: string;
  wave: number;
  status: "APPROVED" | "REJECTED";
  decidedAt: string;
  /** Who decided: this request's `by`, or whoever made the same decision first. */
  by: string;
  comment?: string;
  /** True when the gate already had this decision; nothing changed. */
  alreadyDecided: boolean;
}

/**
 * Approves or rejects a wave's approval gate; every entry point calls this. The decision is a
 * conditional write from PENDING on the token the workflow waits with, then the wait is answered:
 * an approval lets the wave launch, a rejection fails the wait with ApprovalRejected and the
 * reason, and the workflow aborts the recovery. The same decision again returns the recorded one.
 *
 * `now` is the decider's clock; a decision never records a time before its gate's request (a
 * decider's clock may run behind the workflow's, like real time behind the local runtime's
 * simulated clock). A decision at or after the gate's deadline expires the gate instead.
 * @throws InvalidInputError naming every bad field
 * @throws ApprovalNotFoundError when the wave has no gate (none needed, not reached yet, or no such execution)
 * @throws ApproverNotAllowedError when the plan lists approvers and `by` is not one of them
 * @throws ApprovalClosedError when the gate was decided otherwise or has expired
 */
export async function decideApproval(
  engine: EngineContext,
  request: unknown,
  now: Date = new Date(),
): Promise<DecideApprovalResult> {
  const { executionId, wave, decision, by, comment } = parseDecideApprovalRequest(request);
  const key = keys.approval(executionId, wave);
  let item = await engine.executions.get<ApprovalItem>(key);
  if (!item) throw new ApprovalNotFoundError(executionId, wave, await whyNoGate(engine, executionId, wave));
  if (!mayDecide(item.approvers, by)) throw new ApproverNotAllowedError(by, wave, item.approvers);

  for (;;) {
    if (item.status !== "PENDING") return recorded(item, decision);
    const token = item.taskToken as string;
    const at = later(now.toISOString(), item.requestedAt);
    if (approvalExpired(item.expiresAt, at)) {
      const reason = expiryReason(wave, item.timeoutSeconds);
      if (await closePending(engine, item, token, { status: "EXPIRED", decidedAt: at, reason })) {
        await answerApprovalTask(engine, token, { open: false, reason }, item);
        throw new ApprovalClosedError(
          executionId,
          wave,
          `it expired at ${item.expiresAt}; the recovery is aborted`,
        );
      }
    } else {
      const status = decidedStatus(decision);
      const fields = {
        status,
        decidedAt: at,
        by,
        ...(comment ? { comment } : {}),
        ...(status === "REJECTED" && { reason: rejectionReason(wave, by, comment) }),
      };
      const decided: ApprovalItem = { ...item, ...fields };
      if (await closePending(engine, item, token, fields)) {
        await answerApprovalTask(engine, token, answerOf(decided), item);
        logger.info("approval decided", { executionId, wave, status, by });
        return resultOf(decided, false);
      }
    }
    // The gate changed under us (another decision, an expiry, or a retried wait's new token): look again.
    item = (await engine.executions.get<ApprovalItem>(key)) as ApprovalItem;
  }
}

/** Closes a PENDING gate on the token the workflow waits with; false when the gate changed first. */
function closePending(
  engine: EngineContext,
  item: ApprovalItem,
  token: string,
  fields: Record<string, unknown>,
): Promise<boolean> {
  return engine.executions.update(keys.approval(item.executionId, item.wave), fields, {
    condition: "#status = :pending AND #token = :token",
    names: { "#status": "status", "#token": "taskToken" },
    values: { ":pending": "PENDING", ":token": token },
    remove: ["taskToken"],
  });
}

/** The decision a closed gate already has: the same one again is answered with it, any other refused. */
function recorded(item: ApprovalItem, decision: ApprovalDecision): DecideApprovalResult {
  if (item.status === decidedStatus(decision)) return resultOf(item, true);
  const { executionId, wave } = item;
  if (item.status === "EXPIRED") {
    throw new ApprovalClosedError(
      executionId,
      wave,
      `${item.reason ?? "it expired"}; the recovery is aborted`,
    );
  }
  throw new ApprovalClosedError(
    executionId,
    wave,
    `it was already ${item.status.toLowerCase()} by ${item.by} at ${item.decidedAt}`,
  );
}

function resultOf(item: ApprovalItem, alreadyDecided: boolean): DecideApprovalResult {
  return {
    executionId: item.executionId,
    wave: item.wave,
    status: item.status as DecideApprovalResult["status"],
    decidedAt: item.decidedAt as string,
    by: item.by as string,
    ...(item.comment !== undefined && { comment: item.comment }),
    alreadyDecided,
  };
}

async function whyNoGate(engine: EngineContext, executionId: string, wave: number): Promise<string> {
  const meta = await engine.executions.getMeta(executionId);
  if (!meta)
    return "no such execution (check the execution ID, and that the engine environment names its tables)";
  if (meta.status !== "RUNNING") return `the execution has ended (${meta.status})`;
  if (wave > meta.waveCount) return `the execution has ${meta.waveCount} wave(s)`;
  return "its groups ask for no approval, or the workflow has not reached it yet";
}

function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
