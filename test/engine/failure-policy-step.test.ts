import {
  applyFailurePolicy,
  type BatchItem,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";

let env: LocalEngine;
beforeAll(async () => {
  env = await startLocalEngine();
});
afterAll(() => env.stop());

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const T0 = "2026-11-21T10:00:00.000Z";
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

type SeedServer = Partial<ServerItem> & { n: number; status: ServerItem["status"] };

/**
 * An execution after a wave's launches and health checks, as prepare, the launch steps and
 * check-health leave it: META with the plan's failure policy, the wave, its first-round batch
 * and its servers, launched by job drsjob-…1.
 */
async function seed(
  executionId: string,
  policy: Pick<ExecutionMeta, "retries" | "maxFailedPercent">,
  servers: SeedServer[],
): Promise<void> {
  const wave: WaveItem = {
    executionId,
    wave: 1,
    groupIds: ["db", "app"],
    serverCount: servers.length,
    status: "CHECKING_HEALTH",
    attempt: 0,
    startedAt: at(0),
    healthCheckedAt: at(900),
  };
  const batch: BatchItem = {
    executionId,
    wave: 1,
    attempt: 0,
    batchId: "w1-b1",
    sourceServerIds: servers.map((s) => sid(s.n)),
    status: "STARTED",
    jobId: "drsjob-00000000000000001",
    startedAt: at(5),
  };
  const meta: ExecutionMeta = {
    executionId,
    planId: "policy",
    planVersion: 1,
    planName: "Policy",
    mode: "DRILL",
    status: "RUNNING",
    requestedBy: "test",
    reason: "failure policy",
    startedAt: at(0),
    waveCount: 1,
    serverCount: servers.length,
    rtoSeconds: 3600,
    rpoSeconds: 300,
    skipped: [],
    ...policy,
  };
  await env.engine.executions.putAll([
    { ...keys.meta(executionId), ...meta },
    { ...keys.wave(executionId, 1), ...wave },
    { ...keys.batch(executionId, 1, batch.batchId), ...batch },
    ...servers.map(({ n, ...server }) => {
      const launched = server.status !== "FAILED";
      return {
        ...keys.server(executionId, 1, sid(n)),
        executionId,
        sourceServerId: sid(n),
        wave: 1,
        groupId: "app",
        critical: false,
        attempts: 1,
        jobId: "drsjob-00000000000000001",
        launchStartedAt: at(5),
        ...(launched && { launchedAt: at(400), ec2InstanceId: `i-${n.toString().padStart(17, "0")}` }),
        ...(server.status === "HEALTHY" && { healthyAt: at(800) }),
        ...(server.status === "FAILED" && { failedAt: at(300) }),
        ...(server.status === "UNHEALTHY" && { unhealthyAt: at(900) }),
        ...server,
      };
    }),
  ]);
}

const run = (executionId: string, now: string) =>
  applyFailurePolicy({ executionId, wave: 1, now }, env.engine);
const wave = (executionId: string) => env.engine.executions.getWave(executionId, 1);
const server = (executionId: string, n: number) =>
  env.engine.executions.get<ServerItem>(keys.server(executionId, 1, sid(n)));
const batchesOf = async (executionId: string, attempt: number) =>
  (await env.engine.executions.batches(executionId, 1)).filter((b) => b.attempt === attempt);

describe("apply-failure-policy", () => {
  it("retries a failed launch: one new batch with only the failed server, reset to PENDING with its history", async () => {
    await seed("exec-retry", { retries: 1, maxFailedPercent: 0 }, [
      { n: 1, status: "HEALTHY" },
      { n: 2, status: "FAILED", failureReason: "launch failed: InsufficientInstanceCapacity" },
      { n: 3, status: "HEALTHY" },
    ]);

    const decision = await run("exec-retry", at(950));
    expect(decision).toEqual({
      action: "RETRY",
      reason: `1 of 3 servers of wave 1 failed: ${sid(2)} (launch failed: InsufficientInstanceCapacity); relaunching them (retry 1 of 1)`,
      failedServers: 1,
    });
    const retryBatches = await batchesOf("exec-retry", 1);
    expect(retryBatches).toEqual([
      expect.objectContaining({
        batchId: "w1-a1-b1",
        attempt: 1,
        status: "PENDING",
        sourceServerIds: [sid(2)],
      }),
    ]);
    expect(retryBatches[0]?.jobId).toBeUndefined();
    expect(await wave("exec-retry")).toMatchObject({
      attempt: 1,
      status: "LAUNCHING",
      failurePolicy: { attempt: 0, action: "RETRY", failedServers: 1, decidedAt: at(950) },
    });
    const reset = await server("exec-retry", 2);
    expect(reset).toMatchObject({
      status: "PENDING",
      attempts: 1,
      attemptHistory: [
        {
          attempt: 0,
          status: "FAILED",
          jobId: "drsjob-00000000000000001",
          launchStartedAt: at(5),
          failedAt: at(300),
          failureReason: "launch failed: InsufficientInstanceCapacity",
        },
      ],
    });
    for (const field of ["jobId", "launchStartedAt", "failedAt", "failureReason"] as const) {
      expect(reset?.[field]).toBeUndefined();
    }
    expect(await server("exec-retry", 1)).toMatchObject({ status: "HEALTHY", healthyAt: at(800) });

    // The step retried by the workflow returns the same decision and writes nothing new.
    expect(await run("exec-retry", at(950))).toEqual(decision);
    expect(await batchesOf("exec-retry", 1)).toHaveLength(1);
    expect((await wave("exec-retry"))?.attempt).toBe(1);

    // The relaunch succeeds: the next decision ends the wave COMPLETED.
    await env.engine.executions.update(keys.server("exec-retry", 1, sid(2)), {
      status: "HEALTHY",
      attempts: 2,
      jobId: "drsjob-00000000000000002",
      launchedAt: at(1400),
      healthyAt: at(1700),
    });
    expect(await run("exec-retry", at(1750))).toEqual({
      action: "CONTINUE",
      reason: "wave 1: all 3 servers recovered",
      failedServers: 0,
    });
    expect(await wave("exec-retry")).toMatchObject({
      status: "COMPLETED",
      completedAt: at(1750),
      attempt: 1,
    });
  });

  it("finishes a retry that stopped half-way: servers already reset still go into the new batch", async () => {
    await seed("exec-half", { retries: 2, maxFailedPercent: 0 }, [
      { n: 11, status: "UNHEALTHY", failureReason: "status checks not passed within 15m" },
      { n: 12, status: "HEALTHY" },
    ]);
    // A previous run reset the server, then died before writing the batch and bumping the wave.
    await env.engine.executions.update(
      keys.server("exec-half", 1, sid(11)),
      {
        status: "PENDING",
        attemptHistory: [
          { attempt: 0, status: "UNHEALTHY", failureReason: "status checks not passed within 15m" },
        ],
      },
      { remove: ["failureReason", "jobId"] },
    );
    const decision = await run("exec-half", at(950));
    expect(decision.action).toBe("RETRY");
    expect(decision.reason).toContain(`${sid(11)} (status checks not passed within 15m)`);
    expect((await batchesOf("exec-half", 1)).map((b) => b.sourceServerIds)).toEqual([[sid(11)]]);
    expect((await server("exec-half", 11))?.attemptHistory).toHaveLength(1);
    expect((await wave("exec-half"))?.attempt).toBe(1);
  });

  it("aborts when a server of a critical group failed and no retries are left", async () => {
    await seed("exec-critical", { retries: 0, maxFailedPercent: 100 }, [
      { n: 21, status: "FAILED", groupId: "db", critical: true, failureReason: "launch failed: capacity" },
      {
        n: 22,
        status: "UNHEALTHY",
        groupId: "db",
        critical: true,
        failureReason: "status checks not passed within 15m",
      },
      { n: 23, status: "HEALTHY", groupId: "db", critical: true },
      { n: 24, status: "HEALTHY" },
    ]);
    const decision = await run("exec-critical", at(950));
    expect(decision).toEqual({
      action: "ABORT",
      reason: `2 of 3 servers in critical group db failed: ${sid(21)} (launch failed: capacity), ${sid(22)} (status checks not passed within 15m)`,
      failedServers: 2,
    });
    expect(await wave("exec-critical")).toMatchObject({
      status: "ABORTED",
      completedAt: at(950),
      attempt: 0,
    });
    expect(await batchesOf("exec-critical", 1)).toEqual([]);
    expect(await server("exec-critical", 21)).toMatchObject({ status: "FAILED" });
    expect(await run("exec-critical", at(960))).toEqual(decision);
    expect((await wave("exec-critical"))?.completedAt).toBe(at(950));
  });

  it("respects maxFailedPercent at the boundary: exactly the limit continues, one more server aborts", async () => {
    const wave10 = (failed: number): SeedServer[] =>
      Array.from({ length: 10 }, (_, i) => ({
        n: 100 + i,
        status: i < failed ? "FAILED" : "HEALTHY",
        ...(i < failed && { failureReason: "launch failed: capacity" }),
      }));
    await seed("exec-at-limit", { retries: 0, maxFailedPercent: 10 }, wave10(1));
    const atLimit = await run("exec-at-limit", at(950));
    expect(atLimit.action).toBe("CONTINUE");
    expect(atLimit.reason).toMatch(/^1 of 10 servers of wave 1 failed \(10%\), within the 10%/);
    // The wave did not fully recover: FAILED, while the recovery goes on.
    expect(await wave("exec-at-limit")).toMatchObject({ status: "FAILED", completedAt: at(950) });
    expect(await server("exec-at-limit", 100)).toMatchObject({ status: "FAILED" });

    await seed("exec-above-limit", { retries: 0, maxFailedPercent: 10 }, wave10(2));
    const above = await run("exec-above-limit", at(950));
    expect(above.action).toBe("ABORT");
    expect(above.reason).toMatch(/^2 of 10 servers of wave 1 failed \(20%\), more than the 10%/);
    expect((await wave("exec-above-limit"))?.status).toBe("ABORTED");
  });

  it("splits a large relaunch into batches within the DRS quotas", async () => {
    const servers: SeedServer[] = Array.from({ length: 250 }, (_, i) => ({
      n: 1000 + i,
      status: i % 2 === 0 ? "FAILED" : "HEALTHY",
    }));
    await seed("exec-large", { retries: 3, maxFailedPercent: 0 }, servers);
    const decision = await run("exec-large", at(950));
    expect(decision).toMatchObject({ action: "RETRY", failedServers: 125 });
    expect(decision.reason).toMatch(/and 120 more; relaunching them \(retry 1 of 3\)$/);
    const batches = await batchesOf("exec-large", 1);
    expect(batches.map((b) => b.sourceServerIds.length).sort()).toEqual([62, 63]);
    expect(new Set(batches.flatMap((b) => b.sourceServerIds)).size).toBe(125);
  });
});
