import type { EngineContext } from "@drs-orchestrator/engine";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerPlanResource } from "./plan-resource";

/** The recovery server's resources: stored plans and execution reports. */
export function registerResources(server: McpServer, engine: EngineContext): void {
  registerPlanResource(server, engine);
}
