import type { EngineContext } from "../lambda/engine-context";
import { keys } from "../stores/execution-items";
import type { HoldDrillCleanupInput } from "./cleanup-inputs";
import { sendHoldEnd } from "./drill-cleanup-release";
import { requireDrill } from "./drill-meta";

/**
 * Starts the hold before a drill's cleanup (the plan's `drill.cleanupAfter`): the cleanup is
 * HOLDING until `holdUntil`, when the workflow's task times out and the cleanup goes on, unless a
 * request to clean up now ends the hold earlier with the recorded token; a request that came before
 * the hold began ends it at once.
 * @throws DrillCleanupRefusedError for a RECOVERY execution
 */
export async function holdDrillCleanup(
  input: HoldDrillCleanupInput,
  engine: EngineContext,
): Promise<{ holdUntil: string; endedEarly: boolean }> {
  const { executionId, now, delaySeconds, taskToken } = input;
  await requireDrill(engine, executionId);
  const holdUntil = new Date(Date.parse(now) + delaySeconds * 1000).toISOString();
  const key = keys.drillCleanup(executionId);
  const holding = await engine.executions.update(
    key,
    { executionId, status: "HOLDING", holdUntil, holdToken: taskToken },
    {
      // A retried hold step writes the same again; a run never takes the record from one that started later.
      condition:
        "(attribute_not_exists(pk) OR attribute_not_exists(#startedAt) OR #startedAt <= :now) AND attribute_not_exists(#endRequested)",
      names: { "#startedAt": "startedAt", "#endRequested": "holdEndRequested" },
      values: { ":now": now },
      remove: ["startedAt", "completedAt", "error", "cause"],
    },
  );
  if (holding || !(await engine.executions.getDrillCleanup(executionId))?.holdEndRequested) {
    return { holdUntil, endedEarly: false };
  }
  // A request to clean up now came before the hold began: it ends at once.
  await engine.executions.update(
    key,
    { status: "HOLDING", holdUntil },
    { remove: ["holdEndRequested", "startedAt", "completedAt", "error", "cause"] },
  );
  return { holdUntil, endedEarly: await sendHoldEnd(engine, executionId, taskToken) };
}
