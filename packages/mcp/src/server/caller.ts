import type { AuthInfo } from "@modelcontextprotocol/sdk/server/auth/types.js";

/**
 * Who a request is from, as recorded on what it does (`requestedBy`, an approval's `by`):
 * `mcp:<identity>`. The identity is the authenticated subject the transport passed (the person, or
 * for a client-credentials token the client), else its client ID, else the server's default caller
 * (stdio: the user who started the server).
 */
export function callerOf(authInfo: AuthInfo | undefined, defaultCaller: string): string {
  const subject = authInfo?.extra?.subject;
  const identity = (typeof subject === "string" && subject) || authInfo?.clientId || defaultCaller;
  return `mcp:${identity}`;
}
