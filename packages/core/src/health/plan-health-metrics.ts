import type { MetricValue } from "../report/recovery-metrics";
import type { PlanHealth } from "./plan-health";

export interface PlanHealthMetrics {
  /** One series per plan: the alarm and the dashboard key on the plan ID. */
  dimensions: { PlanId: string };
  metrics: MetricValue[];
}

/**
 * The CloudWatch metrics of one evaluation of a plan: PlanBlockers (findings that block a drill or
 * a RECOVERY), PlanWarnings, and PlanReady (1 when nothing blocks either mode, else 0).
 */
export function planHealthMetrics(health: PlanHealth): PlanHealthMetrics {
  return {
    dimensions: { PlanId: health.planId },
    metrics: [
      { name: "PlanBlockers", unit: "Count", value: health.counts.blockers },
      { name: "PlanWarnings", unit: "Count", value: health.counts.warnings },
      { name: "PlanReady", unit: "Count", value: health.verdict === "READY" ? 1 : 0 },
    ],
  };
}
