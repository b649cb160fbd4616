import { formatDuration } from "@drs-orchestrator/core";
import { type ExecutionStatusChange, executionStatusChangeSchema } from "../events/execution-status-change";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { currentWorkflowArn, executionIdOfWorkflow } from "../operations/recovery-workflow";
import { type StartDrillCleanupResult, startDrillCleanup } from "./start-drill-cleanup";

/** A drill that ended any other way than SUCCEEDED left instances behind that nobody will look at. */
const FAILED_STATUSES = new Set(["FAILED", "ABORTED", "TIMED_OUT"]);

export type DrillEndedCleanup =
  | { started: true; cleanup: StartDrillCleanupResult; reason: string }
  | { started: false; reason: string };

/**
 * The automatic cleanup when a recovery execution ends: a drill that FAILED, was ABORTED or
 * TIMED_OUT is cleaned up at once; a drill that SUCCEEDED after its plan's `drill.cleanupAfter`
 * (nothing when the plan has none). Real recoveries, other state machines' executions,
 * executions that never wrote META (nothing was launched) and the end of an attempt a resume has
 * replaced are ignored.
 */
export async function cleanupAfterDrillEnded(
  event: ExecutionStatusChange,
  engine: EngineContext,
): Promise<DrillEndedCleanup> {
  const { stateMachineArn, executionArn, status } = event.detail;
  const executionId = executionIdOfWorkflow(event.detail);
  const ignore = (reason: string): DrillEndedCleanup => {
    logger.info(`no drill cleanup: ${reason}`, { executionId, status });
    return { started: false, reason };
  };
  if (stateMachineArn !== engine.config.recoveryStateMachineArn) {
    return ignore(`${stateMachineArn} is not the recovery state machine`);
  }
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) return ignore("the execution ended before it recorded anything, so it launched nothing");
  if (meta.mode !== "DRILL") return ignore(`it is a ${meta.mode} execution`);
  if (executionArn !== currentWorkflowArn(engine, executionId, meta)) {
    return ignore(`${executionArn} is an earlier attempt of the drill, which was resumed since`);
  }

  if (FAILED_STATUSES.has(status)) {
    const cleanup = await startDrillCleanup({ executionId }, engine);
    return { started: true, cleanup, reason: `the drill ended ${status}` };
  }
  if (status !== "SUCCEEDED") return ignore(`the execution is ${status}`);
  const { plan } = await engine.plans.get(meta.planId, meta.planVersion);
  const delaySeconds = plan.drill?.cleanupAfter;
  if (delaySeconds === undefined) return ignore(`plan ${meta.planId} sets no drill.cleanupAfter`);
  const cleanup = await startDrillCleanup({ executionId, delaySeconds }, engine);
  return {
    started: true,
    cleanup,
    reason: `the drill succeeded; plan ${meta.planId} cleans up ${formatDuration(delaySeconds)} after`,
  };
}

/**
 * The start-drill-cleanup function's input: a status-change event from the rule, or a request
 * `{ executionId, delaySeconds? }` from any other entry point (CLI, MCP).
 */
export async function handleDrillCleanupStart(
  input: unknown,
  engine: EngineContext,
): Promise<DrillEndedCleanup | StartDrillCleanupResult> {
  const event = executionStatusChangeSchema.safeParse(input);
  if (event.success) return cleanupAfterDrillEnded(event.data, engine);
  return startDrillCleanup(input, engine);
}
