import { randomBytes } from "node:crypto";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  connectMcpClient,
  type DeployedMcp,
  expectNoTokenRefused,
  initializeRequest,
  startDeployedMcp,
} from "./http-deployed-mcp";

/**
 * The deployed `mcp` function in static-token mode (the local runtime's), reached over real HTTP
 * through the local function URL by the official MCP client.
 */

const TOKEN = randomBytes(32).toString("hex");
let mcp: DeployedMcp;
const clients: Client[] = [];

beforeAll(async () => {
  mcp = await startDeployedMcp({ MCP_AUTH: "static", MCP_STATIC_TOKEN: TOKEN });
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(() => mcp?.stop());

describe("MCP over HTTP with a static token", () => {
  it("lists the runbook tools, each with its schemas and annotations", async () => {
    const client = await connectMcpClient(mcp.endpoint, TOKEN);
    clients.push(client);
    expect(client.getServerVersion()).toMatchObject({ name: "drs-orchestrator" });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining([
        "list_recovery_plans",
        "start_recovery",
        "get_recovery_status",
        "approve_wave",
      ]),
    );
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.annotations?.readOnlyHint, tool.name).toBeTypeOf("boolean");
    }
  });

  it("answers a tool call with the stored plans", async () => {
    await mcp.deployed.applyPlan("three-tier.yaml");
    const client = await connectMcpClient(mcp.endpoint, TOKEN);
    clients.push(client);
    const result = await client.callTool({ name: "list_recovery_plans", arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain('"shop"');
  });

  it("refuses a request without a token: 401 with the resource metadata to discover", async () => {
    await expectNoTokenRefused(mcp.endpoint);
  });

  it("refuses another token as invalid_token, and the SDK client cannot connect with it", async () => {
    const response = await fetch(mcp.endpoint, initializeRequest({ authorization: "Bearer not-the-token" }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="the token is not the one this server was started with"$/,
    );
    expect(await response.json()).toMatchObject({ error: "invalid_token" });
    await expect(connectMcpClient(mcp.endpoint, `${TOKEN}x`)).rejects.toMatchObject({ code: 401 });
  });

  it("is stateless: GET (an SSE stream) and DELETE (a session) are 405 once authenticated", async () => {
    const authorization = `Bearer ${TOKEN}`;
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(mcp.endpoint, {
        method,
        headers: { authorization, accept: "text/event-stream" },
      });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow"), method).toBe("POST");
    }
    const unauthenticated = await fetch(mcp.endpoint, {
      method: "GET",
      headers: { accept: "text/event-stream" },
    });
    expect(unauthenticated.status).toBe(401);
  });

  it("serves protected-resource metadata naming the resource, without an authorization server", async () => {
    const origin = new URL(mcp.endpoint).origin;
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.json(), path).toEqual({
        resource: `${origin}/mcp`,
        bearer_methods_supported: ["header"],
        resource_name: "DRS Orchestrator",
      });
    }
  });
});
