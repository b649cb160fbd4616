import type { EngineContext } from "@drs-orchestrator/engine";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerExecutionReportResource } from "./execution-report-resource";
import { registerPlanResource } from "./plan-resource";

/** The recovery server's resources: stored plans and execution reports. */
export function registerResources(server: McpServer, engine: EngineContext, now: () => Date): void {
  registerPlanResource(server, engine);
  registerExecutionReportResource(server, engine, now);
}
