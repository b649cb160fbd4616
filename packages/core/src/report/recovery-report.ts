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
}
