import type { RecoveryStatus } from "../report/recovery-summary";

/**
 * How an execution is closed when its workflow ended without finalizing it: stopped in the console
 * or by StopExecution, timed out, failed outside any step (the 25,000-event history limit, a
 * runtime error), or killed before its Finalize step ran. The record takes the workflow's status,
 * error and cause, so whoever closes it (the execution-status rule, a cancel, a pre-emption) writes
 * the same thing.
 */

/** What Step Functions says of an ended workflow (DescribeExecution, or the status-change event). */
export interface EndedWorkflow {
  status: string;
  error?: string;
  cause?: string;
}

export interface WorkflowEnding {
  status: Exclude<RecoveryStatus, "RUNNING">;
  error?: string;
  cause?: string;
  /** Why the execution ended, for its report and its status event. */
  reason?: string;
}

/**
 * The error of an execution that ran past its state machine's TimeoutSeconds (a Standard execution
 * runs a year at most without one: https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html).
 */
export const WORKFLOW_TIMEOUT_ERROR = "States.Timeout";

const STOPPED_BEFORE_FINALIZE: Record<
  string,
  { status: WorkflowEnding["status"]; error: string; what: string }
> = {
  ABORTED: { status: "ABORTED", error: "ExecutionAborted", what: "was stopped" },
  TIMED_OUT: { status: "FAILED", error: WORKFLOW_TIMEOUT_ERROR, what: "timed out" },
  FAILED: { status: "FAILED", error: "ExecutionFailed", what: "failed" },
};

/**
 * The final record of an execution whose workflow ended with `workflow.status`, or undefined while
 * the workflow has not ended for good (RUNNING, PENDING_REDRIVE, or a status this code does not know).
 * A timed-out workflow ends the execution FAILED with States.Timeout; an aborted one ABORTED; a
 * failed one FAILED; the workflow's own error and cause are kept when it has them.
 */
export function workflowEnding(workflow: EndedWorkflow): WorkflowEnding | undefined {
  if (workflow.status === "SUCCEEDED") return { status: "SUCCEEDED" };
  const ended = STOPPED_BEFORE_FINALIZE[workflow.status];
  if (!ended) return undefined;
  const error = workflow.status === "TIMED_OUT" ? WORKFLOW_TIMEOUT_ERROR : (workflow.error ?? ended.error);
  const cause =
    workflow.cause ?? `its workflow ${ended.what} (${workflow.status}) before it finalized the execution`;
  return { status: ended.status, error, cause, reason: cause };
}
