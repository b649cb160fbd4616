import { cognitoIssuer, MCP_PATH, type McpEndpointPlan } from "../packages/app/src/infra";
import type { DeployedFunction } from "./functions";

/**
 * The MCP endpoint in front of the MCP server function: a function URL with IAM auth, or an API
 * Gateway HTTP API with a JWT authorizer (an existing issuer, or a Cognito user pool made here).
 * Returns the URL MCP clients connect to.
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
  const jwt =
    plan.authorizer.kind === "jwt"
      ? { issuer: plan.authorizer.issuer, audiences: plan.authorizer.audiences }
      : cognitoJwt();
  const authorizer = api.addAuthorizer({ name: "McpJwt", jwt });
  api.route(plan.route, server.fn.arn, { auth: { jwt: { authorizer: authorizer.id } } });
  return $interpolate`${api.url}${MCP_PATH}`;
}

function cognitoJwt() {
  const pool = new sst.aws.CognitoUserPool("McpUsers");
  const client = pool.addClient("McpClient");
  return {
    issuer: $util
      .all([aws.getRegionOutput().region, pool.id])
      .apply(([region, id]) => cognitoIssuer(region, id)),
    audiences: [client.id],
  };
}
