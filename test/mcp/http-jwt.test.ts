import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  connectMcpClient,
  type DeployedMcp,
  expectNoTokenRefused,
  initializeRequest,
  startDeployedMcp,
} from "./http-deployed-mcp";

/**
 * The deployed `mcp` function in JWT mode, reached over real HTTP through the local function URL:
 * tokens are signed here with keys whose public half an issuer on 127.0.0.1 publishes as its JWKS,
 * as Cognito does at `<issuer>/.well-known/jwks.json`.
 */

const AUDIENCE = "ops-assistant";
const KEY_ID = "test-key-1";
let issuerServer: Server;
let issuer: string;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let jwksRequests = 0;
let mcp: DeployedMcp;
const clients: Client[] = [];

/** A Cognito-style access token for a client-credentials caller (sub and client_id are the client). */
function token(
  overrides: { claims?: JWTPayload; issuer?: string; expiresAt?: number; key?: CryptoKey } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: AUDIENCE, token_use: "access", scope: "drs/recovery", ...overrides.claims })
    .setProtectedHeader({ alg: "RS256", kid: KEY_ID })
    .setIssuer(overrides.issuer ?? issuer)
    .setSubject(AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(overrides.expiresAt ?? now + 600)
    .sign(overrides.key ?? signingKey);
}

async function client(bearer: string): Promise<Client> {
  const connected = await connectMcpClient(mcp.endpoint, bearer);
  clients.push(connected);
  return connected;
}

/** The 401 answer to an initialize request carrying this bearer token. */
async function refusal(bearer: string): Promise<{ challenge: string; body: unknown }> {
  const response = await fetch(mcp.endpoint, initializeRequest({ authorization: `Bearer ${bearer}` }));
  expect(response.status).toBe(401);
  return { challenge: response.headers.get("www-authenticate") ?? "", body: await response.json() };
}

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair("RS256")).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KEY_ID, alg: "RS256", use: "sig" }] };
  issuerServer = createServer((req, res) => {
    if (req.url !== "/.well-known/jwks.json") {
      res.writeHead(404).end();
      return;
    }
    jwksRequests += 1;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  mcp = await startDeployedMcp(
    { MCP_AUTH: "jwt", MCP_JWT_ISSUER: issuer, MCP_JWT_AUDIENCE: `${AUDIENCE},other-client` },
    { speed: 1000 },
  );
}, 60_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((connected) => connected.close()));
});

afterAll(async () => {
  await mcp?.stop();
  await new Promise((resolve) => issuerServer?.close(resolve));
});

describe("MCP over HTTP with bearer JWTs", () => {
  it("lists the tools for a valid token, fetching the issuer's keys once", async () => {
    const before = jwksRequests;
    const { tools } = await (await client(await token())).listTools();
    expect(tools.map((tool) => tool.name)).toContain("start_recovery");
    await (await client(await token())).listTools();
    expect(jwksRequests - before).toBeLessThanOrEqual(1);
  });

  it("accepts an ID-token style aud among the audiences", async () => {
    const idToken = await token({ claims: { aud: "other-client", client_id: undefined, token_use: "id" } });
    const { tools } = await (await client(idToken)).listTools();
    expect(tools.length).toBeGreaterThan(5);
  });

  it("starts a drill with start_recovery, recorded as the token's caller, and follows it to SUCCEEDED", async () => {
    const planId = await mcp.deployed.applyPlan({
      id: "http-drill",
      name: "Shop web tier over HTTP",
      rto: "1h",
      rpo: "5m",
      groups: [{ id: "web", select: { tags: { app: "shop", tier: "web" } } }],
    });
    const assistant = await client(await token());
    const started = await assistant.callTool({
      name: "start_recovery",
      arguments: { planId, reason: "monthly DR drill over HTTP" },
    });
    expect(started.isError, JSON.stringify(started.content)).toBeFalsy();
    const { executionId, mode, requestedBy } = started.structuredContent as Record<string, string>;
    expect(mode).toBe("DRILL");
    expect(requestedBy).toBe(`mcp:${AUDIENCE}`);

    const deadline = performance.now() + 30_000;
    let status: Record<string, unknown> = {};
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await assistant.callTool({ name: "get_recovery_status", arguments: { executionId } });
      expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
      status = answer.structuredContent as Record<string, unknown>;
    } while (["STARTING", "RUNNING"].includes(status.status as string) && performance.now() < deadline);
    expect(status).toMatchObject({
      executionId,
      planId,
      mode: "DRILL",
      status: "SUCCEEDED",
      requestedBy: `mcp:${AUDIENCE}`,
      counts: { servers: 3, healthy: 3, failed: 0 },
    });
    // The execution itself records who started it, as its report will show.
    expect(await mcp.deployed.engine.executions.getMeta(executionId as string)).toMatchObject({
      requestedBy: `mcp:${AUDIENCE}`,
      reason: "monthly DR drill over HTTP",
    });
  }, 45_000);

  it("refuses a request without a token: 401 naming the resource metadata, no error code", async () => {
    await expectNoTokenRefused(mcp.endpoint);
  });

  it("refuses a token signed with another key", async () => {
    const { challenge, body } = await refusal(await token({ key: strangerKey }));
    expect(challenge).toMatch(
      /error="invalid_token", error_description="the token's signature does not verify/,
    );
    expect(body).toMatchObject({ error: "invalid_token" });
  });

  it("refuses a token for another audience", async () => {
    const { challenge } = await refusal(await token({ claims: { client_id: "someone-else" } }));
    expect(challenge).toMatch(
      /error="invalid_token", error_description="the token is for someone-else, not this server/,
    );
  });

  it("refuses a token from another issuer", async () => {
    const { challenge } = await refusal(await token({ issuer: "https://login.example.com/" }));
    expect(challenge).toContain(`error_description="the token was not issued by ${issuer}"`);
  });

  it("refuses an expired token", async () => {
    const { challenge } = await refusal(await token({ expiresAt: Math.floor(Date.now() / 1000) - 3600 }));
    expect(challenge).toMatch(
      /error="invalid_token", error_description="the token expired at \d{4}-\d{2}-\d{2}T/,
    );
    await expect(
      connectMcpClient(mcp.endpoint, await token({ expiresAt: Math.floor(Date.now() / 1000) - 3600 })),
    ).rejects.toMatchObject({ code: 401 });
  });

  it("refuses a token that is not a JWT", async () => {
    const { challenge } = await refusal("not.a.jwt");
    expect(challenge).toContain('error_description="the token is not a well-formed signed JWT"');
  });

  it("serves protected-resource metadata pointing at the issuer, unauthenticated, in both forms", async () => {
    const origin = new URL(mcp.endpoint).origin;
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toBe("application/json");
      expect(await response.json(), path).toEqual({
        resource: `${origin}/mcp`,
        authorization_servers: [issuer],
        bearer_methods_supported: ["header"],
        resource_name: "DRS Orchestrator",
      });
    }
  });
});
