import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { publishExecutionStatus } from "../events/execution-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { parseRequest } from "../requests/parse-request";
import { releaseActiveRun } from "../start/active-run";
import { closeExecution } from "../steps/finalize";
import { unknownExecution } from "./recovery-status";
import {
  describeRecoveryWorkflow,
  executionStatusOf,
  type RecoveryViewStatus,
  recoveryViewStatus,
} from "./recovery-workflow";

/** The error a cancelled execution's workflow is stopped with, and META records. */
export const RECOVERY_CANCELLED = "RecoveryCancelled";

export interface CancelRecoveryResult {
  executionId: string;
  /** What a cancel leaves the execution as; when `alreadyEnded`, `endedStatus` says how it had ended. */
  status: "ABORTED";
  /** The execution had already ended: nothing was changed. */
  alreadyEnded: boolean;
  endedStatus?: RecoveryViewStatus;
  /** A cancelled drill is cleaned up by the drill-ended rule (its instances terminated, settings restored). */
  cleanupExpected: boolean;
}

const cancelRequestSchema = z.strictObject({
  executionId: z.string().min(1, { error: "required: the execution ID (recover list shows them)" }),
  reason: z.string().trim().min(1, { error: "required: why the execution is cancelled, for its record" }),
  requestedBy: z.string().trim().min(1, { error: "required: who cancels it" }),
});
export type CancelRecoveryRequest = z.input<typeof cancelRequestSchema>;

/**
 * Stops a running execution for good: the workflow is stopped (error RecoveryCancelled, the cause
 * naming who and why), and since a stopped workflow never finalizes, what finalize would close is
 * closed here: META ends ABORTED (from RUNNING only), its waves in flight with it, the server locks
 * and the plan's active run are released so the plan can start again, and the status change is
 * announced. A drill's instances are left to the cleanup the drill-ended rule starts. Cancelling an
 * execution that already ended changes nothing; one whose workflow ended without closing it (stopped
 * outside the product, timed out) is closed as cancelled, freeing what it held.
 * @param now the end time to record, on the clock the execution runs on
 * @throws InvalidInputError naming each bad field
 * @throws ExecutionNotFoundError when neither Step Functions nor the executions table knows it
 */
export async function cancelRecovery(
  engine: EngineContext,
  request: CancelRecoveryRequest,
  now: Date,
): Promise<CancelRecoveryResult> {
  const { executionId, reason, requestedBy } = parseRequest(cancelRequestSchema, "cancel request", request);
  const [workflow, meta] = await Promise.all([
    describeRecoveryWorkflow(engine, executionId),
    engine.executions.getMeta(executionId),
  ]);
  if (!workflow && !meta) throw unknownExecution(executionId);
  const ended = (endedStatus: RecoveryViewStatus): CancelRecoveryResult => ({
    executionId,
    status: "ABORTED",
    alreadyEnded: true,
    endedStatus,
    cleanupExpected: false,
  });
  // A resume that has not reopened META yet runs all the same: its workflow is stopped.
  const status = executionStatusOf(meta, workflow?.status);
  if (meta && status !== "RUNNING") return ended(meta.status);

  let cause = `cancelled by ${requestedBy}: ${reason}`;
  if (workflow?.status === "RUNNING") {
    await engine.aws.sfn.send(
      new StopExecutionCommand({ executionArn: workflow.executionArn, error: RECOVERY_CANCELLED, cause }),
    );
    // It may have ended on its own between the look and the stop; then it keeps that end.
    const stopped = await describeRecoveryWorkflow(engine, executionId);
    if (stopped && stopped.status !== "ABORTED") {
      return ended(
        recoveryViewStatus(stopped.status, (await engine.executions.getMeta(executionId))?.status),
      );
    }
  } else if (workflow) {
    // Ended before it wrote anything: whatever ended it released the plan, and nothing else was taken.
    if (!meta) return ended(recoveryViewStatus(workflow.status, undefined));
    // Stopped or timed out without finalizing: its servers and plan stay taken until someone closes it.
    cause = `${cause} (its workflow had ended ${workflow.status} without closing the execution)`;
  }

  // Read after the stop: a Prepare that completed before it has written META and taken the locks.
  const current = await engine.executions.getMeta(executionId);
  if (!current) {
    const planId = workflow?.input?.planId;
    if (planId) await releaseActiveRun(engine, planId, executionId);
    return { executionId, status: "ABORTED", alreadyEnded: false, cleanupExpected: false };
  }
  if (current.status !== "RUNNING") {
    // A resumed attempt stopped before its Prepare reopened META: the execution stays as it ended.
    if (status === "RUNNING" && meta?.status !== "RUNNING") {
      return {
        executionId,
        status: "ABORTED",
        alreadyEnded: false,
        cleanupExpected: current.mode === "DRILL",
      };
    }
    return ended(current.status);
  }
  const endedAt = now.toISOString();
  const closed = await closeExecution(engine, current, {
    status: "ABORTED",
    endedAt,
    reason: cause,
    error: RECOVERY_CANCELLED,
    cause,
  });
  if (closed.ended) await publishExecutionStatus(engine, current, endedAt, closed.summary);
  return {
    executionId,
    status: "ABORTED",
    alreadyEnded: false,
    // The drill-ended rule reacts to the workflow's end, which a workflow that is gone never announces.
    cleanupExpected: current.mode === "DRILL" && workflow !== undefined,
  };
}
