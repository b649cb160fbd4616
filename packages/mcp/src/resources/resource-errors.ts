import { McpError } from "@modelcontextprotocol/sdk/types.js";

/** The JSON-RPC error code MCP gives a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A failed resource read as a JSON-RPC error: a plan or execution that does not exist is "resource
 * not found" with what to check; anything else keeps only its name and message.
 */
export function resourceReadError(
  uri: URL,
  error: unknown,
  notFound: ReadonlySet<string>,
  hint: string,
): McpError {
  if (error instanceof McpError) return error;
  const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
  if (notFound.has(name)) return new McpError(RESOURCE_NOT_FOUND, `${uri.href} not found: ${hint}`);
  return new McpError(-32603, `reading ${uri.href} failed with ${name}: ${message}`);
}
