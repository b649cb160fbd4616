import { setTimeout as sleep } from "node:timers/promises";
import { formatDuration, type HookAttemptRecord, HookConfigurationError } from "@drs-orchestrator/core";
import type { HookAction, HookCall, HookCallResult } from "./hook-action";

/** The hook's action did not finish within the hook's timeout. */
export class HookTimeoutError extends Error {
  override readonly name = "HookTimeoutError";
}

export interface HookAttemptsOutcome {
  status: "SUCCEEDED" | "FAILED";
  attempts: number;
  /** Measured time of all attempts, retry pauses included. */
  durationMs: number;
  attemptLog: HookAttemptRecord[];
  result?: string;
  isError?: boolean;
  error?: string;
}

/** A hook that cannot work as configured fails at once: another attempt would fail the same way. */
function isPermanent(error: unknown): boolean {
  return error instanceof HookConfigurationError;
}

function describe(error: unknown): string {
  if (error instanceof HookTimeoutError) return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? formatDuration(ms / 1000) : `${ms / 1000}s`;
}

/** Pause before attempt n+1: short, since the hook's Lambda has a time limit of its own. */
const retryPauseMs = (attempt: number) => 200 * attempt;

async function attemptOnce(
  action: HookAction,
  call: Omit<HookCall, "signal" | "timeoutMs">,
  timeoutMs: number,
): Promise<HookCallResult> {
  const deadline = new AbortController();
  const expired = new Promise<never>((_, reject) => {
    deadline.signal.addEventListener("abort", () => reject(deadline.signal.reason), { once: true });
  });
  const timer = setTimeout(
    () => deadline.abort(new HookTimeoutError(`no answer within ${formatTimeout(timeoutMs)}`)),
    timeoutMs,
  );
  try {
    return await Promise.race([action({ ...call, signal: deadline.signal, timeoutMs }), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a hook's action up to 1 + `retries` times, each attempt bounded by `timeoutSeconds`; an
 * MCP tool that answers `isError` counts as a failed attempt. Configuration errors (an MCP
 * server the environment does not know) are not retried. Never throws: the outcome says how it went, attempt by attempt.
 */
export async function attemptHook(
  action: HookAction,
  call: Omit<HookCall, "signal" | "timeoutMs">,
  policy: { timeoutSeconds: number; retries: number },
): Promise<HookAttemptsOutcome> {
  const begin = performance.now();
  const timeoutMs = Math.max(1, Math.round(policy.timeoutSeconds * 1000));
  const attemptLog: HookAttemptRecord[] = [];
  let last: HookCallResult | undefined;
  let error: string | undefined;
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    if (attempt > 1) await sleep(retryPauseMs(attempt - 1));
    const started = performance.now();
    try {
      last = await attemptOnce(action, call, timeoutMs);
      error = last.isError ? `the tool reported an error: ${last.result ?? "(no content)"}` : undefined;
    } catch (thrown) {
      last = undefined;
      error = describe(thrown);
      if (isPermanent(thrown)) {
        attemptLog.push({ attempt, durationMs: Math.round(performance.now() - started), error });
        break;
      }
    }
    attemptLog.push({
      attempt,
      durationMs: Math.round(performance.now() - started),
      ...(error !== undefined && { error }),
    });
    if (error === undefined) break;
  }
  return {
    status: error === undefined ? "SUCCEEDED" : "FAILED",
    attempts: attemptLog.length,
    durationMs: Math.round(performance.now() - begin),
    attemptLog,
    ...(last?.result !== undefined && { result: last.result }),
    ...(last?.isError !== undefined && { isError: last.isError }),
    ...(error !== undefined && { error }),
  };
}
