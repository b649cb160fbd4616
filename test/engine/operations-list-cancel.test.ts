import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ExecutionNotFoundError, InvalidInputError } from "@drs-orchestrator/core";
import {
  activeRun,
  cancelRecovery,
  cleanupExecutionName,
  drillCleanupReport,
  executionArnOf,
  getRecoveryStatus,
  keys,
  listRecoveries,
  type StartRecoveryResult,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";
import { exampleFleet } from "../support/local-engine";
import { rejection, until as waitUntil } from "../support/waiting";

/**
 * Cancelling and listing executions on the deployed app: a drill of the three-tier example stopped
 * while it waits at its approval gate (two waves launched), a small drill left to succeed, and the
 * list of both with its filters.
 */

const DEADLINE_MS = 40_000;

let env: DeployedApp;

beforeAll(async () => {
  env = await startDeployedApp();
}, 30_000);

afterAll(() => env?.stop());

const now = () => env.local.clock.now();

function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  return waitUntil(what, read, DEADLINE_MS);
}

async function describeExecution(executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}

/** Starts a drill of the shop and waits until it holds at the web wave's gate, waves 1 and 2 healthy. */
async function shopDrillAtGate(): Promise<StartRecoveryResult> {
  const started = await env.startDrill("shop");
  await until("the web wave's gate", async () => {
    const status = await getRecoveryStatus(env.engine, started.executionId, { now: now() });
    return status.pendingApprovals.length > 0 ? status : undefined;
  });
  return started;
}

describe("cancelRecovery", () => {
  it("stops a running drill, closes it ABORTED, frees its servers and plan, and the drill-ended rule cleans it up", async () => {
    await env.applyPlan("three-tier.yaml");
    const started = await shopDrillAtGate();
    const { executionId } = started;
    const servers = await env.engine.executions.servers(executionId);
    const launched = servers.filter((server) => server.ec2InstanceId !== undefined);
    expect(launched).toHaveLength(6);

    const cancelledAt = now();
    const result = await cancelRecovery(
      env.engine,
      { executionId, reason: "the drill window closed", requestedBy: "ops-tests" },
      cancelledAt,
    );
    expect(result).toEqual({ executionId, status: "ABORTED", alreadyEnded: false, cleanupExpected: true });

    const workflow = await describeExecution(started.executionArn);
    expect(workflow).toMatchObject({
      status: "ABORTED",
      error: "RecoveryCancelled",
      cause: "cancelled by ops-tests: the drill window closed",
    });
    // Closed as of the workflow's stop, whether the cancel or the execution-status rule got there first.
    const stoppedAt = workflow?.stopDate?.toISOString() as string;
    expect(Date.parse(stoppedAt)).toBeGreaterThanOrEqual(cancelledAt.getTime());
    const meta = await env.engine.executions.getMeta(executionId);
    expect(meta).toMatchObject({
      status: "ABORTED",
      endedAt: stoppedAt,
      error: "RecoveryCancelled",
      cause: "cancelled by ops-tests: the drill window closed",
      summary: { servers: 9, healthy: 6, notLaunched: 3, rtoBreached: true },
    });

    // The locks of all nine servers and the plan's active run are released.
    for (const server of servers) {
      const lock = await env.engine.executions.get<{ executionId: string; releasedAt?: string }>(
        keys.lock(server.sourceServerId),
      );
      expect(lock).toMatchObject({ executionId, releasedAt: expect.any(String) });
    }
    expect(await activeRun(env.engine, "shop")).toBeUndefined();

    const status = await getRecoveryStatus(env.engine, executionId, { now: now() });
    expect(status).toMatchObject({
      status: "ABORTED",
      workflowStatus: "ABORTED",
      endedAt: stoppedAt,
      error: "RecoveryCancelled",
      pendingApprovals: [],
      rto: { breached: true },
    });
    expect(status.waves.map((wave) => [wave.status, wave.awaitingApproval])).toEqual([
      ["COMPLETED", false],
      ["COMPLETED", false],
      ["PENDING", false],
    ]);

    // The rule on the workflow's status change starts the cleanup of the stopped drill at once.
    const cleanupArn = executionArnOf(
      env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
      cleanupExecutionName(executionId),
    );
    const cleanup = await until("the drill cleanup's end", async () => {
      const description = await describeExecution(cleanupArn);
      return description && description.status !== "RUNNING" ? description : undefined;
    });
    expect(cleanup.status).toBe("SUCCEEDED");
    expect(JSON.parse(cleanup.input ?? "{}")).toEqual({ executionId });
    const report = await drillCleanupReport(env.engine, executionId);
    expect([...(report?.terminatedInstanceIds ?? [])].sort()).toEqual(
      launched.map((server) => server.ec2InstanceId).sort(),
    );

    // Cancelling again changes nothing.
    const closed = await env.engine.executions.getMeta(executionId);
    const again = await cancelRecovery(
      env.engine,
      { executionId, reason: "again", requestedBy: "someone-else" },
      now(),
    );
    expect(again).toEqual({
      executionId,
      status: "ABORTED",
      alreadyEnded: true,
      endedStatus: "ABORTED",
      cleanupExpected: false,
    });
    expect(await env.engine.executions.getMeta(executionId)).toEqual(closed);

    // The plan starts again, on the same servers.
    const next = await shopDrillAtGate();
    expect(next.executionId).not.toBe(executionId);
    expect(
      (
        await cancelRecovery(
          env.engine,
          { executionId: next.executionId, reason: "done", requestedBy: "ops-tests" },
          now(),
        )
      ).alreadyEnded,
    ).toBe(false);
  });

  it("closes an execution whose workflow was stopped outside the product and whose status change was lost", async () => {
    const started = await shopDrillAtGate();
    const { executionId } = started;
    const reattach = await env.detachRule("execution-ended");
    await env.sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn, cause: "stopped in the console" }),
    );
    // Only the execution-status rule closes such an execution by itself; its event went nowhere.
    await reattach();

    // The stopped workflow wins over META, which nothing will finalize.
    const stopped = await getRecoveryStatus(env.engine, executionId, { now: now() });
    expect(stopped).toMatchObject({ status: "ABORTED", workflowStatus: "ABORTED", pendingApprovals: [] });
    expect((await env.engine.executions.getMeta(executionId))?.status).toBe("RUNNING");
    expect((await activeRun(env.engine, "shop"))?.executionId).toBe(executionId);

    const result = await cancelRecovery(
      env.engine,
      { executionId, reason: "tidy up", requestedBy: "ops-tests" },
      now(),
    );
    expect(result).toEqual({ executionId, status: "ABORTED", alreadyEnded: false, cleanupExpected: true });
    expect(await env.engine.executions.getMeta(executionId)).toMatchObject({
      status: "ABORTED",
      error: "RecoveryCancelled",
      cause: "cancelled by ops-tests: tidy up (its workflow had ended ABORTED without closing the execution)",
    });
    expect(await activeRun(env.engine, "shop")).toBeUndefined();
    for (const server of await env.engine.executions.servers(executionId)) {
      const lock = await env.engine.executions.get<{ releasedAt?: string }>(keys.lock(server.sourceServerId));
      expect(lock?.releasedAt).toBeDefined();
    }
  });

  it("leaves an execution that ended on its own as it is", async () => {
    const fleet = await exampleFleet();
    const planId = await env.applyPlan({
      id: "cache-drill",
      name: "Cache drill",
      rto: "2h",
      rpo: "15m",
      launch: { subnetId: "subnet-0a1b2c3d4e5f60001", securityGroupIds: ["sg-0a1b2c3d4e5f60001"] },
      groups: [{ id: "cache", select: { sourceServerIds: pickServers(fleet, { tier: "cache" }, 2) } }],
    });
    const ended = await env.drill(planId, DEADLINE_MS);
    expect(ended.status).toBe("SUCCEEDED");

    const result = await cancelRecovery(
      env.engine,
      { executionId: ended.meta.executionId, reason: "too late", requestedBy: "ops-tests" },
      now(),
    );
    expect(result).toEqual({
      executionId: ended.meta.executionId,
      status: "ABORTED",
      alreadyEnded: true,
      endedStatus: "SUCCEEDED",
      cleanupExpected: false,
    });
    expect(await env.engine.executions.getMeta(ended.meta.executionId)).toEqual(ended.meta);
    expect((await describeExecution(ended.executionArn))?.status).toBe("SUCCEEDED");
  });

  it("answers an unknown execution with ExecutionNotFoundError and a request without a reason with the field", async () => {
    expect(
      await rejection(
        cancelRecovery(
          env.engine,
          { executionId: "shop-drill-0000000000000000", reason: "x", requestedBy: "ops-tests" },
          now(),
        ),
      ),
    ).toBeInstanceOf(ExecutionNotFoundError);
    const bad = await rejection(
      cancelRecovery(
        env.engine,
        { executionId: "shop-drill-0000000000000000", reason: " ", requestedBy: "" },
        now(),
      ),
    );
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).problems.map((problem) => problem.path)).toEqual([
      "reason",
      "requestedBy",
    ]);
  });
});

describe("listRecoveries", () => {
  it("lists the executions newest first with plan, mode and status, filtered by plan and status, up to the limit", async () => {
    const all = await listRecoveries(env.engine);
    expect(all.map((entry) => [entry.planId, entry.status])).toEqual([
      ["cache-drill", "SUCCEEDED"],
      ["shop", "ABORTED"],
      ["shop", "ABORTED"],
      ["shop", "ABORTED"],
    ]);
    for (const entry of all) {
      expect(entry).toMatchObject({
        mode: "DRILL",
        requestedBy: "workflow-tests",
        executionArn: executionArnOf(env.engine.config.recoveryStateMachineArn, entry.executionId),
        endedAt: expect.any(String),
      });
      expect(Date.parse(entry.endedAt as string)).toBeGreaterThanOrEqual(Date.parse(entry.startedAt));
    }
    const starts = all.map((entry) => Date.parse(entry.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));

    const shop = await listRecoveries(env.engine, { planId: "shop" });
    expect(shop.map((entry) => entry.executionId)).toEqual(all.slice(1).map((entry) => entry.executionId));
    expect(await listRecoveries(env.engine, { planId: "sho" })).toEqual([]);
    expect(await listRecoveries(env.engine, { status: "SUCCEEDED" })).toEqual([all[0]]);
    expect(await listRecoveries(env.engine, { planId: "shop", status: "SUCCEEDED" })).toEqual([]);
    expect(await listRecoveries(env.engine, { planId: "shop", limit: 1 })).toEqual([all[1]]);
    expect(await listRecoveries(env.engine, { mode: "RECOVERY" })).toEqual([]);

    const running = await env.startDrill("shop");
    const listed = await until("the new drill in the list", async () => {
      const entries = await listRecoveries(env.engine, { status: "RUNNING" });
      return entries.length > 0 ? entries : undefined;
    });
    expect(listed).toEqual([
      expect.objectContaining({ executionId: running.executionId, planId: "shop", status: "RUNNING" }),
    ]);
    expect(listed[0]?.endedAt).toBeUndefined();
    await cancelRecovery(
      env.engine,
      { executionId: running.executionId, reason: "list test", requestedBy: "ops-tests" },
      now(),
    );

    const bad = await rejection(listRecoveries(env.engine, { limit: 0, status: "DONE" as never }));
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).problems.map((problem) => problem.path).sort()).toEqual([
      "limit",
      "status",
    ]);
  });
});
