import { spawn } from "node:child_process";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { localClientConfig } from "@drs-orchestrator/app";
import { type ApprovalRequired, type RecoveryStatus, summarizeRecovery } from "@drs-orchestrator/core";
import type { ApprovalItem, StartRecoveryResult } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";

/**
 * Approval gates in full drills on the deployed app: the three-tier example waits before its web
 * wave, announces the gate on the app's bus (seen through a rule there) and is decided with
 * `drs-orchestrator recover approve|reject` run as a child process against the local runtime.
 */

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;
const DEADLINE_MS = 60_000;

let env: DeployedApp;
/** Approval Required events delivered to a rule on the app's bus, as a subscriber gets them. */
const announced: { "detail-type": string; source: string; time: string; detail: ApprovalRequired }[] = [];

beforeAll(async () => {
  env = await startDeployedApp({ speed: 500 });
  env.local.lambda.register({
    name: "approval-subscriber",
    handler: async (event: unknown) => {
      announced.push(event as (typeof announced)[number]);
    },
  });
  const events = new EventBridgeClient(localClientConfig(env.local));
  await events.send(
    new PutRuleCommand({
      Name: "approval-subscriber",
      EventBusName: env.app.eventBusName,
      EventPattern: JSON.stringify({ source: ["drs-orchestrator"], "detail-type": ["Approval Required"] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "approval-subscriber",
      EventBusName: env.app.eventBusName,
      Targets: [
        {
          Id: "subscriber",
          Arn: `arn:aws:lambda:${env.local.region}:${env.local.accountId}:function:approval-subscriber`,
        },
      ],
    }),
  );
  events.destroy();
}, 30_000);

afterAll(() => env?.stop());

/** Runs the CLI in a child process with the deployed app's engine environment, as `local up` exports it. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env.local.env, ...env.app.environment },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, ...output })));
}

async function pendingGate(executionId: string, wave: number): Promise<ApprovalItem> {
  const begin = performance.now();
  for (;;) {
    const gates = await env.engine.executions.approvals(executionId);
    const gate = gates.find((item) => item.wave === wave && item.status === "PENDING" && item.notifiedAt);
    if (gate) return gate;
    if (performance.now() - begin > DEADLINE_MS)
      throw new Error(`no pending gate for wave ${wave} of ${executionId}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The servers of a wave that DRS was asked to launch (StartRecovery), across all jobs. */
function launchedByDrs(ids: readonly string[]): string[] {
  const wanted = new Set(ids);
  const launched = env.local.drs
    .jobs()
    .filter((job) => job.type === "LAUNCH")
    .flatMap((job) => (job.participatingServers ?? []).map((server) => server.sourceServerID as string))
    .filter((id) => wanted.has(id));
  return [...new Set(launched)];
}

/** A small plan on the estate's servers (apart from the other drills' servers), gated as given. */
function estatePlan(id: string, groups: Record<string, unknown>[]) {
  return {
    id,
    name: `Gate drill ${id}`,
    rto: "4h",
    rpo: "15m",
    launch: {
      rightSizing: "BASIC",
      subnetId: "subnet-0a1b2c3d4e5f60001",
      securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
    },
    groups,
    failure: { maxFailedPercent: 5, retries: 0, notReady: "skip" },
  };
}

async function report(started: StartRecoveryResult, status: RecoveryStatus) {
  const { executions } = env.engine;
  const [meta, waves, servers, approvals] = await Promise.all([
    executions.getMeta(started.executionId),
    executions.waves(started.executionId),
    executions.servers(started.executionId),
    executions.approvals(started.executionId),
  ]);
  if (!meta) throw new Error(`no META for ${started.executionId}`);
  return summarizeRecovery({
    execution: meta,
    outcome: { status, ...(meta.endedAt !== undefined && { endedAt: meta.endedAt }) },
    waves,
    servers,
    approvals,
  });
}

describe("approval gates in a drill", () => {
  it("the three-tier example waits before its web wave, announces it, and launches it once approved from the CLI", async () => {
    const planId = await env.applyPlan("three-tier.yaml");
    const started = await env.startDrill(planId);
    const gate = await pendingGate(started.executionId, 3);

    // Waves 1 and 2 went through their gates without a record or an event; web has not launched.
    expect((await env.engine.executions.approvals(started.executionId)).map((item) => item.wave)).toEqual([
      3,
    ]);
    const web = (await env.engine.executions.servers(started.executionId, 3))
      .map((s) => s.sourceServerId)
      .sort();
    const earlier = (await env.engine.executions.servers(started.executionId))
      .filter((server) => server.wave < 3)
      .map((server) => server.sourceServerId);
    expect(launchedByDrs(web)).toEqual([]);
    expect(launchedByDrs(earlier).sort()).toEqual([...earlier].sort());

    await env.local.events.idle();
    const mine = announced.filter((event) => event.detail.executionId === started.executionId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      source: "drs-orchestrator",
      "detail-type": "Approval Required",
      detail: {
        executionId: started.executionId,
        planId: "shop",
        wave: 3,
        groups: ["web"],
        sourceServerIds: web,
        serverCount: 3,
        approvers: [],
        expiresAt: gate.expiresAt,
      },
    });

    const approve = await cli([
      "recover",
      "approve",
      started.executionId,
      "--wave",
      "3",
      "--as",
      "alice",
      "--comment",
      "web tier checked",
    ]);
    expect(approve.stdout.trim()).toBe(
      `wave 3 of ${started.executionId} approved by alice (web tier checked): the wave launches`,
    );
    expect(approve.code).toBe(0);

    const ended = await env.waitForEnd(started, DEADLINE_MS);
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta.summary).toMatchObject({ servers: 9, healthy: 9 });
    expect(launchedByDrs(web).sort()).toEqual(web);

    const [again, opposite] = await Promise.all([
      cli(["recover", "approve", started.executionId, "--wave", "3", "--as", "bob"]),
      cli(["recover", "reject", started.executionId, "--wave", "3", "--as", "bob"]),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`wave 3 of ${started.executionId} was already approved by alice at `);
    expect(opposite.code).toBe(1);
    expect(opposite.stderr).toContain("is closed: it was already approved by alice");

    const summary = await report(started, "SUCCEEDED");
    expect(summary.approvals).toEqual([
      {
        wave: 3,
        status: "APPROVED",
        requestedAt: gate.requestedAt,
        expiresAt: gate.expiresAt,
        decidedAt: expect.any(String),
        by: "alice",
        comment: "web tier checked",
      },
    ]);
    expect(announced.filter((event) => event.detail.executionId === started.executionId)).toHaveLength(1);
  });

  it("a rejection from the CLI aborts the drill with the reason, and the gated wave never launches", async () => {
    const planId = await env.applyPlan(
      estatePlan("gate-reject", [
        { id: "dns", select: { tags: { app: "estate", tier: "dns" } } },
        {
          id: "identity",
          select: { tags: { app: "estate", tier: "identity" } },
          dependsOn: ["dns"],
          approval: true,
        },
        { id: "cache", select: { tags: { app: "estate", tier: "cache" } }, dependsOn: ["identity"] },
      ]),
    );
    const started = await env.startDrill(planId);
    await pendingGate(started.executionId, 2);

    const reject = await cli([
      "recover",
      "reject",
      started.executionId,
      "--wave",
      "2",
      "--as",
      "bob",
      "--comment",
      "identity provider not in sync",
    ]);
    expect(reject.stdout.trim()).toBe(
      `wave 2 of ${started.executionId} rejected by bob (identity provider not in sync): ` +
        "the recovery is aborted (a drill is cleaned up)",
    );
    expect(reject.code).toBe(0);

    const ended = await env.waitForEnd(started, DEADLINE_MS);
    expect(ended.status).toBe("FAILED");
    expect(ended.error).toBe("RecoveryAborted");
    expect(ended.meta).toMatchObject({
      status: "ABORTED",
      error: "RecoveryAborted",
      cause: "wave 2 rejected by bob: identity provider not in sync",
    });

    const servers = await env.engine.executions.servers(started.executionId);
    const byWave = (wave: number) => servers.filter((s) => s.wave === wave).map((s) => s.sourceServerId);
    expect(launchedByDrs(byWave(1)).sort()).toEqual(byWave(1).sort());
    expect(launchedByDrs([...byWave(2), ...byWave(3)])).toEqual([]);
    expect(servers.filter((s) => s.wave > 1).every((s) => s.status === "PENDING")).toBe(true);

    const summary = await report(started, "ABORTED");
    expect(summary.approvals).toMatchObject([
      { wave: 2, status: "REJECTED", by: "bob", comment: "identity provider not in sync" },
    ]);
    const late = await cli(["recover", "approve", started.executionId, "--wave", "2", "--as", "alice"]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("it was already rejected by bob");
  });

  it("a gate nobody decides expires after the plan's timeout and aborts the drill", async () => {
    const planId = await env.applyPlan(
      estatePlan("gate-timeout", [
        { id: "queue", select: { tags: { app: "estate", tier: "queue" } }, approval: { timeout: "10m" } },
        { id: "edge", select: { tags: { app: "estate", tier: "edge" } }, dependsOn: ["queue"] },
      ]),
    );
    const started = await env.startDrill(planId);
    const ended = await env.waitForEnd(started, DEADLINE_MS);
    const [gate] = await env.engine.executions.approvals(started.executionId);
    expect(gate).toMatchObject({ wave: 1, status: "EXPIRED", timeoutSeconds: 600 });
    expect(ended.status).toBe("FAILED");
    expect(ended.error).toBe("RecoveryAborted");
    expect(ended.meta).toMatchObject({ status: "ABORTED", cause: "approval for wave 1 expired after 10m" });
    expect(Date.parse(ended.meta.endedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(gate?.expiresAt as string),
    );
    const servers = await env.engine.executions.servers(started.executionId);
    expect(launchedByDrs(servers.map((s) => s.sourceServerId))).toEqual([]);
    expect((await report(started, "ABORTED")).approvals).toMatchObject([{ wave: 1, status: "EXPIRED" }]);
    await env.local.events.idle();
    expect(announced.filter((event) => event.detail.executionId === started.executionId)).toHaveLength(1);

    const late = await cli(["recover", "approve", started.executionId, "--wave", "1"]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("approval for wave 1 expired after 10m");
  });

  it("the CLI refuses a missing wave and an approver the plan does not list", async () => {
    const planId = await env.applyPlan(
      estatePlan("gate-approvers", [
        {
          id: "reporting",
          select: { tags: { app: "estate", tier: "db-reporting" } },
          approval: { approvers: ["db-oncall"] },
        },
      ]),
    );
    const started = await env.startDrill(planId);
    await pendingGate(started.executionId, 1);

    const [usage, refused] = await Promise.all([
      cli(["recover", "approve", started.executionId]),
      cli(["recover", "approve", started.executionId, "--wave", "1", "--as", "mallory"]),
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--wave is required");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "mallory may not decide the approval of wave 1: the plan lists db-oncall as approvers\n",
    );
    const approved = await cli([
      "recover",
      "approve",
      started.executionId,
      "--wave",
      "1",
      "--as",
      "db-oncall",
    ]);
    expect(approved.code).toBe(0);
    expect((await env.waitForEnd(started, DEADLINE_MS)).status).toBe("SUCCEEDED");
  });
});
