import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeLocalState } from "../../packages/cli/src/local-state";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";

/**
 * `drs-orchestrator mcp` as an MCP client runs it: a child process speaking JSON-RPC on its
 * standard input and output, with the engine environment of an app deployed on the local runtime
 * in this test process, driven by the official SDK client over its stdio transport.
 */

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;
const DEADLINE_MS = 45_000;
const SMALL_PLAN = "mcp-stdio";
const USER = userInfo().username;

let env: DeployedApp;
/** The engine environment `local up` would print for this runtime. */
let engineEnv: Record<string, string>;
const clients: Client[] = [];

beforeAll(async () => {
  env = await startDeployedApp();
  engineEnv = {
    ...env.local.env,
    ...env.app.environment,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  await env.applyPlan("three-tier.yaml");
  await env.applyPlan({
    id: SMALL_PLAN,
    name: "Stdio test plan",
    rto: "30m",
    rpo: "1h",
    groups: [
      { id: "cache", select: { sourceServerIds: pickServers(env.local.fleet, { tier: "cache" }, 2) } },
    ],
  });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await env?.stop();
});

interface Served {
  client: Client;
  stderr: () => string;
  /** Transport errors: a line on standard output that is not JSON-RPC shows up here. */
  errors: Error[];
}

/** Starts `drs-orchestrator mcp` as a child of the SDK's stdio client transport and connects to it. */
async function serve(args: string[], extraEnv: Record<string, string> = {}): Promise<Served> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...args],
    env: { ...engineEnv, ...extraEnv },
    cwd: ROOT,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const errors: Error[] = [];
  const client = new Client({ name: "cli-mcp-stdio-test", version: "1.0.0" });
  client.onerror = (error) => errors.push(error);
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr, errors };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

describe("drs-orchestrator mcp", () => {
  it("serves the tools, and runs a drill of the three-tier example from start_recovery to SUCCEEDED", async () => {
    const { client, stderr, errors } = await serve([]);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      "list_recovery_plans",
      "get_recovery_plan",
      "describe_source_servers",
      "validate_recovery_plan",
      "check_recovery_plan",
      "start_recovery",
      "get_recovery_status",
      "list_recoveries",
      "approve_wave",
      "reject_wave",
      "cancel_recovery",
      "resume_recovery",
      "cleanup_drill",
    ]);

    const started = await call(client, "start_recovery", {
      planId: "shop",
      reason: "drill from an assistant",
    });
    expect(started.isError, textOf(started)).toBeFalsy();
    expect(started.structuredContent).toMatchObject({ mode: "DRILL", requestedBy: `mcp:${USER}` });
    const executionId = started.structuredContent?.executionId as string;

    const begin = performance.now();
    let status: Record<string, unknown> = {};
    const approved: number[] = [];
    while (performance.now() - begin < DEADLINE_MS) {
      const answer = await call(client, "get_recovery_status", { executionId });
      expect(answer.isError, textOf(answer)).toBeFalsy();
      status = answer.structuredContent as Record<string, unknown>;
      if (status.status !== "STARTING" && status.status !== "RUNNING") break;
      for (const gate of status.pendingApprovals as { wave: number }[]) {
        const decision = await call(client, "approve_wave", { executionId, wave: gate.wave });
        expect(decision.structuredContent).toMatchObject({ status: "APPROVED", by: `mcp:${USER}` });
        approved.push(gate.wave);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ status: "SUCCEEDED", counts: { servers: 9, healthy: 9, failed: 0 } });
    expect(approved).toEqual([3]);
    expect(await env.engine.executions.getMeta(executionId)).toMatchObject({
      requestedBy: `mcp:${USER}`,
      reason: "drill from an assistant",
    });

    expect(errors).toEqual([]);
    expect(stderr()).toContain(`drs-orchestrator MCP server on stdio, acting as mcp:${USER}`);
    expect(stderr()).toContain("real RECOVERY allowed for no plan (drills only)");
  });

  it("starts a real recovery only of a plan MCP_RECOVERY_ALLOWED_PLANS or --allow-recovery names, confirmed", async () => {
    const fromEnv = await serve([], { MCP_RECOVERY_ALLOWED_PLANS: `other, ${SMALL_PLAN}` });
    const unconfirmed = await call(fromEnv.client, "start_recovery", {
      planId: SMALL_PLAN,
      mode: "RECOVERY",
      reason: "region down",
    });
    expect(unconfirmed.isError).toBe(true);
    expect(textOf(unconfirmed)).toContain(`confirm must equal the plan ID: set confirm to "${SMALL_PLAN}"`);

    const notListed = await call(fromEnv.client, "start_recovery", {
      planId: "shop",
      mode: "RECOVERY",
      reason: "region down",
      confirm: "shop",
    });
    expect(notListed.isError).toBe(true);
    expect(textOf(notListed)).toContain("not on this server's RECOVERY allow-list");

    // The option wins over the environment.
    const fromOption = await serve(["--allow-recovery", "shop"], { MCP_RECOVERY_ALLOWED_PLANS: SMALL_PLAN });
    const refused = await call(fromOption.client, "start_recovery", {
      planId: SMALL_PLAN,
      mode: "RECOVERY",
      reason: "region down",
      confirm: SMALL_PLAN,
    });
    expect(textOf(refused)).toContain("not on this server's RECOVERY allow-list");

    const started = await call(fromEnv.client, "start_recovery", {
      planId: SMALL_PLAN,
      mode: "RECOVERY",
      reason: "region down",
      confirm: SMALL_PLAN,
    });
    expect(started.isError, textOf(started)).toBeFalsy();
    expect(started.structuredContent).toMatchObject({ planId: SMALL_PLAN, mode: "RECOVERY" });
    const cancelled = await call(fromEnv.client, "cancel_recovery", {
      executionId: started.structuredContent?.executionId,
      reason: "test over",
    });
    expect(cancelled.structuredContent).toMatchObject({
      status: "ABORTED",
      alreadyEnded: false,
      cleanupExpected: false,
    });
  });

  it("with --local, acts on the runtime its state file records, on the runtime's simulated clock", async () => {
    // The state file `local up` writes, for the runtime this test process serves.
    const home = await mkdtemp(join(tmpdir(), "cli-mcp-stdio-"));
    try {
      await writeLocalState(
        {
          endpoint: env.local.endpoint,
          env: engineEnv,
          pid: process.pid,
          startedAt: new Date().toISOString(),
          clock: {
            speed: env.local.clock.speed,
            simulatedAt: env.local.clock.now().toISOString(),
            realAt: Date.now(),
          },
        },
        join(home, "local.json"),
      );
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "mcp", "--local"],
        env: { DRS_ORCHESTRATOR_HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        cwd: ROOT,
        stderr: "pipe",
      });
      const client = new Client({ name: "cli-mcp-stdio-local", version: "1.0.0" });
      clients.push(client);
      await client.connect(transport);

      const started = await call(client, "start_recovery", {
        planId: "shop",
        reason: "drill on the local runtime",
      });
      expect(started.isError, textOf(started)).toBeFalsy();
      const executionId = started.structuredContent?.executionId as string;
      const begin = performance.now();
      let status: Record<string, unknown> = {};
      do {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await call(client, "get_recovery_status", { executionId })).structuredContent as Record<
          string,
          unknown
        >;
      } while (
        (status.pendingApprovals as unknown[]).length === 0 &&
        performance.now() - begin < DEADLINE_MS
      );
      expect(status.status).toBe("RUNNING");
      // Held at the gate, the drill's elapsed time runs on the runtime's clock (1,000 s per real second).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const later = (await call(client, "get_recovery_status", { executionId })).structuredContent as {
        elapsedSeconds: number;
      };
      expect(later.elapsedSeconds - (status.elapsedSeconds as number)).toBeGreaterThan(100);

      const rejected = await call(client, "reject_wave", { executionId, wave: 3, comment: "test over" });
      expect(rejected.structuredContent).toMatchObject({ status: "REJECTED", by: `mcp:${USER}` });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("writes nothing but JSON-RPC on standard output, answers a request sent just before the input closes, and exits 0", async () => {
    const child = spawn(process.execPath, [BIN, "mcp"], { cwd: ROOT, env: { ...process.env, ...engineEnv } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const messages = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "list_recovery_plans", arguments: {} } },
    ];
    child.stdin.end(messages.map((message) => `${JSON.stringify(message)}\n`).join(""));
    expect(await exited).toBe(0);

    const lines = stdout.trimEnd().split("\n");
    const answers = lines.map((line) => JSON.parse(line));
    expect(answers.map((answer) => [answer.jsonrpc, answer.id])).toEqual([
      ["2.0", 1],
      ["2.0", 2],
    ]);
    expect(answers[1].result.structuredContent.plans.map((plan: { planId: string }) => plan.planId)).toEqual([
      SMALL_PLAN,
      "shop",
    ]);
    expect(stderr).toContain("drs-orchestrator MCP server on stdio");
  });

  it("exits 1 naming the missing engine environment, before serving anything", async () => {
    const child = spawn(process.execPath, [BIN, "mcp"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("missing engine environment: PLANS_TABLE (the plans table)");
    expect(stderr).toContain("--local");
  });
});
