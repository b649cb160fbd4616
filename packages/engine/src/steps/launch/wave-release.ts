import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { batchFinishedAtMs, waveNeedsWorkflow } from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { logger } from "../../lambda/powertools";
import { type BatchItem, keys, type ServerItem } from "../../stores/execution-items";
import { aws, awsErrorName } from "./aws-failures";

/** SendTaskSuccess answers for a token whose task no longer waits (timed out, or already completed). */
const TASK_GONE = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

export interface WaveRelease {
  released: boolean;
  reason: string;
}

/**
 * Completes the workflow's wait on a wave's launch results when the wave needs the workflow now
 * (see waveNeedsWorkflow). The token is consumed by a conditional write first (only while it is
 * still the wave's WAITING token), then SendTaskSuccess: whichever of the event recorder, the
 * waiting function itself or a later caller gets there first completes the wait, and only it.
 * @param by who releases (for the wave item and the logs)
 * @param at the time to record (the caller's clock: the state's entered time or the event's time)
 * @param batchId the batch a launch result just arrived for: while it still launches the wave cannot
 *   need the workflow (every other batch's end was judged by its own last result, or by the wait
 *   itself), so only its servers are read, not the whole wave's for every event
 */
export async function releaseWaveIfReady(
  engine: EngineContext,
  executionId: string,
  wave: number,
  by: string,
  at: string,
  batchId?: string,
): Promise<WaveRelease> {
  const { executions } = engine;
  const waveItem = await executions.getWave(executionId, wave);
  const token = waveItem?.taskToken;
  if (!waveItem || token === undefined || waveItem.launchWait !== "WAITING") {
    return { released: false, reason: "no workflow waits on this wave" };
  }
  if (batchId !== undefined && !(await batchFinished(engine, executionId, wave, batchId))) {
    return { released: false, reason: `batch ${batchId} still launching` };
  }
  const [servers, batches] = await Promise.all([
    executions.servers(executionId, wave),
    executions.batches(executionId, wave),
  ]);
  const decision = waveNeedsWorkflow({
    servers,
    batches: batches.filter((batch) => batch.attempt === waveItem.attempt),
    ...(waveItem.lastLaunchAttemptAt !== undefined && { lastLaunchAttemptAt: waveItem.lastLaunchAttemptAt }),
  });
  if (!decision.wake) return { released: false, reason: decision.reason };

  const consumed = await executions.update(
    keys.wave(executionId, wave),
    { launchWait: "RELEASED", releasedAt: at, releasedBy: by, releaseReason: decision.reason },
    {
      condition: "#token = :token AND #wait = :waiting",
      names: { "#token": "taskToken", "#wait": "launchWait" },
      values: { ":token": token, ":waiting": "WAITING" },
      remove: ["taskToken"],
    },
  );
  if (!consumed) return { released: false, reason: "the wait was already released" };
  try {
    await aws("Step Functions SendTaskSuccess", () =>
      engine.aws.sfn.send(
        new SendTaskSuccessCommand({
          taskToken: token,
          output: JSON.stringify({ wave, releasedBy: by, reason: decision.reason }),
        }),
      ),
    );
  } catch (error) {
    const name = awsErrorName(error);
    if (name === undefined || !TASK_GONE.has(name)) throw error;
    // The wait had already ended (its timeout fired and the poll took over): nothing left to wake.
    logger.info("launch wait had already ended", { executionId, wave, error: name });
    return { released: false, reason: `the wait had already ended (${name})` };
  }
  logger.info("launch wait released", { executionId, wave, by, reason: decision.reason });
  return { released: true, reason: decision.reason };
}

async function batchFinished(
  engine: EngineContext,
  executionId: string,
  wave: number,
  batchId: string,
): Promise<boolean> {
  const batch = await engine.executions.get<BatchItem>(keys.batch(executionId, wave, batchId));
  if (!batch) return true;
  const servers = await engine.executions.getMany<ServerItem>(
    batch.sourceServerIds.map((id) => keys.server(executionId, wave, id)),
  );
  return (
    batchFinishedAtMs(batch, new Map(servers.map((server) => [server.sourceServerId, server]))) !== undefined
  );
}
