import type { EngineContext } from "@drs-orchestrator/engine";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerResources } from "../resources/register-resources";
import { callerOf } from "./caller";
import type { RecoveryTool } from "./recovery-tool";
import { toolErrorResult } from "./tool-errors";
import { RECOVERY_TOOLS } from "./tool-list";

export interface RecoveryMcpServerOptions {
  engine: EngineContext;
  /** Plans that may be started in RECOVERY mode. */
  recoveryAllowList: readonly string[];
  /** Who a request is from when the transport does not say (stdio: the OS user). */
  defaultCaller: string;
  /** The clock decisions and times are taken from; the local runtime's is simulated. Default: real time. */
  now?: () => Date;
}

export const SERVER_INFO = { name: "drs-orchestrator", version: "0.1.0" } as const;

const INSTRUCTIONS =
  "Runs AWS Elastic Disaster Recovery plans wave by wave. Find a plan with list_recovery_plans, check it " +
  "with validate_recovery_plan (dry run) and check_recovery_plan (its health: findings and fixes), start a drill with start_recovery (DRILL is the default; a real RECOVERY needs " +
  "confirm and this server's allow-list), follow it with get_recovery_status, decide gated waves with " +
  "approve_wave / reject_wave, and clean up a finished drill with cleanup_drill. Plans and execution reports " +
  "are also resources.";

/**
 * The recovery MCP server, independent of its transport: one tool per operator step, and the plans
 * and execution reports as resources. A tool that fails answers `isError` with what to fix.
 */
export function createRecoveryMcpServer(options: RecoveryMcpServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {}, resources: {} },
    instructions: INSTRUCTIONS,
  });
  const now = options.now ?? (() => new Date());
  for (const tool of RECOVERY_TOOLS) registerTool(server, tool, options, now);
  registerResources(server, options.engine, now);
  return server;
}

function registerTool(
  server: McpServer,
  tool: RecoveryTool,
  options: RecoveryMcpServerOptions,
  now: () => Date,
): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.inputSchema,
      outputSchema: tool.outputSchema,
      annotations: { title: tool.title, ...tool.annotations },
    },
    async (args, extra) => {
      try {
        const { result, text } = await tool.run(args, {
          engine: options.engine,
          recoveryAllowList: options.recoveryAllowList,
          caller: callerOf(extra.authInfo, options.defaultCaller),
          now,
        });
        // Parsed so that fields the engine adds later are left out rather than failing a client's
        // check against the published output schema, which allows no other properties.
        const structuredContent = tool.outputSchema.parse(result);
        return { structuredContent, content: [{ type: "text", text }] };
      } catch (error) {
        return toolErrorResult(tool.name, error);
      }
    },
  );
}
