import type { McpAuth } from "./infra-config";

/** The MCP server's path on the HTTP API; a function URL serves it at its root. */
export const MCP_PATH = "/mcp";

/** How the stage exposes the MCP server (streamable HTTP, stateless), as chosen by its config. */
export type McpEndpointPlan =
  | { kind: "function-url"; authorization: "iam" }
  | {
      kind: "http-api";
      /** Every method: a stateless server answers GET/DELETE with 405 itself, as MCP clients expect. */
      route: string;
      authorizer: { kind: "jwt"; issuer: string; audiences: string[] } | { kind: "cognito" };
    };

export function mcpEndpointPlan(auth: McpAuth): McpEndpointPlan {
  switch (auth.auth) {
    case "iam":
      return { kind: "function-url", authorization: "iam" };
    case "jwt":
      return {
        kind: "http-api",
        route: `ANY ${MCP_PATH}`,
        authorizer: { kind: "jwt", issuer: auth.issuer, audiences: auth.audiences },
      };
    case "cognito":
      return { kind: "http-api", route: `ANY ${MCP_PATH}`, authorizer: { kind: "cognito" } };
  }
}

/** The Cognito user pool's issuer URL, as API Gateway's JWT authorizer expects it. */
export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}
