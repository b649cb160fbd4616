import { createMcpHttpHandler, createRequestAuthenticator, type McpHttpHandler } from "@drs-orchestrator/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The HTTP handler below the Lambda event, with a server of one tool that reports the caller it
 * was given: what reaches the tools in each auth mode, and the answers that never reach them.
 */

const ENDPOINT = "https://mcp.example.com/mcp";
const STATIC_TOKEN = "0123456789abcdef0123456789abcdef";
const logged: { level: string; message: string; details: Record<string, unknown> }[] = [];
const logger = {
  info: (message: string, details: Record<string, unknown>) =>
    logged.push({ level: "info", message, details }),
  warn: (message: string, details: Record<string, unknown>) =>
    logged.push({ level: "warn", message, details }),
  error: (message: string, details: Record<string, unknown>) =>
    logged.push({ level: "error", message, details }),
};
let toolRuns = 0;

function whoamiServer(): McpServer {
  const server = new McpServer({ name: "whoami", version: "1.0.0" });
  server.registerTool("whoami", { description: "Says who is calling." }, async (extra) => {
    toolRuns += 1;
    const authInfo = extra.authInfo as AuthInfo;
    return {
      content: [
        { type: "text", text: JSON.stringify({ clientId: authInfo.clientId, extra: authInfo.extra }) },
      ],
    };
  });
  return server;
}

/** The official client talking to the handler in this process, as it would over HTTP. */
async function connect(handler: McpHttpHandler, headers: Record<string, string>, iamCaller?: object) {
  const client = new Client({ name: "handler-tests", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(ENDPOINT), {
      requestInit: { headers },
      fetch: (url, init) => handler(new Request(url, init), iamCaller ? { iamCaller } : {}),
    }),
  );
  return client;
}

async function whoami(client: Client): Promise<unknown> {
  const result = await client.callTool({ name: "whoami", arguments: {} });
  return JSON.parse((result.content as { text: string }[])[0]?.text ?? "null");
}

afterEach(() => {
  logged.length = 0;
});

describe("MCP HTTP handler", () => {
  it("hands the static token's caller to the tools", async () => {
    const handler = createMcpHttpHandler({
      authenticator: createRequestAuthenticator({ mode: "static", token: STATIC_TOKEN }),
      createServer: whoamiServer,
      logger,
    });
    const client = await connect(handler, { authorization: `Bearer ${STATIC_TOKEN}` });
    expect(await whoami(client)).toEqual({ clientId: "static-token", extra: { subject: "static-token" } });
    await client.close();
    expect(logged).toContainEqual({
      level: "info",
      message: "MCP request",
      details: { caller: "static-token", status: 200 },
    });
  });

  it("behind a function URL with AWS_IAM, hands the signed-in principal to the tools", async () => {
    const handler = createMcpHttpHandler({
      authenticator: createRequestAuthenticator({ mode: "iam" }),
      createServer: whoamiServer,
      logger,
    });
    const userArn = "arn:aws:sts::111122223333:assumed-role/sre-oncall/alice";
    const client = await connect(
      handler,
      {},
      { accountId: "111122223333", userArn, accessKey: "ASIAEXAMPLE" },
    );
    expect(await whoami(client)).toEqual({
      clientId: userArn,
      extra: { subject: userArn, accountId: "111122223333" },
    });
    await client.close();
  });

  it("in IAM mode refuses a request the function URL did not authenticate (403), running nothing", async () => {
    const handler = createMcpHttpHandler({
      authenticator: createRequestAuthenticator({ mode: "iam" }),
      createServer: whoamiServer,
      logger,
    });
    const runs = toolRuns;
    const response = await handler(
      new Request(ENDPOINT, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami" } }),
      }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error_description: expect.stringMatching(/AWS_IAM/) });
    expect(toolRuns).toBe(runs);
    // No bearer tokens in IAM mode, so no protected-resource metadata either.
    expect(
      (await handler(new Request("https://mcp.example.com/.well-known/oauth-protected-resource"))).status,
    ).toBe(404);
  });

  it("answers 503 when the issuer's keys cannot be read, rather than blaming the token", async () => {
    const handler = createMcpHttpHandler({
      authenticator: createRequestAuthenticator({
        mode: "jwt",
        issuer: "https://issuer.example.com",
        audiences: ["mcp"],
        // Nothing listens on port 9 (discard) of the loopback.
        jwksUrl: "http://127.0.0.1:9/.well-known/jwks.json",
      }),
      createServer: whoamiServer,
      logger,
    });
    // A structurally valid RS256 JWT whose key must come from the unreachable JWKS.
    const header = Buffer.from(JSON.stringify({ alg: "RS256", kid: "k" })).toString("base64url");
    const claims = Buffer.from(
      JSON.stringify({ iss: "https://issuer.example.com", exp: 4102444800 }),
    ).toString("base64url");
    const response = await handler(
      new Request(ENDPOINT, {
        method: "POST",
        headers: { authorization: `Bearer ${header}.${claims}.c2ln`, "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(logged.find((entry) => entry.level === "error")?.details.reason).toMatch(
      /cannot read the issuer's keys at http:\/\/127\.0\.0\.1:9/,
    );
  });

  it("answers 404 off the MCP path and 405 for a metadata request that is not a GET", async () => {
    const handler = createMcpHttpHandler({
      authenticator: createRequestAuthenticator({ mode: "static", token: STATIC_TOKEN }),
      createServer: whoamiServer,
      logger,
    });
    const missing = await handler(new Request("https://mcp.example.com/tools"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_description: "no MCP endpoint at /tools; use /mcp" });
    const post = await handler(
      new Request("https://mcp.example.com/.well-known/oauth-protected-resource", { method: "POST" }),
    );
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});
