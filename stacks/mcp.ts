import {
  cognitoIssuer,
  MCP_PATH,
  type McpEndpointPlan,
  type McpFunctionAuth,
} from "../packages/app/src/infra";
import type { DeployedFunction } from "./functions";

/**
 * Who issues the bearer tokens the MCP function accepts: nobody behind a function URL (SigV4),
 * the stage's OAuth/OIDC issuer, or a Cognito user pool made here with an app client whose ID is
 * the tokens' audience.
 */
export function mcpFunctionAuth(plan: McpEndpointPlan): $util.Output<McpFunctionAuth> {
  if (plan.kind === "function-url") return $util.output({ mode: "iam" as const });
  if (plan.tokens.kind === "jwt") {
    return $util.output({
      mode: "jwt" as const,
      issuer: plan.tokens.issuer,
      audiences: plan.tokens.audiences,
    });
  }
  const pool = new sst.aws.CognitoUserPool("McpUsers");
  const client = pool.addClient("McpClient");
  return $util.all([aws.getRegionOutput().region, pool.id, client.id]).apply(([region, id, clientId]) => ({
    mode: "jwt" as const,
    issuer: cognitoIssuer(region, id),
    audiences: [clientId],
  }));
}

/**
 * The MCP endpoint in front of the MCP server function: a function URL with IAM auth, or an API
 * Gateway HTTP API whose routes reach the function unauthenticated, for the function checks the
 * bearer token and answers 401 with the challenge MCP clients follow. Returns the URL MCP clients
 * connect to.
 */
export function mcpEndpoint(server: DeployedFunction, plan: McpEndpointPlan): $util.Output<string> {
  if (plan.kind === "function-url") {
    const url = new aws.lambda.FunctionUrl("McpFunctionUrl", {
      functionName: server.fn.name,
      authorizationType: "AWS_IAM",
      invokeMode: "BUFFERED",
    });
    return url.functionUrl;
  }
  const api = new sst.aws.ApiGatewayV2("McpApi");
  for (const route of plan.routes) api.route(route, server.fn.arn);
  return $interpolate`${api.url}${MCP_PATH}`;
}
