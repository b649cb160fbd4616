import type { EngineContext } from "../lambda/engine-context";
import type { RecordedPlanHealth, RecordedPlanHealthChange } from "../stores/plan-health-store";

export interface PlanHealthRecord {
  /** The latest recorded evaluation of the plan. */
  latest: RecordedPlanHealth;
  /** Its latest recorded changes, newest first. */
  changes: RecordedPlanHealthChange[];
}

/**
 * What is recorded of a plan's health: its latest evaluation (scheduled, or by `plan check`) and
 * the latest changes between evaluations; undefined when the plan was never evaluated.
 */
export async function getPlanHealth(
  engine: EngineContext,
  planId: string,
  options: { changes?: number } = {},
): Promise<PlanHealthRecord | undefined> {
  const [latest, changes] = await Promise.all([
    engine.planHealth.latest(planId),
    engine.planHealth.changes(planId, options.changes ?? 10),
  ]);
  return latest && { latest, changes };
}
