import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type Started, shellEnv, startCli, stopLocalUp, until } from "../support/cli-process";

/**
 * The README's MCP client configurations, taken from the README itself and used as a person would
 * after `local up` and `plan apply --local`: each one lists the tools and starts a drill.
 */

interface ServerEntry {
  command?: string;
  args?: string[];
  type?: string;
  url?: string;
  headers?: Record<string, string>;
}

const children = new Set<ChildProcessWithoutNullStreams>();
let home: string;
let localUp: Started;
let entries: ServerEntry[];

/** Every `mcpServers.drs-orchestrator` entry of the README's JSON code blocks, in order. */
async function readmeEntries(): Promise<ServerEntry[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/```json\n([\s\S]*?)```/g)]
    .map((block) => block[1] as string)
    .filter((json) => json.includes('"mcpServers"'))
    .map((json) => JSON.parse(json).mcpServers["drs-orchestrator"] as ServerEntry);
}

async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as Record<string, unknown>;
}

/** Lists the tools, starts a drill of the example plan, sees it run, then cancels it so the plan is free again. */
async function drillThrough(transport: Transport, reason: string) {
  const client = new Client({ name: "readme-client", version: "1.0.0" });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(["start_recovery", "get_recovery_status", "approve_wave", "cancel_recovery"]),
    );
    const started = await call(client, "start_recovery", { planId: "shop", reason });
    expect(started).toMatchObject({ planId: "shop", mode: "DRILL" });
    const executionId = started.executionId as string;
    await until("the drill to run its first wave", async () => {
      const status = await call(client, "get_recovery_status", { executionId });
      return status.status === "RUNNING" && (status.waves as unknown[]).length === 3;
    });
    const cancelled = await call(client, "cancel_recovery", { executionId, reason: "README check done" });
    expect(cancelled).toMatchObject({ executionId, status: "ABORTED" });
    return started;
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  entries = await readmeEntries();
  home = await mkdtemp(join(tmpdir(), "readme-mcp-home-"));
  localUp = startCli(children, ["local", "up", "--fleet", "examples/fleet.json", "--speed", "60"], {
    env: shellEnv(home),
  });
  await until(
    "local up to record its state",
    () => localUp.output.stderr.includes("Ctrl-C stops it"),
    30_000,
  );
  const apply = startCli(children, ["plan", "apply", "--local", "examples/plans/three-tier.yaml"], {
    env: shellEnv(home),
  });
  expect((await apply.exited).code).toBe(0);
}, 60_000);

afterAll(async () => {
  const ended = await stopLocalUp(localUp);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await rm(home, { recursive: true, force: true });
  expect(ended).toEqual({ code: 0, signal: null });
}, 20_000);

describe("the README's MCP client configurations, on the local runtime", () => {
  it("stdio: the client starts `drs-orchestrator mcp --local` as the snippet says, lists tools and starts a drill", async () => {
    const stdio = entries.find((entry) => entry.args?.includes("--local"));
    if (!stdio?.command || !stdio.args) throw new Error("the README has no stdio snippet for --local");
    const args = stdio.args.map((arg) => arg.replace("/path/to/drs-orchestrator/", ROOT));
    const started = await drillThrough(
      new StdioClientTransport({
        command: stdio.command === "node" ? process.execPath : stdio.command,
        args,
        env: shellEnv(home) as Record<string, string>,
        stderr: "pipe",
      }),
      "README stdio snippet",
    );
    expect(started.requestedBy).toMatch(/^mcp:/);
  }, 60_000);

  it("HTTP: the snippet's URL and bearer token, filled in from what local up recorded, lists tools and starts a drill", async () => {
    const http = entries.find((entry) => entry.type === "http");
    if (!http?.url || !http.headers) throw new Error("the README has no HTTP snippet");
    const state = JSON.parse(await readFile(join(home, "local.json"), "utf8"));
    const port = new URL(state.mcp.url).port;
    const fill = (text: string) => text.replace("<port>", port).replace("<token>", state.mcp.token);
    const url = new URL(fill(http.url));
    expect(url.href).toBe(state.mcp.url);
    const headers = Object.fromEntries(
      Object.entries(http.headers).map(([name, value]) => [name, fill(value)]),
    );
    const started = await drillThrough(
      new StreamableHTTPClientTransport(url, { requestInit: { headers } }),
      "README HTTP snippet",
    );
    expect(started.requestedBy).toBe("mcp:static-token");
  }, 60_000);
});
