import {
  type FunctionUrlServer,
  type LocalAws,
  startFunctionUrlServer,
  startLocalAws,
} from "@drs-orchestrator/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The local function URL: HTTP requests on 127.0.0.1 become payload 2.0 events invoked through the
 * runtime's Lambda Invoke API, and the function's result becomes the response.
 */

interface FunctionUrlEvent {
  headers: Record<string, string>;
  requestContext: { time: string; timeEpoch: number };
}

let local: LocalAws;
const servers: FunctionUrlServer[] = [];
const events: Record<string, unknown>[] = [];

async function urlFor(functionName: string): Promise<string> {
  const server = await startFunctionUrlServer({ local, functionName });
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  local = await startLocalAws({ speed: 100 });
  local.lambda.register({
    name: "echo",
    handler: async (event: Record<string, unknown>) => {
      events.push(event);
      return {
        statusCode: 201,
        headers: { "content-type": "text/plain", "x-echo": "yes" },
        cookies: ["a=1; Path=/", "b=2"],
        body: Buffer.from("made it").toString("base64"),
        isBase64Encoded: true,
      };
    },
  });
  local.lambda.register({ name: "plain", handler: async () => ({ hello: "world" }) });
  local.lambda.register({
    name: "broken",
    handler: async () => {
      throw new Error("boom");
    },
  });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await local?.stop();
});

describe("local function URL", () => {
  it("invokes the function with a payload 2.0 event describing the request", async () => {
    const url = await urlFor("echo");
    const before = local.clock.now().getTime();
    const response = await fetch(`${url}/mcp/tools?x=1&x=2&y=%20z`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer abc", cookie: "c=3; d=4" },
      body: JSON.stringify({ ping: true }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-echo")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2"]);
    expect(await response.text()).toBe("made it");

    const event = events.at(-1) as unknown as FunctionUrlEvent;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/mcp/tools",
      rawQueryString: "x=1&x=2&y=%20z",
      queryStringParameters: { x: "1,2", y: " z" },
      cookies: ["c=3", "d=4"],
      body: '{"ping":true}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: "POST", path: "/mcp/tools", sourceIp: "127.0.0.1" },
        routeKey: "$default",
        stage: "$default",
      },
    });
    expect(event.headers).toMatchObject({
      authorization: "Bearer abc",
      "content-type": "application/json",
      host: new URL(url).host,
      "x-forwarded-proto": "http",
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    // The request enters the emulated AWS, so it is stamped with the runtime's simulated time.
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(local.clock.now().getTime());
  });

  it("passes a binary body base64-encoded", async () => {
    const url = await urlFor("echo");
    await fetch(url, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array([0, 255, 1]),
    });
    expect(events.at(-1)).toMatchObject({ rawPath: "/", body: "AP8B", isBase64Encoded: true });
  });

  it("answers a result without statusCode as a 200 JSON body", async () => {
    const response = await fetch(await urlFor("plain"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ hello: "world" });
  });

  it("answers 502 when the function fails or does not exist", async () => {
    const failed = await fetch(await urlFor("broken"));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ Message: "Internal Server Error" });
    const missing = await fetch(await urlFor("no-such-function"));
    expect(missing.status).toBe(502);
    expect(await missing.text()).toMatch(/Function not found/);
  });
});
