import type { EngineContext } from "@drs-orchestrator/engine";
import { createRequestAuthenticator } from "../auth/request-authenticator";
import { createRecoveryMcpServer } from "../server/recovery-mcp-server";
import { MCP_HTTP_VARIABLES, parseMcpHttpConfig } from "./mcp-http-config";
import { createMcpHttpHandler, type McpHttpHandler, type McpHttpLogger } from "./mcp-http-handler";

/** Whom a request is from when the transport names nobody; authentication always names someone. */
const HTTP_DEFAULT_CALLER = "http";

let shared: { fingerprint: string; handler: McpHttpHandler } | undefined;

/**
 * The MCP function's request handler for its environment: the settings parsed and the
 * authenticator (with its cache of the issuer's keys) built on first use, like clients made at a
 * Lambda's init, and built again when the settings change (the local runtime redeploys within one
 * process).
 * @throws InvalidInputError naming the bad variable when the settings do not parse
 */
export function mcpHttpHandler(
  env: NodeJS.ProcessEnv,
  dependencies: { engine: () => EngineContext; logger: McpHttpLogger },
): McpHttpHandler {
  const fingerprint = JSON.stringify(MCP_HTTP_VARIABLES.map((name) => env[name]));
  if (shared?.fingerprint === fingerprint) return shared.handler;
  const config = parseMcpHttpConfig(env);
  const handler = createMcpHttpHandler({
    authenticator: createRequestAuthenticator(config.auth),
    createServer: () =>
      createRecoveryMcpServer({
        engine: dependencies.engine(),
        recoveryAllowList: config.recoveryAllowList,
        defaultCaller: HTTP_DEFAULT_CALLER,
      }),
    logger: dependencies.logger,
  });
  shared = { fingerprint, handler };
  return handler;
}
