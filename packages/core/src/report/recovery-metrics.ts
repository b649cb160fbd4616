import type { RecoverySummary } from "./recovery-summary";

export type MetricUnitName = "Seconds" | "Count";

export interface MetricValue {
  name: string;
  unit: MetricUnitName;
  value: number;
}

export interface RecoveryMetrics {
  /** Dimensions of every metric: the plan and the mode, so drills and real recoveries chart apart. */
  dimensions: { PlanId: string; Mode: string };
  metrics: MetricValue[];
  /** One WaveDuration per wave that got as far as all healthy, with the wave number as a further dimension. */
  waves: { wave: number; metric: MetricValue }[];
}

/**
 * The CloudWatch metrics of an ended recovery: RecoveryDuration (start → end), RtoBreached (0/1),
 * RpoAchievedSeconds (the largest data-loss window of the recovered servers, when any came back),
 * ServersLaunched and ServersFailed (a server that launched but never passed its status checks
 * counts in both), and WaveDuration per wave (start → all healthy).
 */
export function recoveryMetrics(summary: RecoverySummary): RecoveryMetrics {
  const metrics: MetricValue[] = [];
  if (summary.durationSeconds !== undefined) {
    metrics.push({ name: "RecoveryDuration", unit: "Seconds", value: summary.durationSeconds });
  }
  metrics.push(
    { name: "RtoBreached", unit: "Count", value: summary.rto.breached ? 1 : 0 },
    { name: "ServersLaunched", unit: "Count", value: summary.counts.launched },
    { name: "ServersFailed", unit: "Count", value: summary.counts.failed },
  );
  if (summary.rpo?.achievedSeconds !== undefined) {
    metrics.push({ name: "RpoAchievedSeconds", unit: "Seconds", value: summary.rpo.achievedSeconds });
  }
  const waves = summary.waves.flatMap((wave) =>
    wave.durationSeconds === undefined
      ? []
      : [
          {
            wave: wave.wave,
            metric: { name: "WaveDuration", unit: "Seconds" as const, value: wave.durationSeconds },
          },
        ],
  );
  return { dimensions: { PlanId: summary.planId, Mode: summary.mode }, metrics, waves };
}
