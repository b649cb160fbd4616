import { workflowEnding } from "@drs-orchestrator/core";
import { publishExecutionStatus } from "../events/execution-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { releaseActiveRun } from "../start/active-run";
import { closeExecution, type ExecutionEnding } from "../steps/finalize";
import type { ExecutionMeta } from "../stores/execution-items";
import { describeRecoveryWorkflow, type RecoveryWorkflow } from "./recovery-workflow";

/** What closing an execution whose workflow ended found, and did. */
export type ClosedExecution =
  /** This call closed META with the workflow's status and freed what the execution held. */
  | { outcome: "CLOSED"; meta: ExecutionMeta; status: ExecutionEnding["status"] }
  /** META had ended already (finalize, or another closer): left as it is. */
  | { outcome: "ALREADY_CLOSED"; meta: ExecutionMeta }
  /** Its workflow still runs (or its current attempt does): nothing to close. */
  | { outcome: "RUNNING"; meta?: ExecutionMeta }
  /** It ended before Prepare wrote META: only the plan's active run was held, and is released. */
  | { outcome: "NOT_PREPARED"; workflow: RecoveryWorkflow }
  /** Step Functions does not know its workflow: nothing says it ended. */
  | { outcome: "UNKNOWN" };

/**
 * Closes an execution whose workflow ended without finalizing it (stopped, timed out, failed
 * outside any step, killed before Finalize): META ends with the workflow's status, error and cause
 * (`workflowEnding`), at the time the workflow stopped, and everything finalize would close is
 * closed. Whoever calls it (the execution-status rule, a cancel, a pre-emption) writes the same
 * record, and only the first write ends the execution, so calling it twice changes nothing.
 */
export async function closeEndedExecution(
  engine: EngineContext,
  executionId: string,
): Promise<ClosedExecution> {
  const workflow = await describeRecoveryWorkflow(engine, executionId);
  const meta = await engine.executions.getMeta(executionId);
  if (meta && meta.status !== "RUNNING") return { outcome: "ALREADY_CLOSED", meta };
  if (!workflow) return { outcome: "UNKNOWN" };
  const ending = workflowEnding(workflow);
  if (!ending) return { outcome: "RUNNING", ...(meta && { meta }) };
  if (!meta) {
    if (workflow.input) await releaseActiveRun(engine, workflow.input.planId, executionId);
    return { outcome: "NOT_PREPARED", workflow };
  }
  const ended = await closeUnfinalized(engine, meta, {
    ...ending,
    endedAt: workflow.stoppedAt ?? workflow.startedAt,
  });
  if (ended) return { outcome: "CLOSED", meta, status: ending.status };
  return { outcome: "ALREADY_CLOSED", meta: (await engine.executions.getMeta(executionId)) ?? meta };
}

/**
 * Closes a RUNNING execution that no Finalize will close (closeExecution: waves in flight, META,
 * server locks, the plan's active run) and announces its end, once.
 * @returns true when this call ended the execution
 */
export async function closeUnfinalized(
  engine: EngineContext,
  meta: ExecutionMeta,
  ending: ExecutionEnding,
): Promise<boolean> {
  const closed = await closeExecution(engine, meta, ending);
  if (closed.ended) await publishExecutionStatus(engine, meta, ending.endedAt, closed.summary);
  return closed.ended;
}
