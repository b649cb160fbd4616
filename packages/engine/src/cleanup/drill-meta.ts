import { DrillCleanupRefusedError, ExecutionNotFoundError } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import type { ExecutionMeta } from "../stores/execution-items";

/**
 * The execution's META when it is a drill.
 * @throws ExecutionNotFoundError when the execution never wrote META
 * @throws DrillCleanupRefusedError for a RECOVERY execution
 */
export async function requireDrill(engine: EngineContext, executionId: string): Promise<ExecutionMeta> {
  return drillMeta(executionId, await engine.executions.getMeta(executionId));
}

/**
 * The META read before, when it is a drill.
 * @throws ExecutionNotFoundError when the execution never wrote META
 * @throws DrillCleanupRefusedError for a RECOVERY execution
 */
export function drillMeta(executionId: string, meta: ExecutionMeta | undefined): ExecutionMeta {
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  if (meta.mode !== "DRILL") {
    throw new DrillCleanupRefusedError(
      executionId,
      `it is a ${meta.mode} execution; only a drill's instances and settings are cleaned up`,
    );
  }
  return meta;
}
