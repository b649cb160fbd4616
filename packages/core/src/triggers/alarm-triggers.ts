import type { AlarmStateChange } from "../events/alarm-state-change";
import type { Plan, RecoveryMode } from "../plan/plan-schema";

/** One recovery an alarm asks for. */
export interface AlarmStart {
  planId: string;
  mode: RecoveryMode;
  /**
   * A real recovery needs `confirm` equal to the plan ID. For a trigger, the plan's own
   * `allowAutomaticRecovery: true` is that confirmation, given when the plan was applied.
   */
  confirm?: string;
}

export type AlarmDecision = { action: "start"; starts: AlarmStart[] } | { action: "ignore"; reason: string };

/**
 * What an alarm state change starts: for a change into ALARM, one recovery per plan naming the
 * alarm in `triggers.alarms`, a DRILL unless the plan both lists the alarm with mode RECOVERY and
 * sets `triggers.allowAutomaticRecovery: true` (plan validation refuses the first without the
 * second; this holds even for a plan stored before that check). Anything else is ignored.
 */
export function decideAlarmStarts(change: AlarmStateChange, plans: readonly Plan[]): AlarmDecision {
  if (change.state !== "ALARM") {
    return { action: "ignore", reason: `alarm ${change.alarmName} went to ${change.state}, not ALARM` };
  }
  if (change.previousState === "ALARM") {
    return { action: "ignore", reason: `alarm ${change.alarmName} was already in ALARM` };
  }
  const starts = plans.flatMap((plan): AlarmStart[] => {
    const alarm = plan.triggers?.alarms?.find((candidate) => candidate.name === change.alarmName);
    if (!alarm) return [];
    const recovery = alarm.mode === "RECOVERY" && plan.triggers?.allowAutomaticRecovery === true;
    return [
      recovery ? { planId: plan.id, mode: "RECOVERY", confirm: plan.id } : { planId: plan.id, mode: "DRILL" },
    ];
  });
  if (starts.length === 0) return { action: "ignore", reason: `no plan names alarm ${change.alarmName}` };
  return { action: "start", starts: starts.sort((a, b) => a.planId.localeCompare(b.planId)) };
}

/** The idempotency key of an alarm's start: one per state change, however often its event arrives. */
export function alarmIdempotencyKey(change: AlarmStateChange): string {
  return `alarm:${change.alarmName}:${change.changedAt}`;
}
