import type { DrillCleanupSummary } from "@drs-orchestrator/core";

/**
 * One line of a running cleanup, e.g. `Cleanup RUNNING: 6 instances terminating, 3 terminated, 0 servers
 * restored`; before the cleanup has recorded anything, its Step Functions status.
 */
export function cleanupProgressLine(
  executionStatus: string,
  cleanup: DrillCleanupSummary | undefined,
): string {
  if (!cleanup) return `Cleanup ${executionStatus}: nothing recorded yet`;
  return (
    `Cleanup ${cleanup.status}: ${cleanup.terminatingInstanceIds.length} instances terminating, ` +
    `${cleanup.terminatedInstanceIds.length} terminated, ${cleanup.revertedServers.length} servers restored`
  );
}

/**
 * What the cleanup did, e.g.
 * ```
 * Cleanup SUCCEEDED in 12m
 * Instances terminated: 9 (i-…, i-…)
 * Launch templates restored: 9, launch configurations restored: 9
 * ```
 * and what it could not do, one line each.
 */
export function renderDrillCleanupSummary(cleanup: DrillCleanupSummary, took: string | undefined): string {
  const templates = cleanup.revertedServers.filter((server) => server.restoredDefaultVersion !== undefined);
  const configurations = cleanup.revertedServers.filter(
    (server) => Object.keys(server.restoredLaunchConfiguration).length > 0,
  );
  const terminated = cleanup.terminatedInstanceIds;
  return [
    `Cleanup ${cleanup.status}${took ? ` in ${took}` : ""}`,
    ...(cleanup.error ? [`Error: ${cleanup.error}${cleanup.cause ? ` — ${cleanup.cause}` : ""}`] : []),
    `Instances terminated: ${terminated.length}${terminated.length > 0 ? ` (${terminated.join(", ")})` : ""}`,
    `Launch templates restored: ${templates.length}, launch configurations restored: ${configurations.length}`,
    ...cleanup.failedTerminations.map(
      (failure) =>
        `Not terminated ${failure.recoveryInstanceId ?? failure.sourceServerId}: ${failure.reason}`,
    ),
    ...cleanup.skippedServers.map((skipped) => `Left as is ${skipped.sourceServerId}: ${skipped.reason}`),
  ].join("\n");
}
