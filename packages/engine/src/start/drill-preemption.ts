import { StopExecutionCommand } from "@aws-sdk/client-sfn";
import {
  decidePreemption,
  type Holder,
  RecoveryInProgressError,
  type RecoveryMode,
  ServerConflictError,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { closeEndedExecution } from "../operations/close-ended-execution";
import { describeRecoveryWorkflow } from "../operations/recovery-workflow";
import { type ExecutionMeta, keys } from "../stores/execution-items";
import { type ActiveRun, acquireActiveRun, activeRun, takeOverActiveRun } from "./active-run";

/** The error a pre-empted drill's workflow is stopped with, and its META records. */
export const DRILL_PREEMPTED = "DrillPreempted";

/** Why a pre-empted drill ended, as its workflow and its META say. */
export const preemptionCause = (recoveryId: string) => `pre-empted by recovery ${recoveryId}`;

/** How a start holds its plan: "held" when the same execution already did; the drill it stopped to take it. */
export interface PlanRunHold {
  hold: "acquired" | "held";
  preemptedDrill?: string;
}

/**
 * Takes the plan's active run for `run` (acquireActiveRun). A RECOVERY that finds it held by a
 * running drill of the plan takes the plan from that drill, then stops and closes the drill (see
 * stopDrill); any other holder is refused as before. The plan passes to the recovery before the
 * drill stops, so the drill's cleanup, started by its stop, already finds which recovery takes over.
 * @throws RecoveryInProgressError when a RECOVERY holds the plan, or a drill does and `run` is a drill
 */
export async function acquirePlanRun(engine: EngineContext, run: ActiveRun, now: Date): Promise<PlanRunHold> {
  try {
    return { hold: await acquireActiveRun(engine, run, now) };
  } catch (error) {
    if (!(error instanceof RecoveryInProgressError)) throw error;
    const holder = await activeRun(engine, run.planId);
    if (!holder) throw error;
    const decision = decidePreemption(run.mode, [{ executionId: holder.executionId, mode: holder.mode }]);
    if (decision.action === "REFUSE") throw error;
    // Another start took the plan meanwhile: the plan's new holder decides.
    if (!(await takeOverActiveRun(engine, run, holder.executionId)))
      return { hold: await acquireActiveRun(engine, run, now) };
    // A drill between its start and StartExecution has no workflow to stop; without the plan it
    // meets the recovery's server locks at its Prepare.
    await stopDrill(engine, holder.executionId, run.executionId);
    await closeEndedExecution(engine, holder.executionId);
    return { hold: "acquired", preemptedDrill: holder.executionId };
  }
}

/**
 * Locks the servers for the execution (ServerLocks.acquire). A RECOVERY whose servers are held by
 * running drills (of any plan) stops those drills, takes the locks over (a stopped holder no longer
 * runs, so they go straight to the recovery, never free for a third execution), then closes the
 * drills; a server held by another RECOVERY (or by an execution of unknown mode) refuses the whole
 * set as before, and then no drill is stopped. The recovery's META is written by then, so the
 * drills' cleanup waits for it to take its locks before it decides what to leave alone.
 * @throws ServerConflictError naming the servers and executions that hold them
 */
export async function acquireServerLocks(
  engine: EngineContext,
  execution: { executionId: string; mode: RecoveryMode },
  sourceServerIds: readonly string[],
  now: Date,
): Promise<void> {
  const { executionId, mode } = execution;
  try {
    await engine.locks.acquire(executionId, sourceServerIds, now);
  } catch (error) {
    if (!(error instanceof ServerConflictError)) throw error;
    const decision = decidePreemption(mode, await lockHolders(engine, error.conflicts));
    if (decision.action === "REFUSE") throw error;
    for (const drillId of decision.drillIds) await stopDrill(engine, drillId, executionId);
    try {
      await engine.locks.acquire(executionId, sourceServerIds, now);
    } finally {
      for (const drillId of decision.drillIds) await closeEndedExecution(engine, drillId);
    }
  }
}

/**
 * Stops the drill's workflow (DrillPreempted, `pre-empted by recovery <id>`); closeEndedExecution
 * then closes it as the execution-status rule would: ABORTED with that cause, waves in flight
 * ended, what it still holds released, its end announced.
 */
async function stopDrill(engine: EngineContext, drillId: string, recoveryId: string): Promise<void> {
  // Recorded before the stop, so whoever closes the drill, and its cleanup, know which recovery took over.
  await engine.executions.update(
    keys.meta(drillId),
    { preemptedBy: recoveryId },
    {
      condition: "#status = :running",
      names: { "#status": "status" },
      values: { ":running": "RUNNING" satisfies ExecutionMeta["status"] },
    },
  );
  const workflow = await describeRecoveryWorkflow(engine, drillId);
  if (workflow?.status !== "RUNNING") return;
  await engine.aws.sfn.send(
    new StopExecutionCommand({
      executionArn: workflow.executionArn,
      error: DRILL_PREEMPTED,
      cause: preemptionCause(recoveryId),
    }),
  );
  logger.warn("drill stopped: a recovery pre-empts it", { drillExecutionId: drillId, recoveryId });
}

/** The executions holding the conflicting locks, with their mode from META (unknown when it is gone). */
async function lockHolders(
  engine: EngineContext,
  conflicts: readonly { executionId: string }[],
): Promise<Holder[]> {
  const ids = [...new Set(conflicts.map((conflict) => conflict.executionId))];
  const metas = await engine.executions.getMany<ExecutionMeta>(ids.map((id) => keys.meta(id)));
  const modes = new Map(metas.map((meta) => [meta.executionId, meta.mode]));
  return ids.map((executionId) => {
    const mode = modes.get(executionId);
    return mode === undefined ? { executionId } : { executionId, mode };
  });
}
