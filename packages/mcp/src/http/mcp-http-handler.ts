import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { protectedResourceMetadata } from "../auth/protected-resource-metadata";
import type { Authentication, RequestAuthenticator, RequestCredentials } from "../auth/request-authenticator";
import { TokenValidationUnavailableError } from "../auth/token-errors";
import { bearerChallenge } from "../auth/www-authenticate";
import { MCP_PATH, PROTECTED_RESOURCE_METADATA_PATH, PROTECTED_RESOURCE_METADATA_PATHS } from "./mcp-paths";
import { serveMcpRequest } from "./serve-mcp-request";

/** Where the handler reports what it did: Powertools' Logger in the function. */
export interface McpHttpLogger {
  info(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface McpHttpHandlerOptions {
  authenticator: RequestAuthenticator;
  /** A new server for every request: the transport keeps no session. */
  createServer: () => McpServer;
  logger: McpHttpLogger;
}

/** Answers a Web-standard request: the MCP endpoint, its protected-resource metadata, or 404. */
export type McpHttpHandler = (
  request: Request,
  credentials?: Omit<RequestCredentials, "authorization">,
) => Promise<Response>;

const MCP_PATHS = new Set(["/", MCP_PATH]);
const METADATA_PATHS = new Set<string>(PROTECTED_RESOURCE_METADATA_PATHS);

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/**
 * The MCP server over streamable HTTP, stateless, behind the configured authentication: every
 * request to the endpoint authenticates before any tool is reachable; a refused one is answered
 * 401 with a Bearer challenge pointing at the protected-resource metadata, which is served
 * without authentication so clients can discover the authorization server.
 */
export function createMcpHttpHandler(options: McpHttpHandlerOptions): McpHttpHandler {
  const { authenticator, logger } = options;
  return async (request, credentials = {}) => {
    const url = new URL(request.url);
    if (authenticator.bearer && METADATA_PATHS.has(url.pathname)) {
      if (request.method !== "GET") return methodNotAllowed("GET");
      return json(
        200,
        protectedResourceMetadata({
          resource: `${url.origin}${MCP_PATH}`,
          ...(authenticator.issuer !== undefined && { issuer: authenticator.issuer }),
        }),
        { "cache-control": "max-age=3600" },
      );
    }
    if (!MCP_PATHS.has(url.pathname)) {
      return json(404, {
        error: "not_found",
        error_description: `no MCP endpoint at ${url.pathname}; use ${MCP_PATH}`,
      });
    }

    let authentication: Authentication;
    try {
      authentication = await authenticator.authenticate({
        ...credentials,
        authorization: request.headers.get("authorization"),
      });
    } catch (error) {
      if (!(error instanceof TokenValidationUnavailableError)) throw error;
      logger.error("cannot validate bearer tokens", { reason: error.message });
      return json(
        503,
        {
          error: "temporarily_unavailable",
          error_description: "tokens cannot be validated now; retry later",
        },
        { "retry-after": "5" },
      );
    }
    if (!authentication.ok) {
      const reason = authentication.reason;
      logger.warn("MCP request refused", { path: url.pathname, reason: reason ?? "no credentials" });
      if (!authenticator.bearer) return json(403, { error: "forbidden", error_description: reason });
      const refused =
        reason === undefined ? undefined : { error: "invalid_token" as const, description: reason };
      return json(
        401,
        refused
          ? { error: refused.error, error_description: refused.description }
          : { error: "unauthorized", error_description: "send Authorization: Bearer <token>" },
        { "www-authenticate": bearerChallenge(`${url.origin}${PROTECTED_RESOURCE_METADATA_PATH}`, refused) },
      );
    }

    // Stateless: no SSE stream to open with GET and no session to end with DELETE.
    if (request.method !== "POST") return methodNotAllowed("POST");
    const caller = authentication.authInfo.extra?.subject ?? authentication.authInfo.clientId;
    const response = await serveMcpRequest(request, authentication.authInfo, options.createServer, (error) =>
      logger.warn("MCP transport refused a request", { caller, reason: error.message }),
    );
    logger.info("MCP request", { caller, status: response.status });
    return response;
  };
}

function methodNotAllowed(allow: string): Response {
  return json(
    405,
    { jsonrpc: "2.0", error: { code: -32000, message: `Method not allowed: use ${allow}` }, id: null },
    { allow },
  );
}
