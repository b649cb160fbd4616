import {
  healthChange,
  OUTBOUND_DETAIL_TYPES,
  type PlanHealth,
  type PlanHealthChange,
  planHealthChangedDetail,
} from "@drs-orchestrator/core";
import { publishOutboundEvent } from "../events/publish-outbound-event";
import type { EngineContext } from "../lambda/engine-context";
import type { RecordedPlanHealth } from "../stores/plan-health-store";
import { evaluatePlan } from "./evaluate-plan";

export interface RecordedEvaluation {
  health: PlanHealth;
  /** What changed since the evaluation recorded before; undefined when nothing did. */
  change?: PlanHealthChange;
  /** False when an evaluation as new or newer was recorded meanwhile: this one was not stored or announced. */
  recorded: boolean;
}

/**
 * Stores an evaluation of a stored plan as its latest and, when the verdict or the findings
 * changed since `previous` (healthChange), announces it once with `Plan Health Changed` and keeps
 * the change in the plan's history. The header is claimed first with a conditional write, so of
 * two evaluations recorded at once only one goes on. The finding items are written last: an
 * attempt that fails before them leaves the previous findings in place, so the next evaluation
 * finds the same change again and announces it then (at least once, never lost).
 */
export async function recordPlanHealth(
  engine: EngineContext,
  health: PlanHealth,
  previous: RecordedPlanHealth | undefined,
): Promise<RecordedEvaluation> {
  if (previous && Date.parse(previous.evaluatedAt) >= Date.parse(health.evaluatedAt)) {
    return { health, recorded: false };
  }
  const change = healthChange(previous, health);
  const changeCount = (previous?.changeCount ?? 0) + (change ? 1 : 0);
  const changedAt = change ? health.evaluatedAt : previous?.changedAt;
  const claimed = await engine.planHealth.putHeader(
    {
      planId: health.planId,
      ...(health.planVersion !== undefined && { planVersion: health.planVersion }),
      evaluatedAt: health.evaluatedAt,
      verdict: health.verdict,
      counts: health.counts,
      changeCount,
      ...(changedAt !== undefined && { changedAt }),
    },
    previous?.evaluatedAt,
  );
  if (!claimed) return { health, recorded: false };
  if (change) {
    await publishOutboundEvent(
      engine,
      OUTBOUND_DETAIL_TYPES.planHealthChanged,
      planHealthChangedDetail(health, change),
      health.evaluatedAt,
    );
    await engine.planHealth.addChange(health, change, changeCount);
  }
  await engine.planHealth.replaceMembers(health.planId, previous?.members ?? {}, health.members);
  await engine.planHealth.replaceFindings(health.planId, previous?.findings ?? [], health.findings);
  return { health, ...(change && { change }), recorded: true };
}

/**
 * Evaluates a stored plan now against the live account (evaluatePlan, with the previous recorded
 * evaluation for the membership comparison) and records the result (recordPlanHealth).
 * @throws PlanNotFoundError for a plan that is not stored
 */
export async function evaluateAndRecordPlan(
  engine: EngineContext,
  planId: string,
  now: Date,
): Promise<RecordedEvaluation> {
  const previous = await engine.planHealth.latest(planId);
  const health = await evaluatePlan(engine, { planId }, { now, ...(previous && { previous }) });
  return recordPlanHealth(engine, health, previous);
}
