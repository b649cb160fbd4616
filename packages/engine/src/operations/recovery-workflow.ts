import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import type { EngineContext } from "../lambda/engine-context";
import { type RecoveryExecutionInput, recoveryExecutionInputSchema } from "../start/execution-input";
import { executionArnOf } from "../start/execution-name";
import type { ExecutionMeta, ExecutionStatus } from "../stores/execution-items";

/** How an operator sees an execution: STARTING until Prepare wrote it, then as it ran and ended. */
export type RecoveryViewStatus = "STARTING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

export const RECOVERY_VIEW_STATUSES = [
  "STARTING",
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "ABORTED",
  "TIMED_OUT",
] as const satisfies readonly RecoveryViewStatus[];

/** What Step Functions knows of a recovery execution's current attempt. */
export interface RecoveryWorkflow {
  executionArn: string;
  /** 1 for the start, n for the (n-1)-th resume. */
  attempt: number;
  status: string;
  startedAt: string;
  stoppedAt?: string;
  /** The execution input's fields, when it parses (it does for every start through the one start path). */
  input?: RecoveryExecutionInput;
  error?: string;
  cause?: string;
}

/**
 * The Step Functions execution of the execution's current attempt: the one META names once the
 * execution was resumed, else the one named after the execution ID (the start).
 */
export function currentWorkflowArn(
  engine: EngineContext,
  executionId: string,
  meta: Pick<ExecutionMeta, "workflowExecutionArn"> | undefined,
): string {
  return meta?.workflowExecutionArn ?? executionArnOf(engine.config.recoveryStateMachineArn, executionId);
}

/**
 * The recovery state machine's execution of the execution's current attempt (see
 * currentWorkflowArn), or undefined when it has none. Whoever asks whether an execution's workflow
 * still runs asks here, so a resumed execution is judged by its current attempt.
 */
export async function describeRecoveryWorkflow(
  engine: EngineContext,
  executionId: string,
): Promise<RecoveryWorkflow | undefined> {
  const executionArn = currentWorkflowArn(engine, executionId, await engine.executions.getMeta(executionId));
  try {
    const described = await engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const input = recoveryExecutionInputSchema.safeParse(parseJson(described.input));
    return {
      executionArn,
      attempt: (input.success && input.data.resume?.attempt) || 1,
      status: described.status ?? "RUNNING",
      startedAt: (described.startDate ?? new Date(0)).toISOString(),
      ...(described.stopDate !== undefined && { stoppedAt: described.stopDate.toISOString() }),
      ...(input.success && { input: input.data }),
      ...(described.error !== undefined && { error: described.error }),
      ...(described.cause !== undefined && { cause: described.cause }),
    };
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}

/**
 * The execution ID a recovery state machine execution works for, from its name and input (as
 * DescribeExecution and the `Step Functions Execution Status Change` event give them): a resumed
 * attempt is named after its attempt, its input names the execution.
 */
export function executionIdOfWorkflow(workflow: { name: string; input?: string | null }): string {
  const input = recoveryExecutionInputSchema.safeParse(parseJson(workflow.input ?? undefined));
  return input.success ? input.data.executionId : workflow.name;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * META's status as whoever reads the execution's state must take it: a resume records its attempt
 * before that attempt's Prepare reopens META, so while the attempt's workflow runs the execution
 * runs, whatever META still says of the attempt before.
 */
export function executionStatusOf(
  meta: Pick<ExecutionMeta, "status" | "attempts"> | undefined,
  workflowStatus: string | undefined,
): ExecutionStatus | undefined {
  const resuming = meta?.attempts !== undefined && meta.attempts.at(-1)?.endedAt === undefined;
  return resuming && workflowStatus === "RUNNING" ? "RUNNING" : meta?.status;
}

/**
 * One status from the two records of an execution. META ended is finalize's verdict (more precise
 * than the workflow's: an aborted recovery's workflow ends FAILED). A workflow that ended while META
 * still says RUNNING was stopped or timed out, and nothing will finalize it, so the workflow wins.
 */
export function recoveryViewStatus(
  workflowStatus: string | undefined,
  metaStatus: ExecutionStatus | undefined,
): RecoveryViewStatus {
  if (metaStatus !== undefined && metaStatus !== "RUNNING") return metaStatus;
  if (workflowStatus === undefined || workflowStatus === "RUNNING") {
    return metaStatus === undefined ? "STARTING" : "RUNNING";
  }
  if (workflowStatus === "SUCCEEDED" || workflowStatus === "ABORTED" || workflowStatus === "TIMED_OUT") {
    return workflowStatus;
  }
  // FAILED, and PENDING_REDRIVE: a failed execution that may be redriven.
  return "FAILED";
}
