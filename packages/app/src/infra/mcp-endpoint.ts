// The file, not the package: the package index pulls the MCP SDK into the stacks type-check.
import { MCP_PATH } from "../../../mcp/src/http/mcp-paths";
import type { McpAuth } from "./infra-config";

export { MCP_PATH };

/** How the stage exposes the MCP server (streamable HTTP, stateless), as chosen by its config. */
export type McpEndpointPlan =
  | { kind: "function-url"; authorization: "iam" }
  | {
      kind: "http-api";
      /**
       * The MCP endpoint (every method: a stateless server answers GET/DELETE with 405 itself, as
       * MCP clients expect) and the protected-resource metadata. No API Gateway authorizer: the
       * function checks the bearer token itself, so that a refusal carries the WWW-Authenticate
       * challenge MCP clients need to find the authorization server.
       */
      routes: string[];
      tokens: { kind: "jwt"; issuer: string; audiences: string[] } | { kind: "cognito" };
    };

export function mcpEndpointPlan(auth: McpAuth): McpEndpointPlan {
  if (auth.auth === "iam") return { kind: "function-url", authorization: "iam" };
  // Both forms of the metadata URL (RFC 9728 §3.1) lie under /.well-known/.
  const routes = [`ANY ${MCP_PATH}`, "GET /.well-known/{proxy+}"];
  return auth.auth === "jwt"
    ? { kind: "http-api", routes, tokens: { kind: "jwt", issuer: auth.issuer, audiences: auth.audiences } }
    : { kind: "http-api", routes, tokens: { kind: "cognito" } };
}

/** How the MCP function authenticates callers, once the issuer is known (a Cognito pool's only at deploy). */
export type McpFunctionAuth = { mode: "iam" } | { mode: "jwt"; issuer: string; audiences: readonly string[] };

/**
 * The MCP function's own variables (packages/mcp/src/http/mcp-http-config.ts reads them): its
 * auth mode, the token issuer and audiences, and the plans it may start in RECOVERY mode. The
 * issuer's keys are read from its `/.well-known/jwks.json`, where Cognito publishes them.
 */
export function mcpFunctionEnvironment(
  auth: McpFunctionAuth,
  recoveryAllowedPlans: readonly string[],
): Record<string, string> {
  return {
    MCP_AUTH: auth.mode,
    ...(auth.mode === "jwt" && {
      MCP_JWT_ISSUER: auth.issuer,
      MCP_JWT_AUDIENCE: auth.audiences.join(","),
    }),
    ...(recoveryAllowedPlans.length > 0 && { MCP_RECOVERY_ALLOWED_PLANS: recoveryAllowedPlans.join(",") }),
  };
}

/** The Cognito user pool's issuer URL, the `iss` of the tokens it grants. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}
