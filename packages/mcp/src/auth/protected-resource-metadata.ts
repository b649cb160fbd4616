import type { OAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";

/**
 * The RFC 9728 protected-resource metadata of the MCP endpoint: what the resource is, which
 * authorization server issues tokens for it (none for a static token), and that tokens go in the
 * Authorization header.
 */
export function protectedResourceMetadata(options: {
  resource: string;
  issuer?: string;
}): OAuthProtectedResourceMetadata {
  return {
    resource: options.resource,
    ...(options.issuer !== undefined && { authorization_servers: [options.issuer] }),
    bearer_methods_supported: ["header"],
    resource_name: "DRS Orchestrator",
  };
}
