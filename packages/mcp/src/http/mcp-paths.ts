/** The MCP endpoint's path on an HTTP API (a function URL also answers at its root). */
export const MCP_PATH = "/mcp";

/**
 * Where the protected-resource metadata is served (RFC 9728 §3.1); clients also look for it with
 * the resource's path appended, so both forms answer.
 */
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";
export const PROTECTED_RESOURCE_METADATA_PATHS = [
  PROTECTED_RESOURCE_METADATA_PATH,
  `${PROTECTED_RESOURCE_METADATA_PATH}${MCP_PATH}`,
] as const;
