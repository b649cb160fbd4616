import type { RecoveryMode } from "../plan/plan-schema";

/**
 * Which of a drill's servers its cleanup must leave alone because a running RECOVERY holds them: a
 * server whose lock a running RECOVERY holds. A drill cleanup never terminates an instance on such
 * a server nor reverts its settings: DRS replaces the server's recovery instance when the recovery
 * launches it, and the launch template is the recovery's now. While the RECOVERY that pre-empted
 * the drill has not taken its locks yet (it is starting, or its Prepare runs), any server of the
 * drill may become its: the cleanup waits for it instead of deciding.
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
  /** Starting (not yet known to Step Functions, within a start's time), or its workflow runs. */
  running: boolean;
  /** Its Prepare took its server locks: from then on the locks say which servers it holds. */
  prepared: boolean;
}

export interface RecoveryHolds {
  /** The recovery execution holding each server that must be left alone, by source server. */
  held: Map<string, string>;
  /** The pre-empting recovery while it has not taken its locks yet: come back once it has. */
  awaiting?: string;
}

export function recoveryHolds(input: {
  drillId: string;
  sourceServerIds: readonly string[];
  locks: readonly ServerLockView[];
  holders: ReadonlyMap<string, LockHolderView>;
  preemptedBy?: PreemptingRecovery;
}): RecoveryHolds {
  const held = new Map<string, string>();
  const wanted = new Set(input.sourceServerIds);
  for (const lock of input.locks) {
    if (!wanted.has(lock.sourceServerId) || lock.released || lock.executionId === input.drillId) continue;
    const holder = input.holders.get(lock.executionId);
    if (holder?.mode === "RECOVERY" && holder.running) held.set(lock.sourceServerId, lock.executionId);
  }
  const { preemptedBy } = input;
  if (preemptedBy?.running && !preemptedBy.prepared) return { held, awaiting: preemptedBy.executionId };
  return { held };
}
