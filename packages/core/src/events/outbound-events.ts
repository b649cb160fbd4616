import { z } from "zod";
import type { FindingCategory, FindingSeverity, PlanVerdict } from "../health/plan-health";
import { recoveryModeSchema } from "../plan/plan-schema";
import { isFailedServer } from "../policy/failure-policy";
import type { ServerRecordStatus } from "../report/report-records";

/**
 * The events DRS Orchestrator puts on its own bus for anyone to subscribe to (dashboards, chat,
 * ticketing). Schemas are exported so consumers can validate what they receive and the publisher
 * validates what it sends: a detail that does not match never reaches the bus.
 */
export const OUTBOUND_EVENT_SOURCE = "drs-orchestrator";

/**
 * Lists of IDs in an event are capped so an event stays far below EventBridge's 256 KB entry
 * limit for any fleet size; the matching count field always carries the full number.
 */
export const OUTBOUND_ID_LIST_CAP = 100;

export const OUTBOUND_DETAIL_TYPES = {
  recoveryExecutionStatusChange: "Recovery Execution Status Change",
  waveStatusChange: "Wave Status Change",
  approvalRequired: "Approval Required",
  drillCleanupCompleted: "Drill Cleanup Completed",
  planHealthChanged: "Plan Health Changed",
} as const;

const isoTime = z.iso.datetime({
  offset: true,
  error: "expected an ISO-8601 date-time such as 2026-11-21T10:04:19Z",
});
const count = z.number().int().nonnegative();
const cappedIds = z.array(z.string().min(1)).max(OUTBOUND_ID_LIST_CAP, {
  error: `list at most ${OUTBOUND_ID_LIST_CAP} IDs; the count field carries the total`,
});

export const recoveryExecutionStatusChangeSchema = z.strictObject({
  executionId: z.string().min(1),
  planId: z.string().min(1),
  planVersion: z.number().int().positive(),
  mode: recoveryModeSchema,
  status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "ABORTED"]),
  /**
   * Present once the execution was resumed: the attempt this status is of (2 for the first resume).
   * A resumed execution announces RUNNING again, and an end for each attempt.
   */
  attempt: z.number().int().min(1).optional(),
  /** Why the recovery was started (RUNNING) or why it ended the way it did. */
  reason: z.string().optional(),
  startedAt: isoTime,
  endedAt: isoTime.optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** Present once the execution ended. */
  rto: z
    .strictObject({
      targetSeconds: z.number().int().nonnegative(),
      /** Start → last wave healthy; only for a recovery that succeeded. */
      achievedSeconds: z.number().nonnegative().optional(),
      breached: z.boolean(),
    })
    .optional(),
  /** The time the servers are recovered as of, when the start asked for one. */
  asOf: isoTime.optional(),
  /**
   * Present once the execution ended: the RPO achieved (largest data-loss window of the recovered
   * servers) against the plan's, the spread of their points in time, and the servers with the
   * largest windows first (at most 100; `servers` counts them all).
   */
  rpo: z
    .strictObject({
      targetSeconds: z.number().int().nonnegative(),
      achievedSeconds: z.number().nonnegative().optional(),
      breached: z.boolean(),
      breachedBySeconds: z.number().nonnegative().optional(),
      spreadSeconds: z.number().nonnegative().optional(),
      oldestPointInTime: isoTime.optional(),
      newestPointInTime: isoTime.optional(),
      servers: count,
      dataLoss: z
        .array(
          z.strictObject({
            sourceServerId: z.string().min(1),
            pointInTime: isoTime,
            dataLossSeconds: z.number().nonnegative(),
          }),
        )
        .max(OUTBOUND_ID_LIST_CAP, {
          error: `list at most ${OUTBOUND_ID_LIST_CAP} servers; servers carries the total`,
        }),
    })
    .optional(),
});

export const waveStatusChangeSchema = z.strictObject({
  executionId: z.string().min(1),
  planId: z.string().min(1),
  wave: z.number().int().nonnegative(),
  groups: z.array(z.string().min(1)),
  status: z.enum(["LAUNCHING", "CHECKING_HEALTH", "COMPLETED", "FAILED", "ABORTED"]),
  counts: z.strictObject({
    servers: count,
    launched: count,
    healthy: count,
    failed: count,
  }),
});

export const approvalRequiredSchema = z.strictObject({
  executionId: z.string().min(1),
  planId: z.string().min(1),
  wave: z.number().int().nonnegative(),
  groups: z.array(z.string().min(1)),
  /** The first servers waiting on the approval (capped); `serverCount` is the total. */
  sourceServerIds: cappedIds,
  serverCount: count,
  /** Who may approve (IAM principals, user names or group names as the plan lists them). */
  approvers: z.array(z.string().min(1)),
  /** When the approval times out and the wave is rejected. */
  expiresAt: isoTime,
});

export const drillCleanupCompletedSchema = z.strictObject({
  executionId: z.string().min(1),
  planId: z.string().min(1),
  status: z.enum(["SUCCEEDED", "FAILED"]),
  terminatedInstanceCount: count,
  /** The first terminated recovery instances (capped); `terminatedInstanceCount` is the total. */
  terminatedInstanceIds: cappedIds,
  /** Servers whose launch template default version and DRS launch configuration were restored. */
  revertedServers: count,
  /** Why the cleanup failed, when it did. */
  error: z.string().optional(),
});

const FINDING_SEVERITIES = [
  "BLOCKS_RECOVERY",
  "BLOCKS_DRILL",
  "WARNING",
] as const satisfies readonly FindingSeverity[];
const FINDING_CATEGORIES = [
  "selection",
  "readiness",
  "launch-settings",
  "network",
  "identity",
  "capacity",
  "conflict",
] as const satisfies readonly FindingCategory[];
const PLAN_VERDICTS = [
  "READY",
  "DRILL_BLOCKED",
  "RECOVERY_BLOCKED",
] as const satisfies readonly PlanVerdict[];

/** One finding of a plan's evaluation, as events carry it (see PlanFinding). */
export const planFindingSchema = z.strictObject({
  code: z.string().min(1),
  severity: z.enum(FINDING_SEVERITIES),
  category: z.enum(FINDING_CATEGORIES),
  message: z.string().min(1),
  fix: z.string().min(1),
  groupId: z.string().min(1).optional(),
  sourceServerId: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  resourceId: z.string().min(1).optional(),
  wave: z.number().int().nonnegative().optional(),
  otherPlans: z.array(z.string().min(1)).optional(),
});

const cappedFindings = z.array(planFindingSchema).max(OUTBOUND_ID_LIST_CAP, {
  error: `list at most ${OUTBOUND_ID_LIST_CAP} findings; the count field carries the total`,
});

/**
 * A plan's evaluation found something new or lost a finding: the verdict now (and before), the
 * counts of the evaluation, and the findings added and removed (each list capped, with its count).
 */
export const planHealthChangedSchema = z.strictObject({
  planId: z.string().min(1),
  /** Absent for a plan document that is not stored. */
  planVersion: z.number().int().positive().optional(),
  evaluatedAt: isoTime,
  verdict: z.enum(PLAN_VERDICTS),
  /** Absent on the plan's first recorded evaluation. */
  previousVerdict: z.enum(PLAN_VERDICTS).optional(),
  counts: z.strictObject({ blockers: count, warnings: count, servers: count }),
  added: cappedFindings,
  addedCount: count,
  removed: cappedFindings,
  removedCount: count,
});

export const outboundDetailSchemas = {
  [OUTBOUND_DETAIL_TYPES.recoveryExecutionStatusChange]: recoveryExecutionStatusChangeSchema,
  [OUTBOUND_DETAIL_TYPES.waveStatusChange]: waveStatusChangeSchema,
  [OUTBOUND_DETAIL_TYPES.approvalRequired]: approvalRequiredSchema,
  [OUTBOUND_DETAIL_TYPES.drillCleanupCompleted]: drillCleanupCompletedSchema,
  [OUTBOUND_DETAIL_TYPES.planHealthChanged]: planHealthChangedSchema,
} as const;

export type OutboundDetailType = keyof typeof outboundDetailSchemas;
export type OutboundDetail<T extends OutboundDetailType> = z.input<(typeof outboundDetailSchemas)[T]>;

export type RecoveryExecutionStatusChange = z.output<typeof recoveryExecutionStatusChangeSchema>;
export type WaveStatusChange = z.output<typeof waveStatusChangeSchema>;
export type ApprovalRequired = z.output<typeof approvalRequiredSchema>;
export type DrillCleanupCompleted = z.output<typeof drillCleanupCompletedSchema>;
export type PlanHealthChanged = z.output<typeof planHealthChangedSchema>;

function envelope<T extends OutboundDetailType>(detailType: T) {
  return z.object({
    id: z.string().min(1),
    source: z.literal(OUTBOUND_EVENT_SOURCE),
    "detail-type": z.literal(detailType),
    time: isoTime,
    detail: outboundDetailSchemas[detailType],
  });
}

/** An outbound event as a subscriber receives it (the EventBridge envelope around one of the details). */
export const outboundEventSchema = z.discriminatedUnion("detail-type", [
  envelope(OUTBOUND_DETAIL_TYPES.recoveryExecutionStatusChange),
  envelope(OUTBOUND_DETAIL_TYPES.waveStatusChange),
  envelope(OUTBOUND_DETAIL_TYPES.approvalRequired),
  envelope(OUTBOUND_DETAIL_TYPES.drillCleanupCompleted),
  envelope(OUTBOUND_DETAIL_TYPES.planHealthChanged),
]);

export type OutboundEvent = z.output<typeof outboundEventSchema>;

/** The first IDs of a list, for a capped event field. */
export function capIds(ids: readonly string[]): string[] {
  return ids.slice(0, OUTBOUND_ID_LIST_CAP);
}

const LAUNCHED: ReadonlySet<ServerRecordStatus> = new Set(["LAUNCHED", "HEALTHY", "UNHEALTHY"]);

/** A wave's server counts for `Wave Status Change`, counted as the recovery report counts them. */
export function waveStatusCounts(
  statuses: readonly ServerRecordStatus[],
): Omit<WaveStatusChange["counts"], "servers"> {
  return {
    launched: statuses.filter((status) => LAUNCHED.has(status)).length,
    healthy: statuses.filter((status) => status === "HEALTHY").length,
    failed: statuses.filter(isFailedServer).length,
  };
}
