import type { RecoveryMode } from "../plan/plan-schema";

/**
 * Which of a drill's servers its cleanup must leave alone because a running RECOVERY holds them: a
 * server whose lock a running RECOVERY holds, and, while the RECOVERY that pre-empted the drill has
 * not yet taken its locks (its Prepare has not run), every server of the drill, since that recovery
 * may take any of them. A drill cleanup never terminates an instance on such a server nor reverts
 * its settings: DRS replaces the server's recovery instance when the recovery launches it, and the
 * launch template is the recovery's now.
 */

/** A source server's lock as the executions table has it. */
export interface ServerLockView {
  sourceServerId: string;
  executionId: string;
  released: boolean;
}

/** The record of an execution holding a lock. */
export interface LockHolderView {
  mode: RecoveryMode;
  running: boolean;
}

/** The RECOVERY that pre-empted the drill, as far as it got. */
export interface PreemptingRecovery {
  executionId: string;
  running: boolean;
  /** Its Prepare took its server locks: from then on the locks say which servers it holds. */
  prepared: boolean;
}

/** @returns the recovery execution holding each server that must be left alone, by source server */
export function recoveryHolds(input: {
  drillId: string;
  sourceServerIds: readonly string[];
  locks: readonly ServerLockView[];
  holders: ReadonlyMap<string, LockHolderView>;
  preemptedBy?: PreemptingRecovery;
}): Map<string, string> {
  const held = new Map<string, string>();
  const { preemptedBy } = input;
  if (preemptedBy?.running && !preemptedBy.prepared) {
    for (const id of input.sourceServerIds) held.set(id, preemptedBy.executionId);
    return held;
  }
  const wanted = new Set(input.sourceServerIds);
  for (const lock of input.locks) {
    if (!wanted.has(lock.sourceServerId) || lock.released || lock.executionId === input.drillId) continue;
    const holder = input.holders.get(lock.executionId);
    if (holder?.mode === "RECOVERY" && holder.running) held.set(lock.sourceServerId, lock.executionId);
  }
  return held;
}
