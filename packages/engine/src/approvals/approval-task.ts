import { SendTaskFailureCommand, SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { APPROVAL_REJECTED } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { aws, awsErrorName } from "../steps/launch/aws-failures";
import type { ApprovalItem } from "../stores/execution-items";

/** Answers to SendTask* for a token whose task no longer waits (timed out, retried, or its execution ended). */
const TASK_GONE = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

/** Step Functions limits a task failure's cause to 32,768 characters; a reason is far shorter, but never more. */
const MAX_CAUSE_CHARS = 32_768;

/**
 * Lets the workflow's approval wait go on (`open`) or fails it with ApprovalRejected and the reason
 * (rejected or expired), which the workflow turns into an aborted recovery. Returns false when the
 * task no longer waits: the outcome is then the workflow's (a retried gate reads the decision, a
 * timed-out one expires it).
 */
export async function answerApprovalTask(
  engine: EngineContext,
  taskToken: string,
  answer: { open: true; output: Record<string, unknown> } | { open: false; reason: string },
  at: Pick<ApprovalItem, "executionId" | "wave">,
): Promise<boolean> {
  try {
    if (answer.open) {
      await aws("Step Functions SendTaskSuccess", () =>
        engine.aws.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(answer.output) })),
      );
    } else {
      await aws("Step Functions SendTaskFailure", () =>
        engine.aws.sfn.send(
          new SendTaskFailureCommand({
            taskToken,
            error: APPROVAL_REJECTED,
            cause: answer.reason.slice(0, MAX_CAUSE_CHARS),
          }),
        ),
      );
    }
    return true;
  } catch (error) {
    const name = awsErrorName(error);
    if (name === undefined || !TASK_GONE.has(name)) throw error;
    logger.warn("the approval wait had already ended", {
      executionId: at.executionId,
      wave: at.wave,
      error: name,
    });
    return false;
  }
}

/** How a decided gate answers the workflow: an approval opens it, a rejection or expiry fails it. */
export function answerOf(
  item: ApprovalItem,
): { open: true; output: Record<string, unknown> } | { open: false; reason: string } {
  return item.status === "APPROVED"
    ? { open: true, output: { wave: item.wave, approval: item.status, by: item.by } }
    : { open: false, reason: item.reason ?? `approval for wave ${item.wave} ${item.status.toLowerCase()}` };
}
