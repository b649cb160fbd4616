import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export interface McpToolCall {
  /** The server's streamable HTTP endpoint. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  tool: string;
  arguments: Record<string, unknown>;
  /** Bounds the whole call: connect, initialize and the tool call. */
  timeoutMs: number;
}

/** What the tool answered. A tool that ran and failed answers with `isError` set, not by throwing. */
export interface McpToolResult {
  content: unknown[];
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

/** The server answered a request with an HTTP error, e.g. 401 for a wrong token. */
export class McpHttpError extends Error {
  override readonly name = "McpHttpError";
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The server did not answer within the call's time limit. */
export class McpToolTimeoutError extends Error {
  override readonly name = "McpToolTimeoutError";
}

const CLIENT_INFO = { name: "drs-orchestrator-hooks", version: "0.1.0" };

/**
 * Calls one tool on a remote MCP server over streamable HTTP with the SDK's Client: connects
 * (initialize), calls the tool, and closes the connection whatever happens. Transport failures
 * throw (an HTTP error status as McpHttpError), and so does the time limit (McpToolTimeoutError).
 */
export async function callMcpTool(call: McpToolCall): Promise<McpToolResult> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () =>
      deadline.abort(
        new McpToolTimeoutError(
          `MCP tool ${call.tool} at ${call.url} did not answer within ${formatMs(call.timeoutMs)}`,
        ),
      ),
    call.timeoutMs,
  );
  const transport = new StreamableHTTPClientTransport(new URL(call.url), {
    ...(call.token !== undefined && { requestInit: { headers: { authorization: `Bearer ${call.token}` } } }),
  });
  const client = new Client(CLIENT_INFO);
  try {
    const options = { signal: deadline.signal, timeout: call.timeoutMs };
    await client.connect(transport, options);
    const result = await client.callTool({ name: call.tool, arguments: call.arguments }, undefined, options);
    return {
      content: Array.isArray(result.content) ? result.content : [],
      ...(result.structuredContent !== undefined && {
        structuredContent: result.structuredContent as Record<string, unknown>,
      }),
      isError: result.isError === true,
    };
  } catch (error) {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    if (error instanceof StreamableHTTPError) {
      throw new McpHttpError(
        error.code,
        `MCP server at ${call.url} refused the ${call.tool} call with HTTP ${error.code}: ${error.message}`,
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    await client.close();
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
