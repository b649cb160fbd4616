import type { EngineContext } from "../lambda/engine-context";
import { keys } from "../stores/execution-items";
import type { HoldDrillCleanupInput } from "./cleanup-inputs";
import { requireDrill } from "./drill-meta";

/**
 * Starts the hold before a drill's cleanup (the plan's `drill.cleanupAfter`): the cleanup is
 * HOLDING until `holdUntil`, when the workflow's task times out and the cleanup goes on, unless a
 * request to clean up now ends the hold earlier with the recorded token.
 * @throws DrillCleanupRefusedError for a RECOVERY execution
 */
export async function holdDrillCleanup(
  input: HoldDrillCleanupInput,
  engine: EngineContext,
): Promise<{ holdUntil: string }> {
  const { executionId, now, delaySeconds, taskToken } = input;
  await requireDrill(engine, executionId);
  const holdUntil = new Date(Date.parse(now) + delaySeconds * 1000).toISOString();
  await engine.executions.update(
    keys.drillCleanup(executionId),
    { executionId, status: "HOLDING", holdUntil, holdToken: taskToken },
    {
      // A retried hold step writes the same again; a run never takes the record from one that started later.
      condition: "attribute_not_exists(pk) OR attribute_not_exists(#startedAt) OR #startedAt <= :now",
      names: { "#startedAt": "startedAt" },
      values: { ":now": now },
      remove: ["startedAt", "completedAt", "error", "cause"],
    },
  );
  return { holdUntil };
}
