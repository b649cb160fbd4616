import { createRecoveryMcpServer } from "@drs-orchestrator/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";

/**
 * Drills run entirely through the recovery MCP server, as an assistant would run them: checked with
 * validate_recovery_plan and describe_source_servers, started with start_recovery, followed with
 * get_recovery_status (deciding the gated wave when it asks), then listed, reported, cleaned up and
 * cancelled through the tools and resources, over the official SDK client.
 */

const DEADLINE_MS = 45_000;
const POLL_MS = 40;
/** A small plan on estate servers, apart from the shop's, for the drills that are cancelled or rejected. */
const SMALL_PLAN = "mcp-gated";

let env: DeployedApp;
let client: Client;

beforeAll(async () => {
  env = await startDeployedApp();
  await env.applyPlan("three-tier.yaml");
  const [first, second] = pickServers(env.local.fleet, { app: "estate", tier: "cache" }, 2);
  await env.applyPlan({
    id: SMALL_PLAN,
    name: "Gated MCP drill",
    rto: "30m",
    rpo: "1h",
    groups: [
      { id: "one", select: { sourceServerIds: [first] } },
      { id: "two", select: { sourceServerIds: [second] }, dependsOn: ["one"], approval: true },
    ],
  });
  const server = createRecoveryMcpServer({
    engine: env.engine,
    recoveryAllowList: [],
    defaultCaller: "oncall",
    now: () => env.local.clock.now(),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  client = new Client({ name: "server-drill-test", version: "1.0.0" });
  await client.connect(clientTransport);
});

afterAll(async () => {
  await client?.close();
  await env?.stop();
});

async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${textOf(result)}`);
  expect(textOf(result).length, name).toBeGreaterThan(0);
  return result.structuredContent as Record<string, unknown>;
}

async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, `${name} should fail`).toBe(true);
  return textOf(result);
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

interface Status {
  status: string;
  pendingApprovals: { wave: number; approvers: string[] }[];
  counts: { servers: number; healthy: number; failed: number };
  waves: { wave: number; status: string; healthy: number; awaitingApproval: boolean }[];
}

/** Polls get_recovery_status until the execution waits at a gate or ends, whichever comes first. */
async function follow(executionId: string, until: (status: Status) => boolean): Promise<Status[]> {
  const seen: Status[] = [];
  const begin = performance.now();
  for (;;) {
    const status = (await call("get_recovery_status", { executionId })) as unknown as Status;
    seen.push(status);
    if (until(status)) return seen;
    if (performance.now() - begin > DEADLINE_MS) {
      throw new Error(
        `${executionId} still ${status.status} after ${DEADLINE_MS} ms: ${JSON.stringify(status)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const ended = (status: Status) => status.status !== "STARTING" && status.status !== "RUNNING";

describe("a drill of the three-tier example through the MCP tools", () => {
  let executionId: string;

  it("is checked before it starts: every server selected and ready, three waves", async () => {
    const dryRun = await call("validate_recovery_plan", { planId: "shop" });
    expect(dryRun).toMatchObject({
      ok: true,
      issues: [],
      plan: { id: "shop", version: 1, rtoSeconds: 2700, rpoSeconds: 300 },
      counts: { waves: 3, servers: 9, notReady: 0 },
    });
    const waves = dryRun.waves as { wave: number; groups: { id: string; approval: boolean }[] }[];
    expect(waves.map((wave) => wave.groups.map((group) => [group.id, group.approval]))).toEqual([
      [["db", false]],
      [["app", false]],
      [["web", true]],
    ]);

    const servers = await call("describe_source_servers", { planId: "shop" });
    expect(servers).toMatchObject({
      planId: "shop",
      rpoSeconds: 300,
      counts: { servers: 9, ready: 9, notReady: 0 },
    });
    const listed = servers.servers as { groupIds: string[]; replicationState: string }[];
    expect(new Set(listed.map((server) => server.groupIds.join()))).toEqual(new Set(["db", "app", "web"]));
    expect(listed.every((server) => server.replicationState === "CONTINUOUS")).toBe(true);
  });

  it("starts with start_recovery, waits at the web wave's gate, is approved with approve_wave and succeeds", async () => {
    const started = await call("start_recovery", { planId: "shop", reason: "monthly DR drill" });
    expect(started).toMatchObject({
      planId: "shop",
      mode: "DRILL",
      requestedBy: "mcp:oncall",
      alreadyStarted: false,
    });
    executionId = started.executionId as string;

    const beforeGate = await follow(
      executionId,
      (status) => status.pendingApprovals.length > 0 || ended(status),
    );
    const gated = beforeGate.at(-1) as Status;
    expect(gated.status).toBe("RUNNING");
    expect(gated.pendingApprovals).toEqual([expect.objectContaining({ wave: 3, approvers: [] })]);
    expect(gated.waves.map((wave) => [wave.wave, wave.healthy, wave.awaitingApproval])).toEqual([
      [1, 3, false],
      [2, 3, false],
      [3, 0, true],
    ]);

    const approved = await call("approve_wave", { executionId, wave: 3, comment: "app tier verified" });
    expect(approved).toMatchObject({ wave: 3, status: "APPROVED", by: "mcp:oncall", alreadyDecided: false });
    const again = await call("approve_wave", { executionId, wave: 3 });
    expect(again).toMatchObject({ status: "APPROVED", alreadyDecided: true });

    const afterGate = await follow(executionId, ended);
    const last = afterGate.at(-1) as Status;
    expect(last.status).toBe("SUCCEEDED");
    expect(last.counts).toMatchObject({ servers: 9, healthy: 9, failed: 0 });
    expect(last.pendingApprovals).toEqual([]);
  });

  it("shows every server and the RTO achieved once it has ended", async () => {
    const status = await call("get_recovery_status", { executionId, includeServers: true });
    expect(status).toMatchObject({
      planId: "shop",
      planName: "Three-tier web shop",
      mode: "DRILL",
      status: "SUCCEEDED",
      requestedBy: "mcp:oncall",
      reason: "monthly DR drill",
      rto: { targetSeconds: 2700 },
    });
    const rto = status.rto as { achievedSeconds: number; breached: boolean };
    expect(rto.achievedSeconds).toBeGreaterThan(0);
    expect(rto.breached).toBe(rto.achievedSeconds > 2700);
    const servers = status.servers as { status: string; ec2InstanceId?: string; wave: number }[];
    expect(servers).toHaveLength(9);
    expect(servers.every((server) => server.ec2InstanceId?.startsWith("i-"))).toBe(true);
    expect(servers.map((server) => server.wave)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it("is listed by list_recoveries and reported as a resource", async () => {
    const { recoveries } = (await call("list_recoveries", { planId: "shop", status: "SUCCEEDED" })) as {
      recoveries: { executionId: string; mode: string; requestedBy: string }[];
    };
    expect(recoveries).toEqual([
      expect.objectContaining({ executionId, mode: "DRILL", requestedBy: "mcp:oncall" }),
    ]);

    const uri = `drs-orchestrator://executions/${executionId}/report`;
    const { resources } = await client.listResources();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uri, name: executionId, mimeType: "application/json" }),
        expect.objectContaining({ uri: "drs-orchestrator://plans/shop" }),
      ]),
    );
    const read = await client.readResource({ uri });
    const [content] = read.contents;
    const report = JSON.parse(content && "text" in content ? content.text : "");
    expect(report.summary).toMatchObject({ executionId, planId: "shop", mode: "DRILL", status: "SUCCEEDED" });
    expect(report.summary.approvals).toEqual([
      expect.objectContaining({
        wave: 3,
        status: "APPROVED",
        by: "mcp:oncall",
        comment: "app tier verified",
      }),
    ]);

    await expect(
      client.readResource({ uri: "drs-orchestrator://executions/shop-drill-0000000000000000/report" }),
    ).rejects.toMatchObject({ code: -32002 });
  });

  it("is cleaned up with cleanup_drill, once", async () => {
    const cleanup = await call("cleanup_drill", { executionId });
    expect(cleanup).toMatchObject({ executionId, delaySeconds: expect.any(Number) });
    expect(String(cleanup.cleanupExecutionArn)).toContain(`cleanup-${executionId}`);
    const again = await call("cleanup_drill", { executionId });
    expect(again).toMatchObject({
      executionId,
      alreadyStarted: true,
      cleanupExecutionArn: cleanup.cleanupExecutionArn,
    });
  });
});

describe("stopping drills through the MCP tools", () => {
  it("reject_wave aborts a drill at its gate", async () => {
    const { executionId } = (await call("start_recovery", {
      planId: SMALL_PLAN,
      reason: "gate rehearsal",
    })) as {
      executionId: string;
    };
    await follow(executionId, (status) => status.pendingApprovals.length > 0 || ended(status));
    const rejected = await call("reject_wave", { executionId, wave: 2, comment: "not today" });
    expect(rejected).toMatchObject({ wave: 2, status: "REJECTED", by: "mcp:oncall" });
    const last = (await follow(executionId, ended)).at(-1) as Status;
    expect(last.status).toBe("ABORTED");
    expect(await callError("approve_wave", { executionId, wave: 2 })).toContain("ApprovalClosedError");
  });

  it("cancel_recovery aborts a running drill, which may then start again; a second cancel changes nothing", async () => {
    const { executionId } = (await call("start_recovery", {
      planId: SMALL_PLAN,
      reason: "to be cancelled",
    })) as {
      executionId: string;
    };
    expect(await callError("start_recovery", { planId: SMALL_PLAN, reason: "second" })).toContain(
      "RecoveryInProgressError",
    );
    const cancelled = await call("cancel_recovery", { executionId, reason: "wrong window" });
    expect(cancelled).toEqual({ executionId, status: "ABORTED", alreadyEnded: false, cleanupExpected: true });
    const status = await call("get_recovery_status", { executionId });
    expect(status).toMatchObject({ status: "ABORTED" });

    const again = await call("cancel_recovery", { executionId, reason: "again" });
    expect(again).toMatchObject({ alreadyEnded: true, endedStatus: "ABORTED" });

    const restarted = await call("start_recovery", { planId: SMALL_PLAN, reason: "after the cancel" });
    await call("cancel_recovery", { executionId: restarted.executionId, reason: "test over" });
  });

  it("answers an unknown execution with what to check", async () => {
    const text = await callError("get_recovery_status", { executionId: "nope-drill-0" });
    expect(text).toContain("ExecutionNotFoundError");
    expect(text).toContain("check executionId: list_recoveries lists the executions");
  });
});
