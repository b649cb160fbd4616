import { formatDuration } from "../common/duration";
import type { Group } from "../plan/plan-schema";

/**
 * A gate without a timeout waits as long as a recovery can run: a Standard Step Functions
 * execution lasts at most a year, which is also the longest timeout a plan may give.
 */
export const UNBOUNDED_APPROVAL_SECONDS = 365 * 86_400;

/**
 * What the workflow's approval state may wait when no wave of the plan has a gate: each wave's
 * gate then opens at once, so the bound only keeps a lost completion from holding the recovery.
 */
export const GATELESS_APPROVAL_WAIT_SECONDS = 300;

export type ApprovalDecision = "APPROVE" | "REJECT";
export type ApprovalStatus = "PENDING" | "APPROVED" | "REJECTED" | "EXPIRED";

/** The approval a wave needs before it launches, from the `approval` settings of its groups. */
export type WaveGate =
  | { required: false }
  | {
      required: true;
      /** The wave's groups that ask for the approval. */
      gatingGroupIds: string[];
      /** The strictest timeout of those groups; unbounded when none gives one. */
      timeoutSeconds: number;
      /** Who may decide: anyone any gating group lists; empty when none lists anyone (no restriction). */
      approvers: string[];
    };

type GateSettings = Pick<Group, "id" | "approval">;

function timeoutOf(approval: NonNullable<Group["approval"]>): number {
  return typeof approval === "object" && approval.timeout !== undefined
    ? approval.timeout
    : UNBOUNDED_APPROVAL_SECONDS;
}

/**
 * One gate per wave: the wave waits when any of its groups asks for an approval, for the shortest
 * timeout they give. A wave has one decision, so when several groups list approvers any of them
 * may decide; a gating group that lists nobody (`approval: true`) leaves the choice to those lists.
 */
export function waveGate(groups: readonly GateSettings[]): WaveGate {
  const gating = groups.filter(
    (group): group is GateSettings & { approval: NonNullable<Group["approval"]> } =>
      group.approval !== undefined && group.approval !== false,
  );
  if (gating.length === 0) return { required: false };
  const approvers = new Set<string>();
  for (const { approval } of gating) {
    if (typeof approval === "object") for (const name of approval.approvers ?? []) approvers.add(name);
  }
  return {
    required: true,
    gatingGroupIds: gating.map((group) => group.id),
    timeoutSeconds: Math.min(...gating.map((group) => timeoutOf(group.approval))),
    approvers: [...approvers],
  };
}

/**
 * How long the workflow's approval state may wait, the same for every wave of the plan: the
 * longest timeout of its gates. Step Functions fixes a task's timeout when the state is entered,
 * before the gate's own timeout is known, and the payload carries no per-wave data; a gate with a
 * shorter timeout records its own deadline, and a decision after it expires the gate.
 */
export function approvalWaitSeconds(groups: readonly GateSettings[]): number {
  const timeouts = groups.flatMap((group) =>
    group.approval === undefined || group.approval === false ? [] : [timeoutOf(group.approval)],
  );
  // Step Functions needs a timeout of at least one second.
  return timeouts.length === 0 ? GATELESS_APPROVAL_WAIT_SECONDS : Math.max(1, ...timeouts);
}

/** Whether `by` may decide a gate with these approvers (nobody listed: anyone may). */
export function mayDecide(approvers: readonly string[], by: string): boolean {
  return approvers.length === 0 || approvers.includes(by);
}

/** When a gate requested at `requestedAt` expires. */
export function approvalExpiresAt(requestedAt: string, timeoutSeconds: number): string {
  return new Date(Date.parse(requestedAt) + timeoutSeconds * 1000).toISOString();
}

/** Whether the gate's deadline has passed at `now`. */
export function approvalExpired(expiresAt: string, now: string): boolean {
  return Date.parse(now) >= Date.parse(expiresAt);
}

/** Why the recovery stops when a wave is rejected, e.g. `wave 2 rejected by alice: database not in sync`. */
export function rejectionReason(wave: number, by: string, comment?: string): string {
  const note = comment?.trim();
  return `wave ${wave} rejected by ${by}${note ? `: ${note}` : ""}`;
}

/** Why the recovery stops when nobody decided in time, e.g. `approval for wave 2 expired after 1h`. */
export function expiryReason(wave: number, timeoutSeconds: number): string {
  return `approval for wave ${wave} expired after ${formatDuration(timeoutSeconds)}`;
}

/** The status a decision leads to. */
export function decidedStatus(decision: ApprovalDecision): "APPROVED" | "REJECTED" {
  return decision === "APPROVE" ? "APPROVED" : "REJECTED";
}
