import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { FUNCTIONS } from "@drs-orchestrator/app";
import {
  acquireActiveRun,
  activeRun,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/finalize";
import { type LocalEngine, startLocalEngine, stepEnvironment } from "../support/local-engine";

let env: LocalEngine;
let lambda: LambdaClient;
beforeAll(async () => {
  env = await startLocalEngine({ speed: 1 });
  const spec = FUNCTIONS.find((fn) => fn.name === "finalize");
  env.local.lambda.register({
    name: "finalize",
    handler,
    timeoutSeconds: spec?.timeoutSeconds,
    memorySize: spec?.memoryMb,
    environment: stepEnvironment(env.engine),
  });
  lambda = new LambdaClient({ endpoint: env.local.endpoint });
});
afterAll(async () => {
  lambda.destroy();
  await env.stop();
});

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const T0 = "2026-11-21T10:00:00.000Z";
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

interface Emf {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

/** Invokes finalize through the Lambda API and collects the EMF documents it printed. */
async function finalize(
  payload: Record<string, unknown>,
): Promise<{ result: Record<string, unknown>; emf: Emf[] }> {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const reply = await lambda.send(
      new InvokeCommand({
        FunctionName: "finalize",
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    const result = JSON.parse(new TextDecoder().decode(reply.Payload)) as Record<string, unknown>;
    if (reply.FunctionError) throw new Error(`finalize failed: ${JSON.stringify(result)}`);
    const emf = printed
      .flatMap((text) => text.split("\n"))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Emf);
    return { result, emf };
  } finally {
    write.mockRestore();
  }
}

const metricNames = (doc: Emf) => doc._aws.CloudWatchMetrics[0]?.Metrics.map((m) => `${m.Name}:${m.Unit}`);

/**
 * A drill of two waves as the steps leave it before Finalize: wave 1 healthy 15 minutes after the
 * start, wave 2 with one healthy and one failed server at 40 minutes; the servers locked and the
 * plan's active run held by the execution.
 */
async function seedDrill(executionId: string, planId: string, rtoSeconds: number, firstServer: number) {
  const { executions, locks } = env.engine;
  const meta: ExecutionMeta = {
    executionId,
    planId,
    planVersion: 2,
    planName: "Payments platform",
    mode: "DRILL",
    status: "RUNNING",
    requestedBy: "alice",
    reason: "monthly drill",
    startedAt: at(0),
    waveCount: 2,
    serverCount: 3,
    rtoSeconds,
    rpoSeconds: 300,
    maxFailedPercent: 50,
    retries: 0,
    skipped: [],
  };
  const waves: WaveItem[] = [
    {
      executionId,
      wave: 1,
      groupIds: ["db"],
      serverCount: 1,
      status: "COMPLETED",
      attempt: 0,
      startedAt: at(20),
      healthCheckedAt: at(900),
      completedAt: at(905),
    },
    {
      executionId,
      wave: 2,
      groupIds: ["app"],
      serverCount: 2,
      status: "FAILED",
      attempt: 0,
      startedAt: at(910),
      healthCheckedAt: at(2400),
      completedAt: at(2405),
    },
  ];
  const server = (n: number, wave: number, extra: Partial<ServerItem>): ServerItem => ({
    executionId,
    sourceServerId: sid(n),
    wave,
    groupId: wave === 1 ? "db" : "app",
    critical: wave === 1,
    status: "HEALTHY",
    attempts: 1,
    launchStartedAt: at(wave === 1 ? 30 : 920),
    ...extra,
  });
  const servers = [
    server(firstServer, 1, {
      launchedAt: at(600),
      healthyAt: at(900),
      ec2InstanceId: "i-00000000000000001",
      privateIp: "10.10.16.15",
      instanceType: "r6i.2xlarge",
    }),
    server(firstServer + 1, 2, { launchedAt: at(1800), healthyAt: at(2400) }),
    server(firstServer + 2, 2, {
      status: "FAILED",
      failedAt: at(1500),
      failureReason: "launch failed: capacity",
    }),
  ];
  await executions.putAll([
    { ...keys.meta(executionId), ...meta },
    ...waves.map((wave) => ({ ...keys.wave(executionId, wave.wave), ...wave })),
    ...servers.map((s) => ({ ...keys.server(executionId, s.wave, s.sourceServerId), ...s })),
  ]);
  const serverIds = servers.map((s) => s.sourceServerId);
  await locks.acquire(executionId, serverIds, new Date(at(0)));
  await acquireActiveRun(
    env.engine,
    {
      planId,
      executionId,
      executionArn: `arn:aws:states:us-east-1:111122223333:execution:recovery:${executionId}`,
      mode: "DRILL",
      requestedBy: "alice",
      acquiredAt: at(0),
    },
    new Date(at(0)),
  );
  return serverIds;
}

/**
 * Another execution over the same servers can lock them only once the first released them. The
 * first has no workflow here, so it is alive only for a start's time after it took its locks (at(0)).
 */
async function lockable(serverIds: string[]): Promise<boolean> {
  const other = `other-${serverIds[0]}`;
  await env.engine.executions.create(keys.meta(other), { executionId: other, status: "RUNNING" });
  try {
    await env.engine.locks.acquire(other, serverIds, new Date(at(60)));
    await env.engine.locks.release(other, serverIds);
    return true;
  } catch {
    return false;
  }
}

describe("finalize", () => {
  it("ends a drill: summary counters, RTO against the target, released locks and run, EMF metrics", async () => {
    const serverIds = await seedDrill("exec-done", "payments", 2700, 1);
    expect(await lockable(serverIds)).toBe(false);

    const { result, emf } = await finalize({
      executionId: "exec-done",
      planId: "payments",
      now: at(2420),
      outcome: "COMPLETED",
    });
    expect(result).toEqual({
      status: "SUCCEEDED",
      rtoAchievedSeconds: 2400,
      rtoTargetSeconds: 2700,
      rtoBreached: false,
      serversLaunched: 2,
      serversFailed: 1,
    });
    const meta = await env.engine.executions.getMeta("exec-done");
    expect(meta).toMatchObject({
      status: "SUCCEEDED",
      endedAt: at(2420),
      summary: {
        servers: 3,
        launched: 2,
        healthy: 2,
        failed: 1,
        notLaunched: 0,
        skipped: 0,
        relaunched: 0,
        durationSeconds: 2420,
        rtoTargetSeconds: 2700,
        rtoAchievedSeconds: 2400,
        rtoBreached: false,
      },
    });
    expect(meta?.error).toBeUndefined();
    expect(await lockable(serverIds)).toBe(true);
    expect(await activeRun(env.engine, "payments")).toBeUndefined();

    const recovery = emf.find((doc) => "RecoveryDuration" in doc) as Emf;
    expect(recovery._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: "DrsOrchestrator",
      Dimensions: [["service", "PlanId", "Mode"]],
    });
    expect(metricNames(recovery)).toEqual([
      "RecoveryDuration:Seconds",
      "RtoBreached:Count",
      "ServersLaunched:Count",
      "ServersFailed:Count",
    ]);
    expect(recovery).toMatchObject({
      PlanId: "payments",
      Mode: "DRILL",
      RecoveryDuration: 2420,
      RtoBreached: 0,
      ServersLaunched: 2,
      ServersFailed: 1,
    });
    const waves = emf.filter((doc) => "WaveDuration" in doc);
    expect(waves.map((doc) => [doc.Wave, doc.WaveDuration, doc.PlanId, doc.Mode])).toEqual([
      ["1", 880, "payments", "DRILL"],
      ["2", 1490, "payments", "DRILL"],
    ]);
    expect(waves[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["service", "PlanId", "Mode", "Wave"]]);

    // A retried finalize reports the same, keeps the first end time and publishes nothing twice.
    const again = await finalize({
      executionId: "exec-done",
      planId: "payments",
      now: at(2500),
      outcome: "COMPLETED",
    });
    expect(again.result).toEqual(result);
    expect(again.emf).toEqual([]);
    expect((await env.engine.executions.getMeta("exec-done"))?.endedAt).toBe(at(2420));
  });

  it("reports an RTO breach when the last wave came up after the target", async () => {
    await seedDrill("exec-slow", "slow", 1800, 11);
    const { result, emf } = await finalize({
      executionId: "exec-slow",
      planId: "slow",
      now: at(2420),
      outcome: "COMPLETED",
    });
    expect(result).toMatchObject({
      status: "SUCCEEDED",
      rtoAchievedSeconds: 2400,
      rtoTargetSeconds: 1800,
      rtoBreached: true,
    });
    expect(emf.find((doc) => "RtoBreached" in doc)).toMatchObject({ PlanId: "slow", RtoBreached: 1 });
    expect((await env.engine.executions.getMeta("exec-slow"))?.summary?.rtoBreached).toBe(true);
  });

  it("ends an aborted recovery: the policy's reason recorded, waves in flight aborted", async () => {
    const serverIds = await seedDrill("exec-abort", "abort", 2700, 21);
    await env.engine.executions.update(
      keys.wave("exec-abort", 2),
      { status: "CHECKING_HEALTH" },
      { remove: ["completedAt", "healthCheckedAt"] },
    );
    const reason = `1 of 1 server in critical group db failed: ${sid(21)} (launch failed: capacity)`;
    const { result } = await finalize({
      executionId: "exec-abort",
      planId: "abort",
      now: at(2000),
      outcome: "ABORTED",
      reason,
    });
    expect(result).toEqual({
      status: "ABORTED",
      rtoAchievedSeconds: null,
      rtoTargetSeconds: 2700,
      rtoBreached: true,
      serversLaunched: 2,
      serversFailed: 1,
    });
    expect(await env.engine.executions.getMeta("exec-abort")).toMatchObject({
      status: "ABORTED",
      endedAt: at(2000),
      error: "RecoveryAborted",
      cause: reason,
    });
    expect(await env.engine.executions.getWave("exec-abort", 2)).toMatchObject({
      status: "ABORTED",
      completedAt: at(2000),
    });
    expect(await env.engine.executions.getWave("exec-abort", 1)).toMatchObject({
      status: "COMPLETED",
      completedAt: at(905),
    });
    expect(await lockable(serverIds)).toBe(true);
  });

  it("ends an execution whose Prepare failed before writing anything, releasing the plan's active run", async () => {
    await acquireActiveRun(
      env.engine,
      {
        planId: "unready",
        executionId: "exec-unready",
        executionArn: "arn:aws:states:us-east-1:111122223333:execution:recovery:exec-unready",
        mode: "DRILL",
        requestedBy: "bob",
        acquiredAt: at(0),
      },
      new Date(at(0)),
    );
    const { result, emf } = await finalize({
      executionId: "exec-unready",
      planId: "unready",
      now: at(5),
      outcome: "FAILED",
      error: "ServersNotReadyError",
      cause: "2 source server(s) not ready",
    });
    expect(result).toEqual({
      status: "FAILED",
      rtoAchievedSeconds: null,
      rtoTargetSeconds: null,
      rtoBreached: true,
      serversLaunched: 0,
      serversFailed: 0,
    });
    expect(emf).toEqual([]);
    expect(await activeRun(env.engine, "unready")).toBeUndefined();
    expect(await env.engine.executions.getMeta("exec-unready")).toBeUndefined();
  });

  it("ends an execution whose Prepare failed after writing META, with the step's error", async () => {
    const started: ExecutionMeta = {
      executionId: "exec-conflict",
      planId: "conflict",
      planVersion: 1,
      planName: "Conflict",
      mode: "RECOVERY",
      status: "RUNNING",
      requestedBy: "carol",
      reason: "region outage",
      startedAt: at(0),
      waveCount: 1,
      serverCount: 1,
      rtoSeconds: 900,
      rpoSeconds: 300,
      maxFailedPercent: 0,
      retries: 0,
      skipped: [],
    };
    await env.engine.executions.putAll([{ ...keys.meta("exec-conflict"), ...started }]);
    const { result, emf } = await finalize({
      executionId: "exec-conflict",
      planId: "conflict",
      now: at(3),
      outcome: "FAILED",
      error: "ServerConflictError",
      cause: "x".repeat(10_000),
    });
    expect(result).toMatchObject({
      status: "FAILED",
      rtoTargetSeconds: 900,
      serversLaunched: 0,
      rtoBreached: true,
    });
    const meta = await env.engine.executions.getMeta("exec-conflict");
    expect(meta).toMatchObject({ status: "FAILED", error: "ServerConflictError", endedAt: at(3) });
    expect(meta?.cause).toHaveLength(4000);
    expect(emf.find((doc) => "RecoveryDuration" in doc)).toMatchObject({
      Mode: "RECOVERY",
      RecoveryDuration: 3,
      RtoBreached: 1,
    });
  });

  it("refuses bad input naming each field", async () => {
    const reply = await lambda.send(
      new InvokeCommand({
        FunctionName: "finalize",
        Payload: new TextEncoder().encode(
          JSON.stringify({ executionId: "", now: "yesterday", outcome: "DONE" }),
        ),
      }),
    );
    const error = JSON.parse(new TextDecoder().decode(reply.Payload)) as {
      errorType: string;
      errorMessage: string;
    };
    expect(reply.FunctionError).toBe("Unhandled");
    expect(error.errorType).toBe("InvalidInputError");
    expect(error.errorMessage).toMatch(/^invalid finalize input: executionId: .*; now: .*; outcome: /);
  });
});
