import type { Job } from "@aws-sdk/client-drs";
import { ExecutionNotFoundError } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { keys, type ServerItem } from "../stores/execution-items";
import { jobsById } from "./launch/launch-jobs";
import {
  type LaunchOutcome,
  launchedInstances,
  launchFailures,
  pointInTimeOf,
  recordLaunchOutcome,
} from "./launch/launch-outcome";
import { mapLimit } from "./launch/map-limit";
import { type WaveStepInput, waveStepInput } from "./launch/wave-step-input";

export const reconcileLaunchesInput = waveStepInput;

export interface ReconcileLaunchesResult {
  /** Launch results the poll recorded (ones no event had recorded). */
  recorded: number;
  launched: number;
  failed: number;
}

const WRITE_CONCURRENCY = 16;

/**
 * The backstop for lost DRS events, run when the wait for launch results timed out: reads the
 * wave's jobs with DescribeJobs and records each server's result through the same conditional
 * write as the event recorder, so it never overrides what an event recorded. A server whose job
 * COMPLETED without launching it is recorded FAILED.
 * @throws ExecutionNotFoundError when the wave was never prepared
 */
export async function reconcileLaunches(
  input: WaveStepInput,
  engine: EngineContext,
): Promise<ReconcileLaunchesResult> {
  const { executionId, wave, now } = input;
  const { executions } = engine;
  const waveItem = await executions.getWave(executionId, wave);
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  // The wait timed out, so its token is dead: no recorder should spend a callback on it.
  await executions.update(
    keys.wave(executionId, wave),
    {
      launchWait: "RELEASED",
      releasedAt: now,
      releasedBy: "reconcile-launches",
      releaseReason: "the wait timed out",
    },
    {
      condition: "#wait = :waiting",
      names: { "#wait": "launchWait" },
      values: { ":waiting": "WAITING" },
      remove: ["taskToken"],
    },
  );
  const [batches, servers, meta] = await Promise.all([
    executions.batches(executionId, wave),
    executions.servers(executionId, wave),
    executions.getMeta(executionId),
  ]);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  const launching = new Map(
    servers
      .filter((server) => server.status === "LAUNCHING" && server.jobId !== undefined)
      .map((server) => [server.sourceServerId, server]),
  );
  // The round's jobs, and those of servers still launching from an earlier round (a launch in
  // flight when its execution stopped, which a resume lets finish).
  const jobIds = [
    ...new Set([
      ...batches
        .filter((batch) => batch.attempt === waveItem.attempt && batch.jobId !== undefined)
        .map((batch) => batch.jobId as string),
      ...[...launching.values()].map((server) => server.jobId as string),
    ]),
  ];
  const jobs = jobIds.length > 0 ? await jobsById(engine.aws.drs, jobIds) : [];

  const outcomes: LaunchOutcome[] = [];
  for (const job of jobs) {
    outcomes.push(...(await jobOutcomes(engine, job, launching, now, meta.startedAt)));
  }
  const results = await mapLimit(outcomes, WRITE_CONCURRENCY, (outcome) =>
    recordLaunchOutcome(engine, executionId, wave, outcome),
  );
  const recorded = outcomes.filter((_, index) => results[index]);
  if (recorded.length > 0) {
    logger.info("poll recorded launch results that no event had", { wave, recorded: recorded.length });
  }
  return {
    recorded: recorded.length,
    launched: recorded.filter((outcome) => outcome.status === "LAUNCHED").length,
    failed: recorded.filter((outcome) => outcome.status === "FAILED").length,
  };
}

/** The results a job shows for the servers still LAUNCHING in it. */
async function jobOutcomes(
  engine: EngineContext,
  job: Job,
  launching: ReadonlyMap<string, ServerItem>,
  now: string,
  startedAt: string,
): Promise<LaunchOutcome[]> {
  const jobId = job.jobID as string;
  const mine = [...launching.values()].filter((server) => server.jobId === jobId);
  if (mine.length === 0) return [];
  const statusOf = new Map(
    (job.participatingServers ?? []).map((participant) => [
      participant.sourceServerID,
      participant.launchStatus,
    ]),
  );
  const completed = job.status === "COMPLETED";
  // DRS reports no per-server launch time: the job's end (or now, while it runs) bounds it.
  const at = job.endDateTime ?? now;
  const launched = mine.filter((server) => statusOf.get(server.sourceServerId) === "LAUNCHED");
  const failed = mine.filter((server) => {
    const status = statusOf.get(server.sourceServerId);
    return status === "FAILED" || (completed && status !== "LAUNCHED");
  });

  const outcomes: LaunchOutcome[] = [];
  if (launched.length > 0) {
    const instances = await launchedInstances(
      engine,
      launched.map((server) => ({ sourceServerId: server.sourceServerId, jobId })),
    );
    for (const server of launched) {
      const instance = instances.get(server.sourceServerId);
      const pointInTime = pointInTimeOf(startedAt, instance, server);
      outcomes.push({
        status: "LAUNCHED",
        sourceServerId: server.sourceServerId,
        jobId,
        at,
        ...(instance && { instance }),
        ...(pointInTime && { pointInTime }),
      });
    }
  }
  if (failed.length > 0) {
    const failures = await launchFailures(engine, jobId);
    for (const server of failed) {
      const status = statusOf.get(server.sourceServerId);
      const failure = failures.get(server.sourceServerId);
      const reason =
        failure?.reason ??
        (status === "FAILED"
          ? "DRS reported the launch failed; its job log names no reason"
          : `job ${jobId} completed without launching the server (launch status ${status ?? "missing"})`);
      outcomes.push({
        status: "FAILED",
        sourceServerId: server.sourceServerId,
        jobId,
        at: failure?.at ?? at,
        failureReason: reason,
      });
    }
  }
  return outcomes;
}
