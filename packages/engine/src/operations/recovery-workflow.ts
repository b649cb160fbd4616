import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import type { EngineContext } from "../lambda/engine-context";
import { recoveryExecutionInputSchema } from "../start/execution-input";
import { executionArnOf } from "../start/execution-name";
import type { ExecutionStatus } from "../stores/execution-items";

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

/** What Step Functions knows of a recovery execution. */
export interface RecoveryWorkflow {
  executionArn: string;
  status: string;
  startedAt: string;
  stoppedAt?: string;
  /** The execution input's fields, when it parses (it does for every start through the one start path). */
  input?: {
    planId: string;
    planVersion: number;
    mode: "DRILL" | "RECOVERY";
    requestedBy: string;
    reason: string;
  };
  error?: string;
  cause?: string;
}

/** The recovery state machine's execution named `executionId`, or undefined when it has none. */
export async function describeRecoveryWorkflow(
  engine: EngineContext,
  executionId: string,
): Promise<RecoveryWorkflow | undefined> {
  const executionArn = executionArnOf(engine.config.recoveryStateMachineArn, executionId);
  try {
    const described = await engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const input = recoveryExecutionInputSchema.safeParse(parseJson(described.input));
    return {
      executionArn,
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

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
