import type { Retrier } from "../definition/prepare-definition";

export interface RetryDecision {
  retrierIndex: number;
  delayMs: number;
}

/**
 * Whether a Task error is retried, per the States Language: the first retrier whose ErrorEquals
 * matches decides (later ones are not consulted even when it is exhausted). `States.ALL` matches
 * everything but `States.Runtime` and `States.DataLimitExceeded`; `States.TaskFailed` matches every
 * error except `States.Timeout`. The delay is IntervalSeconds × BackoffRate^attempt, capped by
 * MaxDelaySeconds, and drawn from [0, delay] with JitterStrategy FULL.
 */
export function decideRetry(
  retriers: readonly Retrier[],
  errorName: string,
  attempts: readonly number[],
  random: () => number = Math.random,
): RetryDecision | undefined {
  const index = retriers.findIndex((retrier) =>
    retrier.ErrorEquals.some((name) => errorMatches(name, errorName)),
  );
  const retrier = retriers[index];
  if (!retrier) return undefined;
  const attempt = attempts[index] ?? 0;
  if (attempt >= (retrier.MaxAttempts ?? 3)) return undefined;
  const interval = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  const capped =
    retrier.MaxDelaySeconds === undefined ? interval : Math.min(interval, retrier.MaxDelaySeconds);
  const seconds = retrier.JitterStrategy === "FULL" ? random() * capped : capped;
  return { retrierIndex: index, delayMs: Math.round(seconds * 1000) };
}

const NEVER_RETRIED = new Set(["States.Runtime", "States.DataLimitExceeded"]);

export function errorMatches(pattern: string, errorName: string): boolean {
  if (NEVER_RETRIED.has(errorName)) return pattern === errorName;
  if (pattern === "States.ALL") return true;
  if (pattern === "States.TaskFailed") return errorName !== "States.Timeout";
  return pattern === errorName;
}
