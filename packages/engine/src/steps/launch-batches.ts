import { type Job, StartRecoveryCommand } from "@aws-sdk/client-drs";
import {
  ExecutionNotFoundError,
  type LaunchBatch,
  pendingServerCount,
  schedulableBatches,
  TransientAwsError,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { type BatchItem, type ExecutionMeta, keys, type ServerItem } from "../stores/execution-items";
import { aws, awsErrorName } from "./launch/aws-failures";
import { activeJobs, isJobOfBatch, jobsSince, launchTags } from "./launch/launch-jobs";
import { mapLimit } from "./launch/map-limit";
import { serversRefusedForSnapshot } from "./launch/snapshot-refusal";
import { type WaveStepInput, waveStepInput } from "./launch/wave-step-input";

export const launchBatchesInput = waveStepInput;

export interface LaunchBatchesResult {
  /** Servers of the wave without a launch result yet (PENDING or LAUNCHING); the workflow waits while > 0. */
  pendingServers: number;
  startedBatches: number;
  /** Batches of the wave still waiting to start (launch capacity, or a conflict DRS reported). */
  waitingBatches: number;
}

/** How far back jobs in progress are listed: DRS launch jobs end within hours. */
const ACTIVE_JOB_WINDOW_MS = 24 * 3600_000;
/** Slack between the workflow's clock and DRS's when looking for a job by its creation time. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** DRS refusals that leave the batch waiting for the next round instead of failing the step. */
const TRY_LATER = new Set(["ConflictException", "ServiceQuotaExceededException"]);
const WRITE_CONCURRENCY = 16;

/**
 * Starts the wave's pending launch batches (of the current attempt) that the DRS quotas allow now,
 * counting every job in progress in the account. Never starts a batch twice: a batch is claimed
 * (PENDING → STARTING) before StartRecovery, and a batch found STARTING — its Lambda died after
 * calling StartRecovery — is matched with its job by the job's tags before anything new is started.
 * @throws ExecutionNotFoundError when the execution or wave was never prepared
 * @throws TransientAwsError when DRS keeps throttling or failing (the workflow retries the step)
 */
export async function launchBatches(
  input: WaveStepInput,
  engine: EngineContext,
): Promise<LaunchBatchesResult> {
  const { executionId, wave, now } = input;
  const { executions } = engine;
  const [meta, waveItem] = await Promise.all([
    executions.getMeta(executionId),
    executions.getWave(executionId, wave),
  ]);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  const [allBatches, servers] = await Promise.all([
    executions.batches(executionId, wave),
    executions.servers(executionId, wave),
  ]);
  const batches = allBatches
    .filter((batch) => batch.attempt === waveItem.attempt)
    .sort((a, b) => a.batchId.localeCompare(b.batchId, "en", { numeric: true }));
  const launch = new BatchLauncher(engine, meta, servers);

  const starting = batches.filter((batch) => batch.status === "STARTING");
  const nowMs = Date.parse(now);
  const fromMs = Math.min(
    nowMs - ACTIVE_JOB_WINDOW_MS,
    ...starting.map((batch) => Date.parse(batch.startingAt ?? now) - CLOCK_SKEW_MS),
  );
  const jobs = await jobsSince(engine.aws.drs, new Date(fromMs).toISOString());

  const pending = batches.filter((batch) => batch.status === "PENDING");
  for (const batch of starting) {
    const job = jobs.find((candidate) => isJobOfBatch(candidate, batch));
    if (job) {
      logger.info("batch found started by an earlier try", { batchId: batch.batchId, jobId: job.jobID });
      await launch.recordStarted(batch, job, now);
    } else if (await launch.release(batch)) {
      pending.push({ ...batch, status: "PENDING" });
    }
  }
  pending.sort((a, b) => a.batchId.localeCompare(b.batchId, "en", { numeric: true }));

  const schedulable = schedulableBatches(pending.map(asLaunchBatch), activeJobs(jobs), engine.config.quotas);
  let started = 0;
  for (const candidate of schedulable) {
    const batch = pending.find((item) => item.batchId === candidate.id) as BatchItem;
    const outcome = await launch.start(batch, now);
    if (outcome === "STARTED") started++;
    // Capacity is gone for everyone behind this batch too; they wait for the next round in order.
    if (outcome === "NO_CAPACITY") break;
  }

  await executions.update(keys.wave(executionId, wave), { lastLaunchAttemptAt: now });
  const [after, batchesAfter] = await Promise.all([
    executions.servers(executionId, wave),
    executions.batches(executionId, wave),
  ]);
  return {
    pendingServers: pendingServerCount(after),
    startedBatches: started,
    waitingBatches: batchesAfter.filter(
      (batch) => batch.attempt === waveItem.attempt && batch.status !== "STARTED",
    ).length,
  };
}

function asLaunchBatch(batch: BatchItem): LaunchBatch {
  return { id: batch.batchId, waveIndex: batch.wave, sourceServerIds: batch.sourceServerIds };
}

type StartOutcome = "STARTED" | "TAKEN" | "CONFLICT" | "NO_CAPACITY";

class BatchLauncher {
  private readonly servers: Map<string, ServerItem>;

  constructor(
    private readonly engine: EngineContext,
    private readonly meta: ExecutionMeta,
    servers: readonly ServerItem[],
  ) {
    this.servers = new Map(servers.map((server) => [server.sourceServerId, server]));
  }

  /** Claims the batch, calls StartRecovery and records the job; DRS refusals put the batch back. */
  async start(batch: BatchItem, now: string): Promise<StartOutcome> {
    const key = keys.batch(batch.executionId, batch.wave, batch.batchId);
    const claimed = await this.engine.executions.update(
      key,
      { status: "STARTING", startingAt: now },
      { condition: "#status = :pending", names: { "#status": "status" }, values: { ":pending": "PENDING" } },
    );
    if (!claimed) return "TAKEN";
    // Servers an earlier try of this step found refused for their snapshot are FAILED already.
    let launching = batch.sourceServerIds.filter((id) => this.servers.get(id)?.status !== "FAILED");
    let job: Job | undefined;
    for (;;) {
      if (launching.length === 0) {
        await this.recordNothingLeft(batch, now);
        return "STARTED";
      }
      try {
        const reply = await aws("DRS StartRecovery", () =>
          this.engine.aws.drs.send(
            new StartRecoveryCommand({
              sourceServers: launching.map((sourceServerID) => {
                const recoverySnapshotID = this.servers.get(sourceServerID)?.recoverySnapshotId;
                return { sourceServerID, ...(recoverySnapshotID !== undefined && { recoverySnapshotID }) };
              }),
              isDrill: this.meta.mode === "DRILL",
              tags: launchTags(batch),
            }),
          ),
        );
        job = reply.job;
        break;
      } catch (error) {
        const refused = serversRefusedForSnapshot(
          error,
          launching.map((id) => ({ sourceServerId: id, ...this.servers.get(id) })),
        );
        if (refused.length === 0) return this.refused(batch, error);
        await this.failRefused(batch, refused, error as Error, now);
        launching = launching.filter((id) => !refused.includes(id));
      }
    }
    if (!job?.jobID) throw new Error(`DRS StartRecovery for batch ${batch.batchId} returned no job ID`);
    await this.recordStarted(batch, job, now);
    return "STARTED";
  }

  /** A refusal of the whole batch: DRS's "try later" puts it back for the next round; anything else fails the step. */
  private async refused(batch: BatchItem, error: unknown): Promise<StartOutcome> {
    const name = awsErrorName(error);
    if (name !== undefined && TRY_LATER.has(name)) {
      logger.warn("DRS refused the batch for now; it waits for the next round", {
        batchId: batch.batchId,
        error: name,
        detail: (error as Error).message,
      });
      await this.release(batch);
      return name === "ServiceQuotaExceededException" ? "NO_CAPACITY" : "CONFLICT";
    }
    // A transient failure may hide a job DRS did create: the batch stays STARTING so the retried
    // step looks for it by its tags. Any other refusal means no job: the batch is free again.
    if (!(error instanceof TransientAwsError)) await this.release(batch);
    throw error;
  }

  /**
   * Servers whose chosen snapshot DRS refused: FAILED with DRS's words (from PENDING only), so the
   * failure policy decides on them like on any failed launch while the rest of the batch launches.
   */
  private async failRefused(batch: BatchItem, refused: readonly string[], error: Error, now: string) {
    logger.warn("DRS refused servers' recovery snapshots; the rest of the batch launches without them", {
      batchId: batch.batchId,
      refused,
      error: error.name,
      detail: error.message,
    });
    await mapLimit(refused, WRITE_CONCURRENCY, (sourceServerId) => {
      const snapshot = this.servers.get(sourceServerId)?.recoverySnapshotId;
      return this.engine.executions.update(
        keys.server(batch.executionId, batch.wave, sourceServerId),
        {
          status: "FAILED",
          failedAt: now,
          failureReason: `DRS refused to launch it from snapshot ${snapshot}: ${error.name}: ${error.message}`,
        },
        {
          condition: "#status = :pending",
          names: { "#status": "status" },
          values: { ":pending": "PENDING" },
        },
      );
    });
  }

  /** Every server of the batch was refused: no job to wait for, the batch is done. */
  private async recordNothingLeft(batch: BatchItem, now: string): Promise<void> {
    await this.engine.executions.update(
      keys.batch(batch.executionId, batch.wave, batch.batchId),
      { status: "STARTED", startedAt: now },
      {
        condition: "#status = :starting",
        names: { "#status": "status" },
        values: { ":starting": "STARTING" },
      },
    );
  }

  /** STARTING → PENDING, for a batch whose StartRecovery certainly created no job. */
  async release(batch: BatchItem): Promise<boolean> {
    return this.engine.executions.update(
      keys.batch(batch.executionId, batch.wave, batch.batchId),
      { status: "PENDING" },
      {
        condition: "#status = :starting",
        names: { "#status": "status" },
        values: { ":starting": "STARTING" },
        remove: ["startingAt"],
      },
    );
  }

  /**
   * The job exists: its JOB item first (launch-result events find the execution through it), then
   * the batch STARTED, then each server LAUNCHING. Every write is conditional, so recording a job
   * again (a retried step) changes nothing.
   */
  async recordStarted(batch: BatchItem, job: Job, now: string): Promise<void> {
    const jobId = job.jobID as string;
    const startedAt = job.creationDateTime ?? now;
    const { executions } = this.engine;
    await executions.create(keys.job(jobId), {
      jobId,
      executionId: batch.executionId,
      wave: batch.wave,
      batchId: batch.batchId,
      attempt: batch.attempt,
    });
    await executions.update(
      keys.batch(batch.executionId, batch.wave, batch.batchId),
      { status: "STARTED", jobId, startedAt },
      {
        condition: "#status = :starting",
        names: { "#status": "status" },
        values: { ":starting": "STARTING" },
      },
    );
    await mapLimit(batch.sourceServerIds, WRITE_CONCURRENCY, (sourceServerId) =>
      this.markLaunching(batch, sourceServerId, jobId, startedAt),
    );
  }

  private async markLaunching(
    batch: BatchItem,
    sourceServerId: string,
    jobId: string,
    at: string,
  ): Promise<void> {
    const server = this.servers.get(sourceServerId);
    if (!server) {
      logger.warn("batch lists a server the wave does not have", { batchId: batch.batchId, sourceServerId });
      return;
    }
    const attempts = server.attempts ?? 0;
    // Only from PENDING, and only from the attempt count read before: attempts grows once per launch.
    await this.engine.executions.update(
      keys.server(batch.executionId, batch.wave, sourceServerId),
      { status: "LAUNCHING", jobId, launchStartedAt: at, attempts: attempts + 1 },
      {
        condition:
          server.attempts === undefined
            ? "#status = :pending AND attribute_not_exists(#attempts)"
            : "#status = :pending AND #attempts = :attempts",
        names: { "#status": "status", "#attempts": "attempts" },
        values: { ":pending": "PENDING", ...(server.attempts !== undefined && { ":attempts": attempts }) },
        // What an earlier launch of the server left describes that launch, not this one.
        remove: [
          "launchedAt",
          "failedAt",
          "failureReason",
          "healthyAt",
          "recoveryInstanceId",
          "ec2InstanceId",
          "privateIp",
          "instanceType",
          "pointInTime",
          "dataLossSeconds",
        ],
      },
    );
  }
}
