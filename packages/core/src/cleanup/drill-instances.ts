/**
 * Which recovery instances a drill cleanup may terminate. A drill cleanup must never touch an
 * instance that is not the drill's: only drill instances (`isDrill`) launched by a DRS job this
 * execution started qualify, whatever else runs on the same source servers.
 */

/** A DRS recovery instance as the cleanup sees it (DescribeRecoveryInstances). */
export interface RecoveryInstanceView {
  recoveryInstanceId: string;
  sourceServerId: string;
  /** The DRS job that launched the instance. */
  jobId?: string;
  isDrill: boolean;
  /** DRS's view of the EC2 instance: PENDING, RUNNING, STOPPED, SHUTTING-DOWN, TERMINATED, NOT_FOUND … */
  ec2InstanceState?: string;
}

export interface DrillInstanceSelection {
  /** The execution's drill instances to terminate now. */
  terminate: RecoveryInstanceView[];
  /** The execution's drill instances whose source server is in a DRS job still in progress: later. */
  waiting: RecoveryInstanceView[];
  /** The execution's drill instances on servers a running RECOVERY holds: left alone. */
  held: RecoveryInstanceView[];
}

/** EC2 states in which there is nothing left to terminate. */
const GONE = new Set(["SHUTTING-DOWN", "TERMINATED", "NOT_FOUND"]);

/**
 * Splits the recovery instances on the execution's source servers into those to terminate now,
 * those to come back for and those on servers a running RECOVERY holds; every other instance (not a
 * drill, launched by a job of another execution or of no known execution, or already going away)
 * is left out.
 * @param jobOwners the execution that started each DRS job, for the jobs the executions table knows
 * @param busyServers source servers in a DRS job that has not completed (DRS refuses a second job on them)
 * @param heldServers source servers a running RECOVERY holds (see recoveryHolds): never touched
 */
export function selectDrillInstances(input: {
  executionId: string;
  instances: readonly RecoveryInstanceView[];
  jobOwners: ReadonlyMap<string, string>;
  busyServers: ReadonlySet<string>;
  heldServers: ReadonlyMap<string, string>;
}): DrillInstanceSelection {
  const selection: DrillInstanceSelection = { terminate: [], waiting: [], held: [] };
  for (const instance of input.instances) {
    if (!instance.isDrill || instance.jobId === undefined) continue;
    if (input.jobOwners.get(instance.jobId) !== input.executionId) continue;
    if (instance.ec2InstanceState !== undefined && GONE.has(instance.ec2InstanceState)) continue;
    if (input.heldServers.has(instance.sourceServerId)) selection.held.push(instance);
    else if (input.busyServers.has(instance.sourceServerId)) selection.waiting.push(instance);
    else selection.terminate.push(instance);
  }
  return selection;
}
