import { DrillCleanupRefusedError } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { describeRecoveryWorkflow } from "../operations/recovery-workflow";
import type { ExecutionMeta } from "../stores/execution-items";
import { drillMeta } from "./drill-meta";

/**
 * The execution's META when it is a drill that has ended: a real recovery's instances are the
 * production, and a drill still running would launch what a cleanup terminates. A drill whose
 * workflow was stopped ends without finalizing, so Step Functions, not META, says whether it runs.
 * @throws ExecutionNotFoundError when the execution never wrote META
 * @throws DrillCleanupRefusedError for a RECOVERY execution or a drill still running
 */
export async function requireEndedDrill(engine: EngineContext, executionId: string): Promise<ExecutionMeta> {
  const meta = await engine.executions.getMeta(executionId);
  // Before Prepare writes META only Step Functions knows the execution; a stopped one never finalizes.
  // A resume records its attempt before its Prepare reopens META: an attempt not ended yet runs too.
  const resuming = meta?.attempts?.at(-1)?.endedAt === undefined && meta?.attempts !== undefined;
  if (
    (meta === undefined || meta.status === "RUNNING" || resuming) &&
    (await describeRecoveryWorkflow(engine, executionId))?.status === "RUNNING"
  ) {
    throw new DrillCleanupRefusedError(
      executionId,
      `the ${meta?.mode === "RECOVERY" ? "recovery" : "drill"} is still running; wait for it to end (or stop it) before cleaning up`,
    );
  }
  return drillMeta(executionId, meta);
}
