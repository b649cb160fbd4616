import type { PlanFinding, PlanHealth } from "../health/plan-health";
import type { DrillCleanupSummary } from "./drill-cleanup-summary";
import type { RecoverySummary } from "./recovery-summary";

/**
 * Everything one recovery report shows, as `recover report --json` prints it and the HTML report
 * renders it: the execution's summary (waves, servers, hooks, approvals, RTO) and, for a drill
 * that was cleaned up, what the cleanup did.
 */
export interface RecoveryReport {
  /** When the report was read; a running execution's report is a snapshot. */
  generatedAt: string;
  summary: RecoverySummary;
  cleanup?: DrillCleanupSummary;
  /** The plan's health as last evaluated before the execution started, when an evaluation was recorded. */
  planHealth?: PlanHealthAtStart;
}

/** A plan's recorded evaluation as an execution found it at its start: the most severe findings first. */
export interface PlanHealthAtStart {
  planVersion?: number;
  evaluatedAt: string;
  verdict: PlanHealth["verdict"];
  counts: PlanHealth["counts"];
  /** The first findings, most severe first; `findingCount` is how many there were. */
  findings: PlanFinding[];
  findingCount: number;
}
