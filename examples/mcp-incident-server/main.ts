import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startIncidentServer } from "./incident-server";

/**
 * npx tsx examples/mcp-incident-server/main.ts [--port 8787] [--token <token>]
 *
 * The token comes from --token, else INCIDENT_SERVER_TOKEN, else a random one that is printed.
 */
const usage = "usage: main.ts [--port <0-65535>] [--token <bearer token>] (or set INCIDENT_SERVER_TOKEN)";

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: { port?: string; token?: string };
try {
  ({ values } = parseArgs({ options: { port: { type: "string" }, token: { type: "string" } } }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const port = Number(values.port ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`--port must be 0-65535, got "${values.port}"`);
const given = values.token || process.env.INCIDENT_SERVER_TOKEN || undefined;
const token = given ?? randomBytes(18).toString("base64url");

const server = await startIncidentServer({ port, token });
process.stdout.write(`incident MCP server on ${server.url}\n`);
if (given === undefined) process.stdout.write(`bearer token: ${token}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
