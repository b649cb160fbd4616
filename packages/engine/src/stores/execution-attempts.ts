import type { AttemptEndStatus } from "@drs-orchestrator/core";
import type { ExecutionAttempt, ExecutionMeta } from "./execution-items";

/** A step error's cause can be a long stack; an attempt keeps its head, as META does. */
const MAX_CAUSE_CHARS = 4000;

/**
 * The execution's attempts, oldest first: META's list once it was resumed, else the start alone
 * as META recorded it (its workflow being `firstExecutionArn`).
 */
export function executionAttempts(meta: ExecutionMeta, firstExecutionArn: string): ExecutionAttempt[] {
  if (meta.attempts !== undefined) return meta.attempts.map((attempt) => ({ ...attempt }));
  return [
    {
      number: 1,
      executionArn: firstExecutionArn,
      startedAt: meta.startedAt,
      requestedBy: meta.requestedBy,
      reason: meta.reason,
      skipFailed: false,
      firstWave: 1,
      ...attemptEnd(meta),
    },
  ];
}

/** How an attempt ended, from META once it ended; nothing while META runs. */
export function attemptEnd(
  meta: Pick<ExecutionMeta, "status" | "endedAt" | "error" | "cause">,
): Pick<ExecutionAttempt, "endedAt" | "status" | "error" | "cause"> {
  if (meta.status === "RUNNING" || meta.endedAt === undefined) return {};
  return {
    endedAt: meta.endedAt,
    status: meta.status,
    ...(meta.error !== undefined && { error: meta.error }),
    ...(meta.cause !== undefined && { cause: meta.cause.slice(0, MAX_CAUSE_CHARS) }),
  };
}

/** The attempts with the current (last) one ended as given, unless it already recorded its end. */
export function endCurrentAttempt(
  attempts: readonly ExecutionAttempt[],
  end: { endedAt: string; status: AttemptEndStatus; error?: string; cause?: string },
): ExecutionAttempt[] {
  return attempts.map((attempt, index) =>
    index < attempts.length - 1 || attempt.endedAt !== undefined
      ? attempt
      : {
          ...attempt,
          endedAt: end.endedAt,
          status: end.status,
          ...(end.error !== undefined && { error: end.error }),
          ...(end.cause !== undefined && { cause: end.cause.slice(0, MAX_CAUSE_CHARS) }),
        },
  );
}
