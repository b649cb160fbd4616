import { httpResultFromResponse, requestFromHttpEvent } from "@drs-orchestrator/mcp";
import { describe, expect, it } from "vitest";

/** Payload 2.0 events (HTTP API, function URL) as Web requests, and responses as proxy results. */

const event = (overrides: Record<string, unknown> = {}) => ({
  version: "2.0",
  routeKey: "ANY /mcp",
  rawPath: "/mcp",
  rawQueryString: "a=1&b=2",
  cookies: ["s=1", "t=2"],
  headers: {
    host: "abc123.execute-api.us-west-2.amazonaws.com",
    "content-type": "application/json",
    "x-forwarded-proto": "https",
  },
  requestContext: {
    domainName: "abc123.execute-api.us-west-2.amazonaws.com",
    http: { method: "POST", path: "/mcp" },
  },
  body: Buffer.from('{"jsonrpc":"2.0"}').toString("base64"),
  isBase64Encoded: true,
  ...overrides,
});

describe("HTTP events", () => {
  it("turn into the request the client sent", async () => {
    const { request, iamCaller } = requestFromHttpEvent(event());
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://abc123.execute-api.us-west-2.amazonaws.com/mcp?a=1&b=2");
    expect(request.headers.get("cookie")).toBe("s=1; t=2");
    expect(await request.text()).toBe('{"jsonrpc":"2.0"}');
    expect(iamCaller).toBeUndefined();
  });

  it("carry the function URL's SigV4 caller", () => {
    const { iamCaller } = requestFromHttpEvent(
      event({
        requestContext: {
          domainName: "x.lambda-url.us-west-2.on.aws",
          http: { method: "GET" },
          authorizer: {
            iam: {
              accessKey: "ASIA",
              accountId: "111122223333",
              callerId: "AROA:alice",
              cognitoIdentity: null,
              userArn: "arn:aws:sts::111122223333:assumed-role/r/alice",
              userId: "AROA:alice",
            },
          },
        },
      }),
    );
    expect(iamCaller).toMatchObject({
      userArn: "arn:aws:sts::111122223333:assumed-role/r/alice",
      accountId: "111122223333",
    });
  });

  it("refuse another payload format, naming the field", () => {
    expect(() => requestFromHttpEvent({ httpMethod: "POST", path: "/mcp" })).toThrow(
      /invalid HTTP event: version: expected payload format 2\.0.*rawPath/,
    );
  });

  it("answer with the response's status, headers, cookies and text body", async () => {
    const headers = new Headers({
      "content-type": "application/json",
      "www-authenticate": 'Bearer realm="x"',
    });
    headers.append("set-cookie", "a=1");
    headers.append("set-cookie", "b=2");
    expect(await httpResultFromResponse(new Response('{"ok":true}', { status: 401, headers }))).toEqual({
      statusCode: 401,
      headers: { "content-type": "application/json", "www-authenticate": 'Bearer realm="x"' },
      cookies: ["a=1", "b=2"],
      body: '{"ok":true}',
      isBase64Encoded: false,
    });
    expect(await httpResultFromResponse(new Response(null, { status: 202 }))).toEqual({
      statusCode: 202,
      headers: {},
      body: "",
      isBase64Encoded: false,
    });
  });
});
