import {
  ExecutionNotFoundError,
  type PlanHealthAtStart,
  type RecoveryReport,
  type RecoverySummary,
  summarizeRecovery,
} from "@drs-orchestrator/core";
import { drillCleanupReport } from "../cleanup/drill-cleanup-report";
import type { EngineContext } from "../lambda/engine-context";
import { keys } from "../stores/execution-items";
import { unknownExecution } from "./recovery-status";
import { describeRecoveryWorkflow } from "./recovery-workflow";

/**
 * The execution's recovery summary built from its items as they are now (waves, servers, hooks,
 * approvals, RTO), or undefined when it has not written META (still starting, or refused at Prepare).
 * A running execution's summary is a snapshot.
 */
export async function loadRecoverySummary(
  engine: EngineContext,
  executionId: string,
): Promise<RecoverySummary | undefined> {
  const [meta, waves, servers, hooks, approvals] = await Promise.all([
    engine.executions.getMeta(executionId),
    engine.executions.waves(executionId),
    engine.executions.servers(executionId),
    engine.executions.hooks(executionId),
    engine.executions.approvals(executionId),
  ]);
  if (!meta) return undefined;
  return summarizeRecovery({
    execution: meta,
    outcome: {
      status: meta.status,
      ...(meta.endedAt !== undefined && { endedAt: meta.endedAt }),
      ...(meta.error !== undefined && { error: meta.error }),
      ...(meta.cause !== undefined && { cause: meta.cause }),
    },
    waves,
    servers,
    hooks,
    approvals,
  });
}

/**
 * The report of an execution, running or ended: its summary, the plan's health as last recorded
 * before it started and, for a drill that has been cleaned up (or is being), what the cleanup did.
 * @param generatedAt when the report is read, on the clock the execution runs on
 * @throws ExecutionNotFoundError when the execution has not written anything to report
 */
export async function loadRecoveryReport(
  engine: EngineContext,
  executionId: string,
  generatedAt: Date,
): Promise<RecoveryReport> {
  const [summary, cleanup, planHealth] = await Promise.all([
    loadRecoverySummary(engine, executionId),
    drillCleanupReport(engine, executionId),
    engine.executions.get<PlanHealthAtStart & { pk: string; sk: string }>(keys.planHealth(executionId)),
  ]);
  if (!summary) {
    const workflow = await describeRecoveryWorkflow(engine, executionId);
    if (!workflow) throw unknownExecution(executionId);
    throw new ExecutionNotFoundError(
      executionId,
      "META",
      workflow.status === "RUNNING"
        ? "it is still starting; ask again in a moment"
        : `its workflow ended ${workflow.status} before it recorded anything${failure(workflow)}`,
    );
  }
  const { pk: _pk, sk: _sk, ...atStart } = planHealth ?? {};
  return {
    generatedAt: generatedAt.toISOString(),
    summary,
    ...(cleanup && { cleanup }),
    ...(planHealth && { planHealth: atStart as PlanHealthAtStart }),
  };
}

/** The workflow's error and the head of its cause (a step's cause can be a whole stack). */
function failure(workflow: { error?: string; cause?: string }): string {
  if (workflow.error === undefined) return "";
  return workflow.cause === undefined
    ? ` (${workflow.error})`
    : ` (${workflow.error}: ${workflow.cause.slice(0, 300)})`;
}
