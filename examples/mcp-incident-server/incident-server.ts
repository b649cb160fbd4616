import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { IncidentNotes } from "./incident-notes";
import { registerIncidentTools } from "./incident-tools";

export interface IncidentServerOptions {
  /** 0 (default): any free port. The server listens on 127.0.0.1 only. */
  port?: number;
  /** The static bearer token every request must carry (`Authorization: Bearer <token>`). */
  token: string;
}

export interface IncidentServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** The incidents and notes the tools wrote, for whoever started the server in-process. */
  notes: IncidentNotes;
  close(): Promise<void>;
}

const MCP_PATH = "/mcp";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests so the comparison takes the same time whatever the presented token is. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const presented = /^Bearer (.+)$/.exec(header ?? "")?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), expected);
}

function jsonRpcError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/**
 * The example incident server: MCP over streamable HTTP, stateless (a fresh server and transport
 * per request, no session IDs), behind a static bearer token. Hooks of a recovery plan call its
 * tools to keep an incident timeline.
 */
export async function startIncidentServer(options: IncidentServerOptions): Promise<IncidentServer> {
  if (options.token.length === 0) throw new Error("the incident server needs a non-empty bearer token");
  const expected = digest(options.token);
  const notes = new IncidentNotes();
  let allowedHosts: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path !== MCP_PATH) return jsonRpcError(res, 404, `not found: the MCP endpoint is ${MCP_PATH}`);
    if (!authorized(req.headers.authorization, expected)) {
      return jsonRpcError(res, 401, "missing or invalid bearer token", {
        "www-authenticate": 'Bearer realm="incidents"',
      });
    }
    // Stateless: there is no session to resume (GET) or end (DELETE).
    if (req.method !== "POST")
      return jsonRpcError(res, 405, "method not allowed: POST MCP messages", { allow: "POST" });

    const server = new McpServer({ name: "incident-notes", version: "1.0.0" });
    registerIncidentTools(server, notes);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableDnsRebindingProtection: true,
      allowedHosts,
    });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) {
        jsonRpcError(res, 500, `internal error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  const http = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  return {
    url: `http://127.0.0.1:${port}${MCP_PATH}`,
    notes,
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.close((error) => (error ? reject(error) : resolve()));
        http.closeAllConnections();
      }),
  };
}
