import { type DrillCleanupSummary, summarizeDrillCleanup } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";

/** The `cleanup` part of an execution's report, or undefined while no cleanup has run for it. */
export async function drillCleanupReport(
  engine: EngineContext,
  executionId: string,
): Promise<DrillCleanupSummary | undefined> {
  const [cleanup, servers] = await Promise.all([
    engine.executions.getDrillCleanup(executionId),
    engine.executions.drillCleanupServers(executionId),
  ]);
  return cleanup ? summarizeDrillCleanup(cleanup, servers) : undefined;
}
