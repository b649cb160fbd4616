import { OUTBOUND_DETAIL_TYPES, type RecoverySummary } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import type { ExecutionMeta } from "../stores/execution-items";
import { publishOutboundEvent } from "./publish-outbound-event";

/** A failure's cause can be a long stack; the event carries its head. */
const MAX_REASON_CHARS = 1000;

/**
 * `Recovery Execution Status Change` for an execution: RUNNING with the reason it was started
 * (no summary), or its end with the figures of the recovery summary finalize built; a resumed
 * execution's events name the attempt.
 */
export async function publishExecutionStatus(
  engine: EngineContext,
  meta: ExecutionMeta,
  time: string,
  summary?: RecoverySummary,
): Promise<void> {
  const failure = summary?.error && [summary.error, summary.cause].filter(Boolean).join(": ");
  const reason = summary ? (summary.reason ?? failure) : meta.reason;
  await publishOutboundEvent(
    engine,
    OUTBOUND_DETAIL_TYPES.recoveryExecutionStatusChange,
    {
      executionId: meta.executionId,
      planId: meta.planId,
      planVersion: meta.planVersion,
      mode: meta.mode,
      status: summary?.status ?? meta.status,
      ...(meta.attempts !== undefined && { attempt: meta.attempts.at(-1)?.number }),
      ...(reason && { reason: reason.slice(0, MAX_REASON_CHARS) }),
      startedAt: meta.startedAt,
      ...(summary?.endedAt !== undefined && { endedAt: summary.endedAt }),
      ...(summary?.durationSeconds !== undefined && { durationSeconds: summary.durationSeconds }),
      ...(summary && {
        rto: {
          targetSeconds: summary.rto.targetSeconds,
          ...(summary.rto.achievedSeconds !== undefined && { achievedSeconds: summary.rto.achievedSeconds }),
          breached: summary.rto.breached,
        },
      }),
    },
    time,
  );
}
