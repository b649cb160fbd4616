import { OUTBOUND_DETAIL_TYPES, OUTBOUND_ID_LIST_CAP, type RecoverySummary } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import type { ExecutionMeta } from "../stores/execution-items";
import { publishOutboundEvent } from "./publish-outbound-event";

/** A failure's cause can be a long stack; the event carries its head. */
const MAX_REASON_CHARS = 1000;

/**
 * `Recovery Execution Status Change` for an execution: RUNNING with the reason it was started
 * (no summary), or its end with the figures of the recovery summary finalize built (RTO, and the
 * RPO achieved with each server's data loss, the largest first); a resumed execution's events name
 * the attempt.
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
      ...(meta.asOf !== undefined && { asOf: meta.asOf }),
      ...(summary?.rpo && { rpo: rpoDetail(summary) }),
    },
    time,
  );
}

function rpoDetail(summary: RecoverySummary) {
  const rpo = summary.rpo as NonNullable<RecoverySummary["rpo"]>;
  const dataLoss = summary.servers
    .flatMap((server) =>
      server.pointInTime !== undefined && server.dataLossSeconds !== undefined
        ? [
            {
              sourceServerId: server.sourceServerId,
              pointInTime: server.pointInTime,
              dataLossSeconds: server.dataLossSeconds,
            },
          ]
        : [],
    )
    .sort((a, b) => b.dataLossSeconds - a.dataLossSeconds || a.sourceServerId.localeCompare(b.sourceServerId))
    .slice(0, OUTBOUND_ID_LIST_CAP);
  return {
    targetSeconds: rpo.targetSeconds,
    ...(rpo.achievedSeconds !== undefined && { achievedSeconds: rpo.achievedSeconds }),
    breached: rpo.breached,
    ...(rpo.breachedBySeconds !== undefined && { breachedBySeconds: rpo.breachedBySeconds }),
    ...(rpo.spreadSeconds !== undefined && { spreadSeconds: rpo.spreadSeconds }),
    ...(rpo.oldestPointInTime !== undefined && { oldestPointInTime: rpo.oldestPointInTime }),
    ...(rpo.newestPointInTime !== undefined && { newestPointInTime: rpo.newestPointInTime }),
    servers: rpo.servers,
    dataLoss,
  };
}
