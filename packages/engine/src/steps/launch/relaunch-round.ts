import { batchWave, type LaunchAttemptRecord } from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { type BatchItem, keys, type ServerItem, type WaveItem } from "../../stores/execution-items";
import { mapLimit } from "./map-limit";

const WRITE_CONCURRENCY = 8;

/** Server fields of one launch; a relaunch clears them and keeps them in the attempt history. */
const LAUNCH_FIELDS = [
  "jobId",
  "recoveryInstanceId",
  "ec2InstanceId",
  "instanceType",
  "privateIp",
  "launchStartedAt",
  "launchedAt",
  "failedAt",
  "healthyAt",
  "unhealthyAt",
  "failureReason",
  "pointInTime",
  "dataLossSeconds",
] as const;

/** The batch ID of a relaunch round's batch, stable so a retried write finds the batch it wrote. */
export const relaunchBatchId = (wave: number, round: number, index: number) =>
  `w${wave}-a${round}-b${index + 1}`;

/**
 * Writes the wave's next launch round (its attempt + 1) for these servers: the round's batches
 * first (idempotent by their IDs; LaunchBatches only reads them once the wave's attempt is bumped),
 * then each server that had launched back to PENDING, in a conditional write from the status read
 * that appends that launch to its history (with `reasons`' entry when its record names no failure).
 * Servers still PENDING only join the round's batches. The failure policy's RETRY and a resume both
 * relaunch through here, so a relaunch starts like any launch (same batches, same launch step).
 */
export async function writeRelaunchRound(
  engine: EngineContext,
  wave: WaveItem,
  servers: readonly ServerItem[],
  now: string,
  reasons: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  const next = wave.attempt + 1;
  const batches = batchWave(
    wave.wave,
    servers.map((s) => s.sourceServerId),
    engine.config.quotas,
  );
  await mapLimit(batches, WRITE_CONCURRENCY, (batch, i) => {
    const batchId = relaunchBatchId(wave.wave, next, i);
    const item: BatchItem = {
      executionId: wave.executionId,
      wave: wave.wave,
      attempt: next,
      batchId,
      sourceServerIds: batch.sourceServerIds,
      status: "PENDING",
    };
    return engine.executions.create(keys.batch(wave.executionId, wave.wave, batchId), item);
  });
  await mapLimit(
    servers.filter((s) => s.status !== "PENDING"),
    WRITE_CONCURRENCY,
    (server) => {
      const failureReason = server.failureReason ?? reasons.get(server.sourceServerId);
      const history: LaunchAttemptRecord = {
        attempt: wave.attempt,
        status: server.status as LaunchAttemptRecord["status"],
        ...definedFields(server),
        ...(failureReason !== undefined && { failureReason }),
        failedAt: server.failedAt ?? server.unhealthyAt ?? now,
      };
      return engine.executions.update(
        keys.server(server.executionId, server.wave, server.sourceServerId),
        {
          status: "PENDING",
          attemptHistory: [...(server.attemptHistory ?? []), history],
        },
        {
          condition: "#status = :status",
          names: { "#status": "status" },
          values: { ":status": server.status },
          remove: [...LAUNCH_FIELDS],
        },
      );
    },
  );
}

function definedFields(
  server: ServerItem,
): Omit<LaunchAttemptRecord, "attempt" | "status" | "failedAt" | "failureReason"> {
  const { jobId, recoveryInstanceId, ec2InstanceId, launchStartedAt, launchedAt } = server;
  return Object.fromEntries(
    Object.entries({ jobId, recoveryInstanceId, ec2InstanceId, launchStartedAt, launchedAt }).filter(
      ([, value]) => value !== undefined,
    ),
  );
}
