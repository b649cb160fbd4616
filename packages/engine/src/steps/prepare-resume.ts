import {
  approvalWaitSeconds,
  type CurrentRecoveryInstance,
  ExecutionNotFoundError,
  ExecutionNotResumableError,
  effectiveLaunchSettings,
  firstUnfinishedWave,
  type Plan,
  planResume,
  type ResumePlan,
  type ServerResume,
} from "@drs-orchestrator/core";
import { publishExecutionStatus } from "../events/execution-status-event";
import { publishWaveStatus } from "../events/wave-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { acquireServerLocks } from "../start/drill-preemption";
import type { ResumeInput } from "../start/execution-input";
import {
  type ExecutionAttempt,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "../stores/execution-items";
import { mapLimit } from "./launch/map-limit";
import { writeRelaunchRound } from "./launch/relaunch-round";
import type { PrepareInput, PrepareOutput } from "./prepare";
import { describeRecoveryInstancesOf } from "./prepare/live-recovery-guard";

const WRITE_CONCURRENCY = 8;

/** What a wave's new round clears: the state of the workflow that waited on it before. */
const WAVE_RUN_FIELDS = [
  "completedAt",
  "taskToken",
  "launchWait",
  "waitingSince",
  "releasedAt",
  "releasedBy",
  "releaseReason",
  "healthCheckedAt",
];

/** What a drill cleanup recorded of a server's settings revert; a relaunch applies the settings again. */
const REVERT_FIELDS = [
  "revertedAt",
  "revertSkipped",
  "restoredDefaultVersion",
  "restoredLaunchConfiguration",
];

/**
 * Prepare of a resumed attempt (the execution input's `resume`), on the items the execution
 * already has: reopens META (RUNNING; the previous attempt's end stays in its attempt record), takes
 * the server locks again, and from the first wave that did not complete decides per server
 * (`planResume`, against the recovery instances DRS lists now): servers still up are kept, launches
 * in flight finish, the rest launch again in a new round of their wave, written as the failure
 * policy's RETRY writes one (their earlier launch kept in their history) — or, with `skipFailed`,
 * the first unfinished wave's are accepted as failed. Approval gates of those waves that were not
 * approved are asked again; a hook that aborted the recovery runs again, hooks that ran do not.
 * A retried Prepare of the same attempt answers as the one that completed.
 * @throws ExecutionNotFoundError when the execution was never prepared
 * @throws ExecutionNotResumableError when a later resume replaced this attempt
 * @throws ServerConflictError when another running execution holds some of the servers
 */
export async function prepareResume(
  input: PrepareInput & { resume: ResumeInput },
  engine: EngineContext,
): Promise<PrepareOutput> {
  const { executionId, resume, startedAt: now } = input;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta?.prepared) {
    throw new ExecutionNotFoundError(
      executionId,
      "META",
      "only an execution that was prepared can be resumed",
    );
  }
  const attempt = meta.attempts?.at(-1);
  if (attempt?.number !== resume.attempt) {
    throw new ExecutionNotResumableError(
      executionId,
      `this is attempt ${resume.attempt}, but its current attempt is ${attempt?.number ?? 1}`,
    );
  }
  const { plan } = await engine.plans.get(meta.planId, meta.planVersion);
  if (meta.status === "RUNNING" && attempt.firstWave !== undefined) {
    return output(meta, attempt.firstWave, plan);
  }

  const reopened = await engine.executions.update(
    keys.meta(executionId),
    { status: "RUNNING" },
    {
      condition: "workflowExecutionArn = :attempt",
      values: { ":attempt": attempt.executionArn },
      remove: ["endedAt", "error", "cause", "summary"],
    },
  );
  if (!reopened) {
    throw new ExecutionNotResumableError(
      executionId,
      `attempt ${resume.attempt} was replaced while it started`,
    );
  }
  const [waves, servers] = await Promise.all([
    engine.executions.waves(executionId),
    engine.executions.servers(executionId),
  ]);
  // As at the start: a resumed RECOVERY pre-empts drills that took its servers while it was stopped.
  await acquireServerLocks(
    engine,
    meta,
    servers.map((server) => server.sourceServerId),
    new Date(now),
  );

  const decided = await decide(engine, plan, waves, servers, resume.skipFailed);
  const byId = new Map(servers.map((server) => [server.sourceServerId, server]));
  await acceptFailed(engine, decided.servers, byId, resume.attempt, now);
  for (const wave of waves.filter((item) => decided.restartedWaves.includes(item.wave))) {
    await restartWave(engine, meta, wave, decided, byId, { resume, now });
  }
  await reopenGates(engine, executionId, decided.firstWave);
  await rerunAbortedHooks(engine, executionId);

  const running: ExecutionMeta = {
    ...meta,
    status: "RUNNING",
    attempts: [...(meta.attempts ?? []).slice(0, -1), { ...attempt, firstWave: decided.firstWave }],
  };
  await engine.executions.update(
    keys.meta(executionId),
    { attempts: running.attempts },
    { condition: "workflowExecutionArn = :attempt", values: { ":attempt": attempt.executionArn } },
  );
  await publishExecutionStatus(engine, { ...running, reason: resumeReason(attempt) }, now);
  return output(running, decided.firstWave, plan);
}

function output(meta: ExecutionMeta, firstWave: number, plan: Plan): PrepareOutput {
  return {
    waveCount: meta.waveCount,
    serverCount: meta.serverCount,
    skippedCount: meta.skippedCount ?? meta.skipped.length,
    approvalWaitSeconds: approvalWaitSeconds(plan.groups),
    firstWave,
  };
}

function resumeReason(attempt: ExecutionAttempt): string {
  const why = attempt.reason ? `: ${attempt.reason}` : "";
  const skip = attempt.skipFailed ? ", skipping failed servers" : "";
  return `resumed by ${attempt.requestedBy} (attempt ${attempt.number}${skip})${why}`;
}

/** The resume's decision, against the recovery instances DRS lists now for the servers that had one up. */
async function decide(
  engine: EngineContext,
  plan: Plan,
  waves: readonly WaveItem[],
  servers: readonly ServerItem[],
  skipFailed: boolean,
): Promise<ResumePlan> {
  const firstWave = firstUnfinishedWave(waves);
  const up = servers.filter(
    (server) => server.wave >= firstWave && (server.status === "HEALTHY" || server.status === "LAUNCHED"),
  );
  const stoppedByDesign = new Set(
    up
      .filter((server) => {
        const group = plan.groups.find((candidate) => candidate.id === server.groupId);
        return (
          group && effectiveLaunchSettings(plan, group, server.sourceServerId).launchDisposition === "STOPPED"
        );
      })
      .map((server) => server.sourceServerId),
  );
  return planResume({
    waves,
    servers,
    instances: await currentRecoveryInstances(engine, up),
    stoppedByDesign,
    skipFailed,
  });
}

/**
 * The recovery instance DRS lists for each server now: the one the server recorded when DRS still
 * lists it among the server's, else any other it lists.
 */
async function currentRecoveryInstances(
  engine: EngineContext,
  servers: readonly ServerItem[],
): Promise<Map<string, CurrentRecoveryInstance>> {
  const recorded = new Map(servers.map((server) => [server.sourceServerId, server.recoveryInstanceId]));
  const found = new Map<string, CurrentRecoveryInstance>();
  for (const item of await describeRecoveryInstancesOf(engine, [...recorded.keys()])) {
    const known = found.get(item.sourceServerId);
    if (known && known.recoveryInstanceId === recorded.get(item.sourceServerId)) continue;
    found.set(item.sourceServerId, {
      recoveryInstanceId: item.recoveryInstanceId,
      ...(item.ec2InstanceState !== undefined && { ec2InstanceState: item.ec2InstanceState }),
    });
  }
  return found;
}

/** The first unfinished wave's servers the resume accepts as failed: those not failed yet are marked so. */
async function acceptFailed(
  engine: EngineContext,
  decisions: readonly ServerResume[],
  servers: ReadonlyMap<string, ServerItem>,
  attempt: number,
  now: string,
): Promise<void> {
  const accepted = decisions.filter((decision) => {
    const status = servers.get(decision.sourceServerId)?.status;
    return decision.action === "ACCEPT_FAILED" && status !== "FAILED" && status !== "UNHEALTHY";
  });
  await mapLimit(accepted, WRITE_CONCURRENCY, (decision) => {
    const server = servers.get(decision.sourceServerId) as ServerItem;
    return engine.executions.update(
      keys.server(server.executionId, server.wave, server.sourceServerId),
      {
        status: "FAILED",
        failedAt: now,
        failureReason: `${decision.reason}; accepted as failed by resume attempt ${attempt} (skip failed)`,
      },
      {
        condition: "#status = :status",
        names: { "#status": "status" },
        values: { ":status": server.status },
      },
    );
  });
}

/**
 * A wave the resume begins again: its servers to launch get their launch settings checked again
 * (a drill's cleanup may have reverted them), a new launch round is written for them, and the wave
 * moves to that round in one conditional write, its earlier wait cleared. A wave this attempt
 * already began again (a retried Prepare) is left as it is.
 */
async function restartWave(
  engine: EngineContext,
  meta: ExecutionMeta,
  wave: WaveItem,
  decided: ResumePlan,
  servers: ReadonlyMap<string, ServerItem>,
  { resume, now }: { resume: ResumeInput; now: string },
): Promise<void> {
  if (wave.resumedBy === resume.attempt) return;
  const launching = decided.servers.filter(
    (decision) =>
      decision.wave === wave.wave && (decision.action === "LAUNCH" || decision.action === "RELAUNCH"),
  );
  const round = launching.map((decision) => servers.get(decision.sourceServerId) as ServerItem);
  await mapLimit(
    round.filter((server) => server.settingsApplied),
    WRITE_CONCURRENCY,
    async (server) => {
      await engine.executions.update(keys.server(server.executionId, server.wave, server.sourceServerId), {
        settingsApplied: false,
      });
      if (meta.mode === "DRILL") {
        await engine.executions.update(
          keys.drillCleanupServer(server.executionId, server.sourceServerId),
          {},
          { remove: REVERT_FIELDS },
        );
      }
    },
  );
  await writeRelaunchRound(
    engine,
    wave,
    round,
    now,
    new Map(launching.map((decision) => [decision.sourceServerId, decision.reason])),
  );
  const begun = wave.status !== "PENDING";
  const next = wave.attempt + 1;
  const restarted = await engine.executions.update(
    keys.wave(wave.executionId, wave.wave),
    {
      attempt: next,
      resumedBy: resume.attempt,
      resumeRound: next,
      acceptFailed: resume.skipFailed && wave.wave === decided.firstWave,
      // A wave that had begun keeps its start; LaunchBatches and the checks take it from here.
      status: begun ? "LAUNCHING" : "PENDING",
    },
    {
      condition: "attempt = :attempt",
      values: { ":attempt": wave.attempt },
      remove: WAVE_RUN_FIELDS,
    },
  );
  if (restarted && begun) await publishWaveStatus(engine, wave.executionId, wave.wave, now);
}

/** Approval gates from the first unfinished wave on that were not approved: the resume is a new decision point. */
async function reopenGates(engine: EngineContext, executionId: string, firstWave: number): Promise<void> {
  const gates = (await engine.executions.approvals(executionId)).filter(
    (gate) => gate.wave >= firstWave && gate.status !== "APPROVED",
  );
  for (const gate of gates) await engine.executions.delete(keys.approval(executionId, gate.wave));
}

/** A hook that failed and aborted the recovery runs again; every other recorded hook has run. */
async function rerunAbortedHooks(engine: EngineContext, executionId: string): Promise<void> {
  const aborted = (await engine.executions.hooks(executionId)).filter(
    (hook) => hook.status === "FAILED" && hook.onFailure === "abort",
  );
  for (const hook of aborted) {
    await engine.executions.delete(keys.hook(executionId, hook.phase, hook.wave, hook.index));
  }
}
