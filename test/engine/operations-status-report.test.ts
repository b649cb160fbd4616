import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { ExecutionNotFoundError, InvalidInputError } from "@drs-orchestrator/core";
import {
  cleanupExecutionName,
  decideApproval,
  executionArnOf,
  getRecoveryStatus,
  loadRecoveryReport,
  type RecoveryStatusView,
  recoveryViewStatus,
  startDrillCleanup,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";
import { rejection, until as waitUntil } from "../support/waiting";

/**
 * Status and report of a real drill of the three-tier example on the deployed app: while it waits
 * at the approval gate of its web wave, after it ends, and with the drill's cleanup.
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

describe("recoveryViewStatus", () => {
  it("is STARTING until META exists, META's once it ended, and the workflow's end when META still runs", () => {
    expect(recoveryViewStatus("RUNNING", undefined)).toBe("STARTING");
    expect(recoveryViewStatus("RUNNING", "RUNNING")).toBe("RUNNING");
    expect(recoveryViewStatus("FAILED", "ABORTED")).toBe("ABORTED");
    expect(recoveryViewStatus("RUNNING", "SUCCEEDED")).toBe("SUCCEEDED");
    expect(recoveryViewStatus("ABORTED", "RUNNING")).toBe("ABORTED");
    expect(recoveryViewStatus("TIMED_OUT", "RUNNING")).toBe("TIMED_OUT");
    expect(recoveryViewStatus("FAILED", undefined)).toBe("FAILED");
    expect(recoveryViewStatus("PENDING_REDRIVE", "RUNNING")).toBe("FAILED");
    expect(recoveryViewStatus(undefined, "RUNNING")).toBe("RUNNING");
  });
});

describe("status and report of a drill", () => {
  it("follows the three-tier drill through its gate to the end, and reports it with its cleanup", async () => {
    const planId = await env.applyPlan("three-tier.yaml");
    const started = await env.startDrill(planId);
    const { executionId } = started;

    const first = await getRecoveryStatus(env.engine, executionId, { now: now() });
    expect(first).toMatchObject({ executionId, executionArn: started.executionArn, mode: "DRILL" });
    expect(["STARTING", "RUNNING"]).toContain(first.status);

    // Waves 1 and 2 launch and turn healthy; wave 3 waits at its gate.
    const gated = await until("the web wave's gate", async () => {
      const status = await getRecoveryStatus(env.engine, executionId, { now: now() });
      return status.pendingApprovals.length > 0 ? status : undefined;
    });
    const meta = await env.engine.executions.getMeta(executionId);
    expect(gated).toMatchObject({
      planId: "shop",
      planVersion: 1,
      planName: "Three-tier web shop",
      mode: "DRILL",
      status: "RUNNING",
      workflowStatus: "RUNNING",
      requestedBy: "workflow-tests",
      reason: "workflow test drill",
      startedAt: meta?.startedAt,
      counts: { servers: 9, pending: 3, launching: 0, launched: 0, healthy: 6, failed: 0 },
      pendingApprovals: [{ wave: 3, approvers: [], expiresAt: expect.any(String) }],
    });
    expect(gated.endedAt).toBeUndefined();
    expect(gated.servers).toBeUndefined();
    expect(
      gated.waves.map((wave) => [wave.wave, wave.groupIds, wave.status, wave.healthy, wave.awaitingApproval]),
    ).toEqual([
      [1, ["db"], "COMPLETED", 3, false],
      [2, ["app"], "COMPLETED", 3, false],
      [3, ["web"], "PENDING", 0, true],
    ]);
    expect(gated.waves[0]?.startedAt).toBeDefined();
    expect(gated.waves[0]?.completedAt).toBeDefined();
    expect(gated.rto.targetSeconds).toBe(2700);
    expect(gated.rto.elapsedSeconds).toBe(gated.elapsedSeconds);
    // The simulated clock runs on while the test reads, so how much of the target is left varies with the load.
    expect(gated.rto.remainingSeconds).toBe(Math.max(0, 2700 - gated.elapsedSeconds));
    expect(gated.rto.breached).toBe(gated.elapsedSeconds > 2700);
    expect(gated.rto.achievedSeconds).toBeUndefined();

    const withServers = await getRecoveryStatus(env.engine, executionId, { now: now(), servers: true });
    expect(withServers.servers).toHaveLength(9);
    expect(withServers.servers?.map((server) => server.wave)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    for (const server of withServers.servers?.slice(0, 6) ?? []) {
      expect(server).toMatchObject({
        status: "HEALTHY",
        attempts: 1,
        ec2InstanceId: expect.stringMatching(/^i-/),
        privateIp: expect.any(String),
        launchedAt: expect.any(String),
        healthyAt: expect.any(String),
        hostname: expect.stringMatching(/^shop-/),
      });
    }
    expect(withServers.servers?.slice(6).map((server) => [server.groupId, server.status])).toEqual([
      ["web", "PENDING"],
      ["web", "PENDING"],
      ["web", "PENDING"],
    ]);

    // A running execution's report is a snapshot.
    const running = await loadRecoveryReport(env.engine, executionId, now());
    expect(running.summary).toMatchObject({
      executionId,
      status: "RUNNING",
      counts: { servers: 9, healthy: 6 },
    });
    expect(running.cleanup).toBeUndefined();

    await decideApproval(
      env.engine,
      { executionId, wave: 3, decision: "APPROVE", by: "ops-tests", comment: "go" },
      now(),
    );
    const ended = await env.waitForEnd(started, DEADLINE_MS);
    expect(ended.status).toBe("SUCCEEDED");

    const done: RecoveryStatusView = await getRecoveryStatus(env.engine, executionId, { now: now() });
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      workflowStatus: "SUCCEEDED",
      endedAt: ended.meta.endedAt,
      counts: { servers: 9, pending: 0, launching: 0, launched: 0, healthy: 9, failed: 0 },
      pendingApprovals: [],
      rto: {
        targetSeconds: 2700,
        achievedSeconds: ended.meta.summary?.rtoAchievedSeconds,
      },
    });
    expect(done.rto.breached).toBe((done.rto.achievedSeconds as number) > 2700);
    expect(done.rto.remainingSeconds).toBeUndefined();
    expect(done.elapsedSeconds).toBe(
      Math.round((Date.parse(ended.meta.endedAt as string) - Date.parse(ended.meta.startedAt)) / 1000),
    );
    expect(done.waves.every((wave) => wave.status === "COMPLETED" && !wave.awaitingApproval)).toBe(true);

    // The plan holds the cleanup for 2h after a successful drill; a request now ends the hold.
    await startDrillCleanup({ executionId }, env.engine);
    const cleanupArn = executionArnOf(
      env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
      cleanupExecutionName(executionId),
    );
    await until("the drill cleanup's end", async () => {
      const { status } = await env.sfn.send(new DescribeExecutionCommand({ executionArn: cleanupArn }));
      return status === "RUNNING" ? undefined : status;
    });

    const generatedAt = now();
    const report = await loadRecoveryReport(env.engine, executionId, generatedAt);
    expect(report.generatedAt).toBe(generatedAt.toISOString());
    expect(report.summary).toMatchObject({
      executionId,
      planId: "shop",
      status: "SUCCEEDED",
      endedAt: ended.meta.endedAt,
      counts: { servers: 9, launched: 9, healthy: 9, failed: 0 },
      approvals: [{ wave: 3, status: "APPROVED", by: "ops-tests", comment: "go" }],
    });
    expect(report.summary.servers).toHaveLength(9);
    expect(report.summary.hooks.map((hook) => hook.phase)).toContain("beforeRecovery");
    expect(report.cleanup?.status).toBe("SUCCEEDED");
    expect([...(report.cleanup?.terminatedInstanceIds ?? [])].sort()).toEqual(
      report.summary.servers.map((server) => server.ec2InstanceId).sort(),
    );
  });

  it("answers an unknown execution with ExecutionNotFoundError and an empty ID with the field", async () => {
    const unknown = await rejection(
      getRecoveryStatus(env.engine, "shop-drill-0000000000000000", { now: now() }),
    );
    expect(unknown).toBeInstanceOf(ExecutionNotFoundError);
    expect(unknown.message).toContain("recover list");
    expect(
      await rejection(loadRecoveryReport(env.engine, "shop-drill-0000000000000000", now())),
    ).toBeInstanceOf(ExecutionNotFoundError);
    const empty = await rejection(getRecoveryStatus(env.engine, "", { now: now() }));
    expect(empty).toBeInstanceOf(InvalidInputError);
    expect((empty as InvalidInputError).problems.map((problem) => problem.path)).toEqual(["executionId"]);
  });
});
