import {
  type DrsLaunchResult,
  drsLaunchResultEventSchema,
  ExecutionNotFoundError,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { keys, type ServerItem } from "../stores/execution-items";
import {
  type LaunchOutcome,
  launchedInstances,
  launchFailures,
  pointInTimeOf,
  recordLaunchOutcome,
} from "./launch/launch-outcome";
import { releaseWaveIfReady } from "./launch/wave-release";

export const recordLaunchResultInput = drsLaunchResultEventSchema;

export interface RecordLaunchResultResult {
  /** The event changed the server's state (false for unknown jobs, duplicates and late events). */
  recorded: boolean;
  /** The event released the workflow waiting on the wave. */
  released: boolean;
}

/**
 * Records a DRS launch result event on the server item it belongs to (found through the job) and
 * releases the waiting workflow when the wave needs it. Events are at-least-once and best effort:
 * an event of an unknown job is ignored, a duplicate or late one changes nothing.
 */
export async function recordLaunchResult(
  event: DrsLaunchResult,
  engine: EngineContext,
): Promise<RecordLaunchResultResult> {
  const { jobId, sourceServerId, time } = event;
  const job = await engine.executions.getJob(jobId);
  if (!job) {
    logger.info("launch result of a job no execution started; ignored", { jobId, sourceServerId });
    return { recorded: false, released: false };
  }
  const { executionId, wave } = job;
  logger.appendKeys({ executionId, wave, sourceServerId, jobId });
  const server = await engine.executions.get<ServerItem>(keys.server(executionId, wave, sourceServerId));
  let recorded = false;
  if (server?.status === "LAUNCHING" && server.jobId === jobId) {
    recorded = await recordLaunchOutcome(engine, executionId, wave, await outcomeOf(engine, event, server));
  } else {
    logger.info("launch result already recorded or not for the server's current launch", {
      status: server?.status,
      serverJobId: server?.jobId,
    });
  }
  // Also after a duplicate: the try that recorded the result may have died before releasing the wave.
  const release = await releaseWaveIfReady(
    engine,
    executionId,
    wave,
    "record-launch-result",
    time,
    job.batchId,
  );
  return { recorded, released: release.released };
}

async function outcomeOf(
  engine: EngineContext,
  event: DrsLaunchResult,
  server: ServerItem,
): Promise<LaunchOutcome> {
  const { jobId, sourceServerId, time } = event;
  if (event.succeeded) {
    const [instances, meta] = await Promise.all([
      launchedInstances(engine, [{ sourceServerId, jobId }]),
      engine.executions.getMeta(server.executionId),
    ]);
    const instance = instances.get(sourceServerId);
    if (!meta) throw new ExecutionNotFoundError(server.executionId, "META");
    const pointInTime = pointInTimeOf(meta.startedAt, instance, server);
    return {
      status: "LAUNCHED",
      sourceServerId,
      jobId,
      at: time,
      ...(instance && { instance }),
      ...(pointInTime && { pointInTime }),
    };
  }
  const failure = (await launchFailures(engine, jobId)).get(sourceServerId);
  return {
    status: "FAILED",
    sourceServerId,
    jobId,
    at: time,
    failureReason: failure?.reason ?? "DRS reported the launch failed; its job log names no reason",
  };
}
