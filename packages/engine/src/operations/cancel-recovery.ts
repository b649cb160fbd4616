import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { parseRequest } from "../requests/parse-request";
import { closeEndedExecution, closeUnfinalized } from "./close-ended-execution";
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
 * closed here (closeEndedExecution, as the execution-status rule does): META ends ABORTED at the
 * time the workflow stopped (from RUNNING only), its waves in flight with it, the server locks and
 * the plan's active run are released so the plan can start again, and the status change is
 * announced. A drill's instances are left to the cleanup the drill-ended rule starts. Cancelling an
 * execution that already ended changes nothing; one whose workflow ended without anything closing it
 * (its status change lost) is closed as cancelled, freeing what it held.
 * @param now the end time to record for an execution whose workflow had already ended, on the clock the execution runs on
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
    // Closed as the execution-status rule closes it (which may get there first): ABORTED with the
    // stop's error and cause, at the time the workflow stopped.
    const closed = await closeEndedExecution(engine, executionId);
    const mode = "meta" in closed ? closed.meta?.mode : undefined;
    return { executionId, status: "ABORTED", alreadyEnded: false, cleanupExpected: mode === "DRILL" };
  }
  // Ended before it wrote anything: whatever ended it released the plan, and nothing else was taken.
  if (!meta) return ended(recoveryViewStatus(workflow?.status, undefined));
  if (workflow) {
    // Stopped or timed out without finalizing, and its status change never closed it.
    cause = `${cause} (its workflow had ended ${workflow.status} without closing the execution)`;
  }
  await closeUnfinalized(engine, meta, {
    status: "ABORTED",
    endedAt: now.toISOString(),
    reason: cause,
    error: RECOVERY_CANCELLED,
    cause,
  });
  return {
    executionId,
    status: "ABORTED",
    alreadyEnded: false,
    // The drill-ended rule reacts to the workflow's end, which a workflow that is gone never announces.
    cleanupExpected: meta.mode === "DRILL" && workflow !== undefined,
  };
}
