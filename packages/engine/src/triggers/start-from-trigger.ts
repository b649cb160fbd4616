import {
  InvalidInputError,
  PlanNotFoundError,
  RecoveryInProgressError,
  RecoveryNotConfirmedError,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { type StartRecoveryResult, startRecovery } from "../start/start-recovery";
import type { TriggerError } from "./trigger-record";

/** Refusals that another delivery of the same event would meet again: recorded, never retried. */
const REFUSALS = [InvalidInputError, PlanNotFoundError, RecoveryNotConfirmedError, RecoveryInProgressError];

export type TriggeredStart = { ok: true; started: StartRecoveryResult } | { ok: false; error: TriggerError };

/**
 * Runs a trigger's request through the one start path. A refusal comes back as a recorded error;
 * anything else (AWS failing) is thrown so the event is delivered again.
 */
export async function startFromTrigger(request: unknown, engine: EngineContext): Promise<TriggeredStart> {
  try {
    return { ok: true, started: await startRecovery(request, engine) };
  } catch (error) {
    if (!REFUSALS.some((refusal) => error instanceof refusal)) throw error;
    return { ok: false, error: triggerError(error as Error) };
  }
}

export function triggerError(error: Error): TriggerError {
  return {
    name: error.name,
    message: error.message,
    ...(error instanceof InvalidInputError && { fields: [...error.problems] }),
  };
}
