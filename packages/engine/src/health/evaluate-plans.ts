import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { type PlanHealth, type PlanVerdict, planHealthMetrics } from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { logger, metrics } from "../lambda/powertools";
import { mapLimit } from "../steps/launch/map-limit";
import { evaluateAndRecordPlan } from "./record-plan-health";

/** Plans evaluated at once: each evaluation already reads DRS a few calls at a time. */
const PLAN_CONCURRENCY = 3;

/**
 * What the schedule rule hands the function: EventBridge's `Scheduled Event`, whose `time` is the
 * scheduled time (on the local runtime, simulated time). Without it (an invocation by hand), now.
 */
export const evaluatePlansInputSchema = z.looseObject({
  time: z.iso
    .datetime({ offset: true, error: "expected an ISO-8601 date-time, the time of the evaluation" })
    .optional(),
});
export type EvaluatePlansInput = z.output<typeof evaluatePlansInputSchema>;

export interface PlanEvaluationOutcome {
  planId: string;
  verdict?: PlanVerdict;
  /** The verdict or the findings changed since the recorded evaluation: `Plan Health Changed` went out. */
  changed?: boolean;
  /** Why the plan could not be evaluated or recorded. */
  error?: string;
}

export interface EvaluatePlansResult {
  evaluatedAt: string;
  plans: PlanEvaluationOutcome[];
  changed: number;
  failed: number;
}

/**
 * The scheduled evaluation: every stored plan (its latest version) evaluated against the account
 * and recorded (evaluateAndRecordPlan, which announces changes), a few plans at a time, with its
 * metrics published per plan. A plan that cannot be evaluated is logged and listed with its error
 * and stops no other plan.
 */
export async function evaluatePlans(
  input: EvaluatePlansInput,
  engine: EngineContext,
): Promise<EvaluatePlansResult> {
  const now = input.time === undefined ? new Date() : new Date(input.time);
  const stored = await engine.plans.list();
  const outcomes = await mapLimit(
    stored,
    PLAN_CONCURRENCY,
    async ({ planId }): Promise<PlanEvaluationOutcome> => {
      try {
        const { health, change } = await evaluateAndRecordPlan(engine, planId, now);
        publishPlanMetrics(health);
        return { planId, verdict: health.verdict, changed: change !== undefined };
      } catch (error) {
        const { name, message } = error as Error;
        logger.error("plan evaluation failed", { planId, error: { name, message } });
        return { planId, error: `${name}: ${message}` };
      }
    },
  );
  return {
    evaluatedAt: now.toISOString(),
    plans: outcomes,
    changed: outcomes.filter((outcome) => outcome.changed).length,
    failed: outcomes.filter((outcome) => outcome.error !== undefined).length,
  };
}

/**
 * One EMF document per plan with its three metrics and the plan as dimension, written at once:
 * the plans of one run each need their own dimension, which one buffered document cannot hold.
 */
function publishPlanMetrics(health: PlanHealth): void {
  const { dimensions, metrics: values } = planHealthMetrics(health);
  metrics.addDimensions(dimensions);
  for (const metric of values) metrics.addMetric(metric.name, MetricUnit.Count, metric.value);
  metrics.publishStoredMetrics();
}
