import type { ExecutionStatusChange } from "../events/execution-status-change";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { recoveryExecutionInputSchema } from "../start/execution-input";
import { type ClosedExecution, closeEndedExecution } from "./close-ended-execution";

export interface ExecutionEndedOutcome {
  executionId: string;
  /** What closing found: CLOSED when this event closed the execution. */
  outcome: ClosedExecution["outcome"] | "IGNORED";
  reason: string;
}

/**
 * The execution-status rule, for drills and recoveries alike: when a workflow of this stage's
 * recovery state machine ends while its execution's META still says RUNNING (stopped in the
 * console, timed out, failed outside any step, killed before Finalize), the execution is closed
 * with the workflow's status (closeEndedExecution), freeing its server locks and its plan. An
 * execution already closed is left as it is, so a redelivered event changes nothing; executions of
 * other state machines are ignored.
 */
export async function onExecutionEnded(
  event: ExecutionStatusChange,
  engine: EngineContext,
): Promise<ExecutionEndedOutcome> {
  const { stateMachineArn, name, status, input } = event.detail;
  const executionId = executionIdOf(name, input);
  if (stateMachineArn !== engine.config.recoveryStateMachineArn) {
    return outcome(executionId, "IGNORED", `${stateMachineArn} is not this stage's recovery state machine`);
  }
  const closed = await closeEndedExecution(engine, executionId);
  switch (closed.outcome) {
    case "CLOSED":
      return outcome(executionId, "CLOSED", `its workflow ended ${status}: closed ${closed.status}`);
    case "ALREADY_CLOSED":
      return outcome(executionId, "ALREADY_CLOSED", `it had already ended ${closed.meta.status}`);
    case "RUNNING":
      return outcome(executionId, "RUNNING", "its workflow runs (a later attempt)");
    case "NOT_PREPARED":
      return outcome(
        executionId,
        "NOT_PREPARED",
        "it ended before it recorded anything; its plan is released",
      );
    case "UNKNOWN":
      return outcome(executionId, "UNKNOWN", "Step Functions does not know its workflow");
  }
}

function outcome(
  executionId: string,
  result: ExecutionEndedOutcome["outcome"],
  reason: string,
): ExecutionEndedOutcome {
  logger.info(`execution ended: ${reason}`, { executionId, outcome: result });
  return { executionId, outcome: result, reason };
}

/** The execution ID from the workflow's input; the execution name when the input is not one of ours. */
function executionIdOf(name: string, input: string | null | undefined): string {
  if (!input) return name;
  try {
    const parsed = recoveryExecutionInputSchema.safeParse(JSON.parse(input));
    return parsed.success ? parsed.data.executionId : name;
  } catch {
    return name;
  }
}
