import type { Readable, Writable } from "node:stream";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/**
 * The SDK's stdio transport, ended when the client closes our input: once every request read
 * before that has been answered (or cancelled), so a client that writes its last request and
 * closes at once still gets the answer.
 */
class StdioSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  private readonly inner: StdioServerTransport;
  private readonly unanswered = new Set<RequestId>();
  private inputEnded = false;

  constructor(
    private readonly input: Readable,
    output: Writable,
  ) {
    this.inner = new StdioServerTransport(input, output);
  }

  async start(): Promise<void> {
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onmessage = (message: JSONRPCMessage) => {
      if (isJSONRPCRequest(message)) this.unanswered.add(message.id);
      if (isJSONRPCNotification(message) && message.method === "notifications/cancelled") {
        this.answered((message.params as { requestId?: RequestId } | undefined)?.requestId);
      }
      this.onmessage?.(message);
    };
    this.input.once("end", () => {
      this.inputEnded = true;
      this.answered(undefined);
    });
    await this.inner.start();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    await this.inner.send(message);
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) this.answered(message.id);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private answered(id: RequestId | undefined): void {
    if (id !== undefined) this.unanswered.delete(id);
    if (this.inputEnded && this.unanswered.size === 0) void this.close();
  }
}

/**
 * Serves `server` over standard input and output until the client closes its end (after the last
 * answer) or the server is closed; resolves then.
 */
export async function serveOverStdio(
  server: McpServer,
  input: Readable = process.stdin,
  output: Writable = process.stdout,
): Promise<void> {
  const ended = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  await server.connect(new StdioSessionTransport(input, output));
  await ended;
}
