import { type McpAuthConfig, parseMcpAuthConfig } from "../auth/auth-config";

/** The HTTP function's settings: how callers authenticate and which plans may really be recovered. */
export interface McpHttpConfig {
  auth: McpAuthConfig;
  /** MCP_RECOVERY_ALLOWED_PLANS (comma separated); empty: RECOVERY mode is refused for every plan. */
  recoveryAllowList: string[];
}

/** The variables the settings come from; a change to any of them means new settings. */
export const MCP_HTTP_VARIABLES = [
  "MCP_AUTH",
  "MCP_JWT_ISSUER",
  "MCP_JWT_AUDIENCE",
  "MCP_JWKS_URL",
  "MCP_STATIC_TOKEN",
  "MCP_RECOVERY_ALLOWED_PLANS",
] as const;

/**
 * The settings from the function's environment.
 * @throws InvalidInputError naming each bad variable and what it expects
 */
export function parseMcpHttpConfig(env: NodeJS.ProcessEnv): McpHttpConfig {
  return {
    auth: parseMcpAuthConfig(env),
    recoveryAllowList: (env.MCP_RECOVERY_ALLOWED_PLANS ?? "")
      .split(",")
      .map((planId) => planId.trim())
      .filter((planId) => planId.length > 0),
  };
}
