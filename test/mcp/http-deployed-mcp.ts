import { type FunctionUrlServer, startFunctionUrlServer } from "@drs-orchestrator/local";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect } from "vitest";
import { type DeployedApp, type DeployedAppOptions, startDeployedApp } from "../support/local-app";

/** The app deployed on the local runtime with its `mcp` function behind a local function URL. */
export interface DeployedMcp {
  deployed: DeployedApp;
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  endpoint: string;
  stop(): Promise<void>;
}

/** Deploys the app with the MCP function's settings (MCP_AUTH …) and puts its function URL in front of it. */
export async function startDeployedMcp(
  mcpEnvironment: Record<string, string>,
  options: DeployedAppOptions = {},
): Promise<DeployedMcp> {
  const deployed = await startDeployedApp({
    ...options,
    app: { ...options.app, environment: { ...options.app?.environment, ...mcpEnvironment } },
  });
  let url: FunctionUrlServer;
  try {
    url = await startFunctionUrlServer({
      local: deployed.local,
      functionName: deployed.app.functionNames.mcp ?? "",
    });
  } catch (error) {
    await deployed.stop();
    throw error;
  }
  return {
    deployed,
    endpoint: `${url.url}/mcp`,
    async stop() {
      await url.close();
      await deployed.stop();
    },
  };
}

/** The official MCP client, connected (initialized) over streamable HTTP with the bearer token. */
export async function connectMcpClient(endpoint: string, token: string): Promise<Client> {
  const client = new Client({ name: "http-tests", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(endpoint), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

/** An MCP initialize request as a client's first POST sends it. */
export function initializeRequest(headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "curl", version: "1" } },
    }),
  };
}

/**
 * A request without a token is refused before any tool runs: 401 with the Bearer challenge naming
 * the RFC 9728 metadata (no error code: nothing was presented), and the SDK client cannot connect.
 */
export async function expectNoTokenRefused(endpoint: string): Promise<void> {
  const response = await fetch(endpoint, initializeRequest());
  expect(response.status).toBe(401);
  const origin = new URL(endpoint).origin;
  expect(response.headers.get("www-authenticate")).toBe(
    `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource"`,
  );
  await expect(connectMcpClient(endpoint, "")).rejects.toMatchObject({ code: 401 });
}
