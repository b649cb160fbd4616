import { formatDuration } from "@drs-orchestrator/core";
import type { RecoveryListEntry } from "@drs-orchestrator/engine";
import { renderTable } from "./table";

const NONE = "-";

/** How long it ran, or has been running at `now`, e.g. `36m10s` or `5m (running)`. */
function duration(entry: RecoveryListEntry, now: Date): string {
  const end = entry.endedAt ? Date.parse(entry.endedAt) : now.getTime();
  const seconds = Math.max(0, (end - Date.parse(entry.startedAt)) / 1000);
  return entry.endedAt ? formatDuration(seconds) : `${formatDuration(seconds)} so far`;
}

/**
 * Executions as a table, in the order given (newest first), e.g.
 * ```
 * EXECUTION                    PLAN  MODE   STATUS     STARTED (UTC)        DURATION  REQUESTED BY
 * shop-drill-0123456789abcdef  shop  DRILL  SUCCEEDED  2026-11-21 07:40:12    36m10s  cli:alice
 * ```
 */
export function renderRecoveryList(entries: readonly RecoveryListEntry[], now: Date): string {
  if (entries.length === 0) return "No recovery executions match.";
  return renderTable(
    [
      { header: "EXECUTION" },
      { header: "PLAN" },
      { header: "MODE" },
      { header: "STATUS" },
      { header: "STARTED (UTC)" },
      { header: "DURATION", align: "right" },
      { header: "REQUESTED BY" },
    ],
    entries.map((entry) => [
      entry.executionId,
      entry.planId ?? NONE,
      entry.mode ?? NONE,
      entry.status,
      `${entry.startedAt.slice(0, 10)} ${entry.startedAt.slice(11, 19)}`,
      duration(entry, now),
      entry.requestedBy ?? NONE,
    ]),
  );
}
