import { HookConfigurationError } from "@drs-orchestrator/core";
import { callMcpTool, type McpToolResult } from "@drs-orchestrator/mcp/client";
import type { EngineContext } from "../../lambda/engine-context";
import { type HookAction, shortText } from "../hook-action";

/** Tokens change rarely; five minutes of caching keeps Secrets Manager calls to a few per warm function. */
const TOKEN_MAX_AGE_SECONDS = 300;

async function bearerToken(engine: EngineContext, secret: string): Promise<string> {
  const token = await engine.aws.secrets.get(secret, { maxAge: TOKEN_MAX_AGE_SECONDS });
  if (typeof token !== "string" || token.length === 0) {
    throw new HookConfigurationError(`secret ${secret} has no string value to use as the MCP bearer token`);
  }
  return token;
}

/** What the tool answered, briefly: its structured result when it has one, else its text. */
function summarize(result: McpToolResult): string {
  if (result.structuredContent !== undefined && !result.isError)
    return shortText(JSON.stringify(result.structuredContent));
  const texts = result.content.flatMap((part) =>
    typeof part === "object" && part !== null && (part as { type?: unknown }).type === "text"
      ? [String((part as { text?: unknown }).text)]
      : [],
  );
  return shortText(texts.length > 0 ? texts.join(" ") : JSON.stringify(result.content));
}

/**
 * Calls the hook's tool on the MCP server the environment configures under the hook's server name
 * (HOOK_MCP_SERVERS), with the bearer token from Secrets Manager when the server has one.
 */
export const mcpAction: HookAction = async ({ engine, hook, input, timeoutMs }) => {
  const { server, tool } = hook.mcp as NonNullable<typeof hook.mcp>;
  const config = engine.config.mcpServers[server];
  if (!config) {
    const known = Object.keys(engine.config.mcpServers);
    throw new HookConfigurationError(
      `MCP server "${server}" is not configured: add it to HOOK_MCP_SERVERS (${
        known.length > 0 ? `configured: ${known.join(", ")}` : "none is configured"
      })`,
    );
  }
  const token = config.tokenSecret === undefined ? undefined : await bearerToken(engine, config.tokenSecret);
  const result = await callMcpTool({
    url: config.url,
    ...(token !== undefined && { token }),
    tool,
    arguments: input as Record<string, unknown>,
    timeoutMs,
  });
  return { result: summarize(result), isError: result.isError };
};
