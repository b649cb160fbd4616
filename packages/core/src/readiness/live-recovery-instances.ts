/** A recovery instance as DescribeRecoveryInstances lists it (the fields the guard reads). */
export interface RecoveryInstanceSeen {
  recoveryInstanceId: string;
  sourceServerId: string;
  jobId?: string;
  isDrill?: boolean;
  ec2InstanceState?: string;
}

/** EC2 states in which a recovery instance is gone or going: nothing left to protect. */
const GONE: ReadonlySet<string> = new Set(["TERMINATED", "NOT_FOUND", "SHUTTING-DOWN"]);

/** An instance that does not say its state counts as alive. */
export function recoveryInstanceAlive(instance: Pick<RecoveryInstanceSeen, "ec2InstanceState">): boolean {
  return instance.ec2InstanceState === undefined || !GONE.has(instance.ec2InstanceState);
}

/**
 * The production recovery instances of these servers that are still alive, which a new RECOVERY
 * would replace (a DRS launch replaces a server's existing recovery instance). An instance that
 * does not say it is a drill, or does not say its state, counts as alive: better refuse than
 * destroy a production instance.
 */
export function liveRecoveryInstances<T extends RecoveryInstanceSeen>(
  instances: readonly T[],
  sourceServerIds: Iterable<string>,
): T[] {
  const servers = new Set(sourceServerIds);
  return instances.filter(
    (instance) =>
      servers.has(instance.sourceServerId) && instance.isDrill !== true && recoveryInstanceAlive(instance),
  );
}
