import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

/**
 * Who a request is from, as recorded on what it does (`requestedBy`, an approval's `by`):
 * `mcp:<identity>`, the identity being the authenticated client or subject the transport passed,
 * or the server's default caller when it passed none (stdio: the user who started the server).
 */
export function callerOf(authInfo: AuthInfo | undefined, defaultCaller: string): string {
  const subject = authInfo?.extra?.subject;
  const identity =
    authInfo?.clientId ||
    (typeof subject === "string" && subject !== "" ? subject : undefined) ||
    defaultCaller;
  return `mcp:${identity}`;
}
