import { type Job, StartRecoveryCommand } from "@aws-sdk/client-drs";
import { TransientAwsError } from "@drs-orchestrator/core";
import {
  type BatchItem,
  type EngineContext,
  type JobItem,
  keys,
  LAUNCH_TAG,
  launchBatches,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { engineWithQuotas, examplePlan, nowOf, seedExecution, settle } from "./launch-fixtures";

/** A fleet server no example plan selects: a job for it belongs to someone else. */
const FOREIGN = "s-b3ce30dffdb44268f";

const jobsOf = (env: LocalEngine, executionId: string) =>
  env.local.drs.jobs().filter((job) => job.tags?.[LAUNCH_TAG.executionId] === executionId);

const batchesOf = async (engine: EngineContext, executionId: string, wave: number) =>
  (await engine.executions.batches(executionId, wave)).sort((a, b) =>
    a.batchId.localeCompare(b.batchId, "en", { numeric: true }),
  );

/** The most jobs that were in progress at once, judged from DRS's own creation and end times. */
function peakConcurrency(jobs: readonly Job[]): number {
  const spans = jobs.map((job) => ({
    from: Date.parse(job.creationDateTime as string),
    to: job.endDateTime ? Date.parse(job.endDateTime) : Number.POSITIVE_INFINITY,
  }));
  return Math.max(
    ...spans.map(({ from: start }) => spans.filter(({ from, to }) => from <= start && start < to).length),
  );
}

describe("launch-batches within the engine's quotas", () => {
  let env: LocalEngine;
  let engine: EngineContext;
  beforeAll(async () => {
    // Launches take about a real second, so a job started in one round is still in progress in the next.
    env = await startLocalEngine({ speed: 3000, timings: { conversionSeconds: 2400, jitter: 0 } });
    // One server per job and two jobs at a time: the shop's three databases need three jobs.
    engine = engineWithQuotas(env, { maxServersPerJob: 1, maxConcurrentJobs: 2 });
  });
  afterAll(() => env.stop());

  it("starts only what the quotas allow, counting jobs that are not the execution's own", async () => {
    const { executionId, waves } = await seedExecution(env, {
      executionId: "shop-drill-quotas",
      document: await examplePlan("three-tier"),
      engine,
    });
    expect(await batchesOf(engine, executionId, 1)).toHaveLength(3);
    // Someone else's job holds one of the two job slots.
    await engine.aws.drs.send(
      new StartRecoveryCommand({ sourceServers: [{ sourceServerID: FOREIGN }], isDrill: true }),
    );

    const first = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine);
    expect(first).toEqual({ pendingServers: 3, startedBatches: 1, waitingBatches: 2 });
    const again = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine);
    expect(again).toEqual({ pendingServers: 3, startedBatches: 0, waitingBatches: 2 });

    await settle(env);
    const next = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine);
    expect(next).toEqual({ pendingServers: 3, startedBatches: 2, waitingBatches: 0 });
    await settle(env);

    const jobs = jobsOf(env, executionId);
    expect(jobs).toHaveLength(3);
    expect(peakConcurrency(env.local.drs.jobs())).toBeLessThanOrEqual(2);
    for (const job of jobs) {
      expect(job.initiatedBy).toBe("START_DRILL");
      expect(job.participatingServers).toHaveLength(1);
      expect(job.tags).toMatchObject({ [LAUNCH_TAG.wave]: "1", [LAUNCH_TAG.attempt]: "0" });
    }
    const batches = await batchesOf(engine, executionId, 1);
    expect(batches.map((batch) => batch.status)).toEqual(["STARTED", "STARTED", "STARTED"]);
    for (const batch of batches) {
      const job = jobs.find((candidate) => candidate.jobID === batch.jobId);
      expect(job?.tags?.[LAUNCH_TAG.batchId]).toBe(batch.batchId);
      expect(await engine.executions.getJob(batch.jobId as string)).toEqual<JobItem & object>(
        expect.objectContaining({
          jobId: batch.jobId,
          executionId,
          wave: 1,
          batchId: batch.batchId,
          attempt: 0,
        }),
      );
      const [sourceServerId] = batch.sourceServerIds as [string];
      expect(
        await engine.executions.get<ServerItem>(keys.server(executionId, 1, sourceServerId)),
      ).toMatchObject({
        status: "LAUNCHING",
        jobId: batch.jobId,
        attempts: 1,
        launchStartedAt: job?.creationDateTime,
      });
    }
    expect(new Set(batches.flatMap((batch) => batch.sourceServerIds))).toEqual(new Set(waves.get(1)));
    const wave = await engine.executions.get<WaveItem>(keys.wave(executionId, 1));
    expect(wave?.lastLaunchAttemptAt).toEqual(expect.any(String));
  });

  it("a retry after StartRecovery succeeded and the Lambda died never starts the batch twice", async () => {
    const { executionId } = await seedExecution(env, {
      executionId: "shop-drill-crash",
      document: await examplePlan("three-tier"),
      engine,
    });
    const calls = env.local.drs.counters.startRecoveryCalls;
    // The Lambda dies right after StartRecovery, before it records the job.
    let died = 0;
    engine.aws.dynamo.middlewareStack.add(
      (next) => async (args) => {
        if (died === 0 && JSON.stringify((args as { input: unknown }).input).includes('"JOB#')) {
          died++;
          throw new Error("Lambda timed out");
        }
        return next(args);
      },
      { step: "initialize", name: "dieAfterStartRecovery" },
    );
    try {
      await expect(launchBatches({ executionId, wave: 2, now: nowOf(env) }, engine)).rejects.toThrow(
        "Lambda timed out",
      );
    } finally {
      engine.aws.dynamo.middlewareStack.remove("dieAfterStartRecovery");
    }
    expect(died).toBe(1);
    expect((await batchesOf(engine, executionId, 2)).map((batch) => batch.status)).toEqual([
      "STARTING",
      "PENDING",
      "PENDING",
    ]);
    expect(jobsOf(env, executionId)).toHaveLength(1);

    // The retried step finds the job by its tags, records it, and starts only what is left.
    const retried = await launchBatches({ executionId, wave: 2, now: nowOf(env) }, engine);
    expect(retried).toMatchObject({ startedBatches: 1, waitingBatches: 1 });
    await settle(env);
    await launchBatches({ executionId, wave: 2, now: nowOf(env) }, engine);
    await settle(env);

    const batches = await batchesOf(engine, executionId, 2);
    const jobs = jobsOf(env, executionId);
    expect(env.local.drs.counters.startRecoveryCalls - calls).toBe(3);
    expect(jobs).toHaveLength(3);
    expect(new Set(jobs.map((job) => job.tags?.[LAUNCH_TAG.batchId]))).toEqual(
      new Set(batches.map((batch) => batch.batchId)),
    );
    expect(batches.every((batch) => batch.status === "STARTED")).toBe(true);
    for (const batch of batches) expect(await engine.executions.getJob(batch.jobId as string)).toBeDefined();
  });

  it("a batch left STARTING before StartRecovery was called is started exactly once", async () => {
    const { executionId } = await seedExecution(env, {
      executionId: "shop-drill-claimed",
      document: await examplePlan("three-tier"),
      engine,
    });
    const [claimed] = (await batchesOf(engine, executionId, 3)) as [BatchItem];
    await engine.executions.update(keys.batch(executionId, 3, claimed.batchId), {
      status: "STARTING",
      startingAt: nowOf(env),
    });
    const calls = env.local.drs.counters.startRecoveryCalls;
    const result = await launchBatches({ executionId, wave: 3, now: nowOf(env) }, engine);
    expect(result).toMatchObject({ startedBatches: 2, waitingBatches: 1 });
    expect(env.local.drs.counters.startRecoveryCalls - calls).toBe(2);
    const [first] = (await batchesOf(engine, executionId, 3)) as [BatchItem];
    expect(first).toMatchObject({ status: "STARTED", jobId: expect.stringMatching(/^drsjob-/) });
    await settle(env);
  });
});

describe("launch-batches when DRS refuses or fails", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startLocalEngine({
      speed: 3000,
      // DRS itself allows one job at a time, fewer than the engine believes.
      quotas: { maxConcurrentJobs: 1 },
      // The second to sixth DRS requests fail with 500 (StartRecovery and the SDK's four retries of it).
      faults: { serverErrors: { afterCalls: 1, count: 5, retryAfterSeconds: 0 } },
    });
  });
  afterAll(() => env.stop());

  it("turns server errors that outlast the SDK's retries into TransientAwsError and leaves the batch STARTING", async () => {
    const engine = engineWithQuotas(env, { maxServersPerJob: 1 });
    const { executionId } = await seedExecution(env, {
      executionId: "shop-drill-errors",
      document: await examplePlan("three-tier"),
      engine,
    });
    const error = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientAwsError);
    expect((error as Error).message).toMatch(/DRS StartRecovery kept failing: InternalServerException/);
    expect(env.local.drs.counters.serverErrors).toBe(5);
    expect((await batchesOf(engine, executionId, 1))[0]?.status).toBe("STARTING");

    // The retried step finds no job for the STARTING batch, so it starts it; DRS's own quota then
    // refuses the next batch, which waits for a later round.
    const result = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine);
    expect(result).toEqual({ pendingServers: 3, startedBatches: 1, waitingBatches: 2 });
    expect(env.local.drs.counters.launchJobs).toBe(1);
    expect((await batchesOf(engine, executionId, 1)).map((batch) => batch.status)).toEqual([
      "STARTED",
      "PENDING",
      "PENDING",
    ]);
    await settle(env);
  });
});

describe("launch-batches with chosen snapshots", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startLocalEngine({ speed: 3000 });
  });
  afterAll(() => env.stop());

  it("passes each server's recoverySnapshotID, and a snapshot DRS refuses fails only its server", async () => {
    const { executionId, waves } = await seedExecution(env, {
      executionId: "shop-recovery-snapshots",
      document: await examplePlan("three-tier"),
      mode: "RECOVERY",
    });
    const [good, bad, latest] = waves.get(1) as [string, string, string];
    const chosen = env.local.drs.recoverySnapshots(good)[3];
    const set = (id: string, fields: Partial<ServerItem>) =>
      env.engine.executions.update(keys.server(executionId, 1, id), fields);
    await set(good, { recoverySnapshotId: chosen?.snapshotID, snapshotAt: chosen?.timestamp });
    // A snapshot of another server: DRS refuses the whole StartRecovery for it.
    const foreign = env.local.drs.recoverySnapshots(latest)[0];
    await set(bad, { recoverySnapshotId: foreign?.snapshotID, snapshotAt: foreign?.timestamp });

    const result = await launchBatches({ executionId, wave: 1, now: nowOf(env) }, env.engine);
    expect(result).toEqual({ pendingServers: 2, startedBatches: 1, waitingBatches: 0 });
    const servers = new Map(
      (await env.engine.executions.servers(executionId)).map((server) => [server.sourceServerId, server]),
    );
    expect(servers.get(bad)).toMatchObject({
      status: "FAILED",
      failureReason: expect.stringMatching(
        new RegExp(`^DRS refused to launch it from snapshot ${foreign?.snapshotID}: ValidationException: `),
      ),
    });
    expect(servers.get(good)?.status).toBe("LAUNCHING");
    expect(servers.get(latest)?.status).toBe("LAUNCHING");
    const [job] = jobsOf(env, executionId);
    expect(job?.participatingServers?.map((server) => server.sourceServerID).sort()).toEqual(
      [good, latest].sort(),
    );
    await settle(env);
    const instances = env.local.drs.recoveryInstances();
    expect(instances.find((i) => i.sourceServerID === good)?.pointInTimeSnapshotDateTime).toBe(
      chosen?.timestamp,
    );
  });
});
