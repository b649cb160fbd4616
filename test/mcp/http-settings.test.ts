import { InvalidInputError } from "@drs-orchestrator/core";
import { parseMcpHttpConfig } from "@drs-orchestrator/mcp";
import { describe, expect, it } from "vitest";

/** The HTTP function's settings from its environment, and the refusal naming each bad variable. */

function refusal(env: Record<string, string>): string {
  try {
    parseMcpHttpConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error("the settings parsed");
}

describe("MCP HTTP settings", () => {
  it("reads JWT mode with the issuer's JWKS at Cognito's well-known path by default", () => {
    expect(
      parseMcpHttpConfig({
        MCP_AUTH: "jwt",
        MCP_JWT_ISSUER: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEfGhI/",
        MCP_JWT_AUDIENCE: " client-1 , client-2,",
        MCP_RECOVERY_ALLOWED_PLANS: "payments, shop",
      }),
    ).toEqual({
      auth: {
        mode: "jwt",
        issuer: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEfGhI/",
        audiences: ["client-1", "client-2"],
        jwksUrl: "https://cognito-idp.us-west-2.amazonaws.com/us-west-2_AbCdEfGhI/.well-known/jwks.json",
      },
      recoveryAllowList: ["payments", "shop"],
    });
    expect(
      parseMcpHttpConfig({
        MCP_AUTH: "jwt",
        MCP_JWT_ISSUER: "https://login.example.com",
        MCP_JWT_AUDIENCE: "api://drs",
        MCP_JWKS_URL: "https://login.example.com/keys",
      }).auth,
    ).toMatchObject({ jwksUrl: "https://login.example.com/keys" });
  });

  it("reads static and IAM modes; no allow-list means drills only", () => {
    expect(parseMcpHttpConfig({ MCP_AUTH: "static", MCP_STATIC_TOKEN: "a".repeat(32) })).toEqual({
      auth: { mode: "static", token: "a".repeat(32) },
      recoveryAllowList: [],
    });
    expect(parseMcpHttpConfig({ MCP_AUTH: "iam" }).auth).toEqual({ mode: "iam" });
  });

  it("names the variable that is missing or wrong, and what it expects", () => {
    expect(refusal({})).toMatch(
      /^invalid MCP server environment: MCP_AUTH: expected "jwt" .*"static" .*"iam"/,
    );
    expect(refusal({ MCP_AUTH: "oauth" })).toMatch(/MCP_AUTH: expected "jwt"/);
    const jwt = refusal({ MCP_AUTH: "jwt", MCP_JWT_ISSUER: "login.example.com", MCP_JWT_AUDIENCE: " , " });
    expect(jwt).toMatch(/MCP_JWT_ISSUER: expected the issuer .* as an http\(s\) URL/);
    expect(jwt).toMatch(/MCP_JWT_AUDIENCE: name at least one audience/);
    expect(refusal({ MCP_AUTH: "jwt", MCP_JWT_ISSUER: "https://login.example.com" })).toMatch(
      /MCP_JWT_AUDIENCE/,
    );
    expect(refusal({ MCP_AUTH: "static" })).toMatch(
      /MCP_STATIC_TOKEN: set the bearer token callers must send/,
    );
    expect(refusal({ MCP_AUTH: "static", MCP_STATIC_TOKEN: "short" })).toMatch(
      /MCP_STATIC_TOKEN: use a random token of at least 16 characters/,
    );
    expect(refusal({ MCP_AUTH: "static", MCP_STATIC_TOKEN: "a long token with spaces" })).toMatch(
      /MCP_STATIC_TOKEN: use only letters, digits/,
    );
  });
});
