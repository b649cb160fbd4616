import { MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  type MetricValue,
  type RecoveryOutcome,
  type RecoveryStatus,
  type RecoverySummary,
  recoveryMetrics,
  summarizeRecovery,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { publishExecutionStatus } from "../events/execution-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { metrics } from "../lambda/powertools";
import { releaseActiveRun } from "../start/active-run";
import { endCurrentAttempt } from "../stores/execution-attempts";
import {
  type ExecutionMeta,
  type ExecutionSummaryCounters,
  keys,
  type WaveItem,
} from "../stores/execution-items";
import { isoTime } from "./launch/wave-step-input";

export const finalizeInputSchema = z.object({
  executionId: z.string().min(1, { error: "required: the execution ID" }),
  now: isoTime,
  outcome: z.enum(["COMPLETED", "ABORTED", "FAILED"]),
  /** Why the failure policy aborted. */
  reason: z.string().optional(),
  /** The error that ended the workflow, as Step Functions caught it. */
  error: z.string().optional(),
  cause: z.string().optional(),
  /** From the execution input: what to release when Prepare failed before it wrote META. */
  planId: z.string().min(1).optional(),
});
export type FinalizeInput = z.output<typeof finalizeInputSchema>;
type FinalOutcome = FinalizeInput["outcome"];

export interface FinalizeResult {
  status: Exclude<RecoveryStatus, "RUNNING">;
  rtoAchievedSeconds: number | null;
  rtoTargetSeconds: number | null;
  rtoBreached: boolean;
  serversLaunched: number;
  serversFailed: number;
}

const STATUS: Record<FinalOutcome, FinalizeResult["status"]> = {
  COMPLETED: "SUCCEEDED",
  ABORTED: "ABORTED",
  FAILED: "FAILED",
};

/** A step error's cause can be a long stack; META keeps its head so the item stays small. */
const MAX_CAUSE_CHARS = 4000;

/** Waves still in flight when the execution ends; they end ABORTED with it. */
const IN_FLIGHT = new Set<WaveItem["status"]>(["LAUNCHING", "CHECKING_HEALTH"]);

/**
 * Ends an execution: builds the recovery summary from its items (`summarizeRecovery`), ends the
 * waves still in flight, records the final status, end time and summary counters on META in a
 * conditional write from RUNNING, releases the server locks and the plan's active run, and (once,
 * on the write that ended the execution) publishes the recovery metrics.
 *
 * A retried finalize finds META already ended and reports what the first one recorded. After a
 * Prepare that failed before writing META there is nothing to summarise: only the plan's active
 * run is released, and no metrics are published since nothing was measured.
 */
export async function finalizeExecution(
  input: FinalizeInput,
  engine: EngineContext,
): Promise<FinalizeResult> {
  const { executionId, now } = input;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) {
    if (input.planId) await releaseActiveRun(engine, input.planId, executionId);
    return {
      status: STATUS[input.outcome],
      rtoAchievedSeconds: null,
      rtoTargetSeconds: null,
      rtoBreached: input.outcome !== "COMPLETED",
      serversLaunched: 0,
      serversFailed: 0,
    };
  }

  const ending = meta.status === "RUNNING";
  const status = ending ? STATUS[input.outcome] : (meta.status as FinalizeResult["status"]);
  const endedAt = ending ? now : (meta.endedAt ?? now);
  const error = input.outcome === "ABORTED" ? "RecoveryAborted" : input.error;
  const cause = input.outcome === "ABORTED" ? input.reason : input.cause;

  const { summary, ended } = await closeExecution(engine, meta, {
    status,
    endedAt,
    ...(input.reason !== undefined && { reason: input.reason }),
    ...(error !== undefined && { error }),
    ...(cause !== undefined && { cause }),
  });
  if (ended) publishMetrics(summary);
  if (ended) await publishExecutionStatus(engine, meta, endedAt, summary);

  return {
    status,
    rtoAchievedSeconds: summary.rto.achievedSeconds ?? null,
    rtoTargetSeconds: summary.rto.targetSeconds,
    rtoBreached: summary.rto.breached,
    serversLaunched: summary.counts.launched,
    serversFailed: summary.counts.failed,
  };
}

/** How an execution ends, as the recovery summary records it. */
export type ExecutionEnding = RecoveryOutcome & { status: FinalizeResult["status"]; endedAt: string };

/**
 * What every end of an execution closes, whoever ends it (finalize, or an operator's cancel of a
 * workflow that will never finalize): the waves still in flight end ABORTED with it, META gets the
 * final status, end time, error and summary counters (and, once resumed, the current attempt its
 * end) in a conditional write from RUNNING, and the server locks and the plan's active run are
 * released. `ended` is true only for the call whose write ended the execution, so the caller
 * announces the end once.
 */
export async function closeExecution(
  engine: EngineContext,
  meta: ExecutionMeta,
  ending: ExecutionEnding,
): Promise<{ summary: RecoverySummary; ended: boolean }> {
  const { executionId } = meta;
  const { status, endedAt, error } = ending;
  const cause = ending.cause?.slice(0, MAX_CAUSE_CHARS);
  if (status !== "SUCCEEDED") await endWavesInFlight(engine, executionId, endedAt);
  const [waves, servers, approvals] = await Promise.all([
    engine.executions.waves(executionId),
    engine.executions.servers(executionId),
    engine.executions.approvals(executionId),
  ]);
  const summary = summarizeRecovery({
    execution: meta,
    outcome: { ...ending, ...(cause !== undefined && { cause }) },
    waves,
    servers,
    approvals,
  });

  const ended =
    meta.status === "RUNNING" &&
    (await engine.executions.update(
      keys.meta(executionId),
      {
        status,
        endedAt,
        summary: summaryCounters(summary),
        ...(error !== undefined && { error }),
        ...(cause !== undefined && { cause }),
        ...(meta.attempts !== undefined && {
          attempts: endCurrentAttempt(meta.attempts, {
            endedAt,
            status,
            ...(error !== undefined && { error }),
            ...(cause !== undefined && { cause }),
          }),
        }),
      },
      {
        condition: "#status = :running",
        names: { "#status": "status" },
        values: { ":running": "RUNNING" },
      },
    ));

  await engine.locks.release(
    executionId,
    servers.map((server) => server.sourceServerId),
  );
  await releaseActiveRun(engine, meta.planId, executionId);
  return { summary, ended };
}

async function endWavesInFlight(engine: EngineContext, executionId: string, endedAt: string): Promise<void> {
  for (const wave of await engine.executions.waves(executionId)) {
    if (!IN_FLIGHT.has(wave.status)) continue;
    await engine.executions.update(
      keys.wave(executionId, wave.wave),
      { status: "ABORTED", completedAt: endedAt },
      { condition: "#status = :status", names: { "#status": "status" }, values: { ":status": wave.status } },
    );
  }
}

function summaryCounters(summary: RecoverySummary): ExecutionSummaryCounters {
  const { counts, rto } = summary;
  return {
    ...counts,
    ...(summary.durationSeconds !== undefined && { durationSeconds: summary.durationSeconds }),
    rtoTargetSeconds: rto.targetSeconds,
    ...(rto.achievedSeconds !== undefined && { rtoAchievedSeconds: rto.achievedSeconds }),
    rtoBreached: rto.breached,
  };
}

const UNITS: Record<MetricValue["unit"], (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Seconds: MetricUnit.Seconds,
  Count: MetricUnit.Count,
};

/**
 * The recovery metrics as EMF through Powertools: the execution's metrics share one document with
 * the plan and mode as dimensions (flushed by the handler's middleware); each WaveDuration goes out
 * at once as its own document with the wave as a further dimension.
 */
function publishMetrics(summary: RecoverySummary): void {
  const { dimensions, metrics: values, waves } = recoveryMetrics(summary);
  metrics.addDimensions(dimensions);
  for (const metric of values) metrics.addMetric(metric.name, UNITS[metric.unit], metric.value);
  for (const { wave, metric } of waves) {
    const single = metrics.singleMetric();
    single.addDimensions({ ...dimensions, Wave: String(wave) });
    single.addMetric(metric.name, UNITS[metric.unit], metric.value);
  }
}
