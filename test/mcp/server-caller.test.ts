import { describe, expect, it } from "vitest";
import { callerOf } from "../../packages/mcp/src/server/caller";

describe("callerOf", () => {
  it("records the authenticated subject (the person) before the client it used", () => {
    expect(
      callerOf({ token: "t", clientId: "app-client", scopes: [], extra: { subject: "alice" } }, "root"),
    ).toBe("mcp:alice");
  });

  it("falls back to the client ID when the transport names no subject", () => {
    expect(callerOf({ token: "t", clientId: "app-client", scopes: [] }, "root")).toBe("mcp:app-client");
    expect(callerOf({ token: "t", clientId: "app-client", scopes: [], extra: { subject: "" } }, "root")).toBe(
      "mcp:app-client",
    );
  });

  it("is the server's default caller when the transport authenticates nobody (stdio)", () => {
    expect(callerOf(undefined, "root")).toBe("mcp:root");
    expect(callerOf({ token: "t", clientId: "", scopes: [] }, "root")).toBe("mcp:root");
  });
});
