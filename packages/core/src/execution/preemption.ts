import type { RecoveryMode } from "../plan/plan-schema";

/**
 * A real recovery outranks a drill: when a RECOVERY finds its plan or some of its servers held by
 * running drills, those drills are stopped and the recovery takes over. Nothing else pre-empts: a
 * drill never stops anything, and a RECOVERY held up by another RECOVERY (or by an execution whose
 * mode is not known) stops nothing and is refused, so no drill is stopped for a recovery that
 * cannot start anyway.
 */

/** An execution holding what a starting execution needs. */
export interface Holder {
  executionId: string;
  /** Undefined when the holder's record cannot be read: it is never taken for a drill. */
  mode?: RecoveryMode;
}

export type Preemption = { action: "PREEMPT"; drillIds: string[] } | { action: "REFUSE"; reason: string };

export function decidePreemption(mode: RecoveryMode, holders: readonly Holder[]): Preemption {
  if (mode !== "RECOVERY") return { action: "REFUSE", reason: "only a RECOVERY pre-empts running drills" };
  if (holders.length === 0) return { action: "REFUSE", reason: "nothing holds what the recovery needs" };
  const blocking = holders.filter((holder) => holder.mode !== "DRILL");
  if (blocking.length > 0) {
    const ids = [...new Set(blocking.map((holder) => holder.executionId))];
    return {
      action: "REFUSE",
      reason: `held by ${ids.join(", ")}, which ${ids.length === 1 ? "is not a drill" : "are not drills"}`,
    };
  }
  return { action: "PREEMPT", drillIds: [...new Set(holders.map((holder) => holder.executionId))] };
}
