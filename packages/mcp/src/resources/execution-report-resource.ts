import type { EngineContext } from "@drs-orchestrator/engine";
import { listRecoveries, loadRecoveryReport } from "@drs-orchestrator/engine";
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { resourceReadError } from "./resource-errors";

export const EXECUTION_REPORT_URI_TEMPLATE = "drs-orchestrator://executions/{executionId}/report";

/** How many of the newest executions a resource listing offers; older reports are read by their URI. */
const LISTED_REPORTS = 20;

export function executionReportUri(executionId: string): string {
  return `drs-orchestrator://executions/${encodeURIComponent(executionId)}/report`;
}

/**
 * Each execution's recovery report as a resource (JSON): the summary (waves, servers, RTO achieved
 * against the target, RPO achieved with each server's point in time and data loss, hooks, approvals) and, for a drill, its cleanup. A running execution's report
 * is a snapshot. Listing offers the newest executions.
 */
export function registerExecutionReportResource(
  server: McpServer,
  engine: EngineContext,
  now: () => Date,
): void {
  server.registerResource(
    "execution-report",
    new ResourceTemplate(EXECUTION_REPORT_URI_TEMPLATE, {
      list: async () => ({
        resources: (await listRecoveries(engine, { limit: LISTED_REPORTS })).map((execution) => ({
          uri: executionReportUri(execution.executionId),
          name: execution.executionId,
          title: `${execution.mode ?? "Recovery"} of ${execution.planId ?? "?"} (${execution.status})`,
          description: `Report of ${execution.executionId}, started ${execution.startedAt}${
            execution.requestedBy ? ` by ${execution.requestedBy}` : ""
          }.`,
          mimeType: "application/json",
        })),
      }),
    }),
    {
      title: "Recovery report",
      description:
        "The report of a recovery or drill: summary, RTO achieved against the target, RPO achieved (largest " +
        "data-loss window, spread of the points in time), waves, servers with their point in time, hooks, " +
        "approvals and, for a drill, its cleanup.",
      mimeType: "application/json",
    },
    async (uri, variables) => {
      const executionId = decodeURIComponent(String(variables.executionId));
      try {
        const report = await loadRecoveryReport(engine, executionId, now());
        return {
          contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(report, null, 2) }],
        };
      } catch (error) {
        throw resourceReadError(
          uri,
          error,
          new Set(["ExecutionNotFoundError"]),
          error instanceof Error ? error.message : `no execution "${executionId}"`,
        );
      }
    },
  );
}
