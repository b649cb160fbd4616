import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";

/**
 * Answers one MCP POST statelessly: a new server and transport for this request alone (no session,
 * so any instance of the function can answer any request), JSON responses rather than an SSE
 * stream (a buffered Lambda response cannot stream), the caller handed to the tools as `authInfo`.
 */
export async function serveMcpRequest(
  request: Request,
  authInfo: AuthInfo,
  createServer: () => McpServer,
  onTransportError: (error: Error) => void,
): Promise<Response> {
  const server = createServer();
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  transport.onerror = onTransportError;
  try {
    await server.connect(transport);
    return await transport.handleRequest(request, { authInfo });
  } finally {
    await server.close();
  }
}
