import {
  decideFailurePolicy,
  ExecutionNotFoundError,
  type FailureAction,
  type LaunchAttemptRecord,
} from "@drs-orchestrator/core";
import { publishWaveStatus } from "../events/wave-status-event";
import type { EngineContext } from "../lambda/engine-context";
import {
  keys,
  type ServerItem,
  type WaveItem,
  type WavePolicyDecision,
  type WaveStatus,
} from "../stores/execution-items";
import { writeRelaunchRound } from "./launch/relaunch-round";
import { type WaveStepInput, waveStepInput } from "./launch/wave-step-input";

export const applyFailurePolicyInputSchema = waveStepInput;

export interface FailurePolicyResult {
  action: FailureAction;
  reason: string;
  failedServers: number;
}

/**
 * Applies the plan's failure policy to a wave whose launches and status checks are all decided
 * (`decideFailurePolicy`). RETRY writes the next round's batches with only the failed servers,
 * resets those servers to PENDING (their failed launch goes to `attemptHistory`) and bumps the
 * wave's attempt, so LaunchBatches picks the new batches up. CONTINUE and ABORT end the wave:
 * COMPLETED when every server recovered, FAILED when failed servers were tolerated, ABORTED when the
 * recovery stops here. A wave a resume began again counts its retries from the round it began at,
 * and continues when the resume accepted its failed servers.
 *
 * A retried step returns the decision it already recorded on the wave instead of deciding again.
 */
export async function applyFailurePolicy(
  input: WaveStepInput,
  engine: EngineContext,
): Promise<FailurePolicyResult> {
  const { executionId, wave, now } = input;
  const [meta, waveItem, servers] = await Promise.all([
    engine.executions.getMeta(executionId),
    engine.executions.getWave(executionId, wave),
    engine.executions.servers(executionId, wave),
  ]);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);

  const recorded = alreadyDecided(waveItem, servers);
  if (recorded) return result(recorded);

  const attempt = waveItem.attempt;
  const decision = decideFailurePolicy({
    wave,
    attempt: attempt - (waveItem.resumeRound ?? 0),
    // A server a retried RETRY already reset still counts as failed in the round being decided.
    servers: servers.map((s) => (resetFor(s, attempt) ? { ...s, ...lastAttempt(s) } : s)),
    policy: { retries: meta.retries, maxFailedPercent: meta.maxFailedPercent },
    ...(waveItem.acceptFailed === true && { acceptFailed: true }),
  });
  const record: WavePolicyDecision = {
    attempt,
    action: decision.action,
    reason: decision.reason,
    failedServers: decision.failedServerIds.length,
    decidedAt: now,
  };

  if (decision.action === "RETRY") {
    const failed = new Set(decision.failedServerIds);
    await writeRelaunchRound(
      engine,
      waveItem,
      servers.filter((s) => failed.has(s.sourceServerId)),
      now,
    );
    const relaunching = await engine.executions.update(
      keys.wave(executionId, wave),
      { attempt: attempt + 1, status: "LAUNCHING" satisfies WaveStatus, failurePolicy: record },
      { condition: "attempt = :attempt", values: { ":attempt": attempt } },
    );
    if (relaunching) await publishWaveStatus(engine, executionId, wave, now);
    return result(record);
  }

  const status: WaveStatus =
    decision.action === "ABORT" ? "ABORTED" : decision.failedServerIds.length > 0 ? "FAILED" : "COMPLETED";
  const ended = await engine.executions.update(
    keys.wave(executionId, wave),
    { status, completedAt: now, failurePolicy: record },
    { condition: "attempt = :attempt", values: { ":attempt": attempt } },
  );
  if (ended) await publishWaveStatus(engine, executionId, wave, now);
  return result(record);
}

function result(decision: WavePolicyDecision): FailurePolicyResult {
  return { action: decision.action, reason: decision.reason, failedServers: decision.failedServers };
}

/**
 * The decision a previous run of this step recorded, when this run repeats it: the round was
 * already ended, or it was retried and its relaunched servers have not finished yet (the policy
 * only legitimately runs once every server of the round is decided).
 */
function alreadyDecided(wave: WaveItem, servers: readonly ServerItem[]): WavePolicyDecision | undefined {
  const decision = wave.failurePolicy;
  if (!decision) return undefined;
  if (decision.action !== "RETRY") return decision.attempt === wave.attempt ? decision : undefined;
  const relaunchUnderway = servers.some(
    (s) =>
      (s.status === "PENDING" || s.status === "LAUNCHING" || s.status === "LAUNCHED") &&
      !resetFor(s, wave.attempt),
  );
  return decision.attempt === wave.attempt - 1 && relaunchUnderway ? decision : undefined;
}

/** The server was reset to PENDING for a relaunch of round `attempt` that did not bump the wave yet. */
function resetFor(server: ServerItem, attempt: number): boolean {
  return server.status === "PENDING" && server.attemptHistory?.at(-1)?.attempt === attempt;
}

function lastAttempt(server: ServerItem): Pick<ServerItem, "status" | "failureReason"> {
  const last = server.attemptHistory?.at(-1) as LaunchAttemptRecord;
  return {
    status: last.status,
    ...(last.failureReason !== undefined && { failureReason: last.failureReason }),
  };
}
