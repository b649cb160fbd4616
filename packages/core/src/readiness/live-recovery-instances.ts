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

/**
 * The production recovery instances of these servers that are still alive, which a new RECOVERY
 * would replace (a DRS launch replaces a server's existing recovery instance). An instance that
 * does not say it is a drill, or does not say its state, counts as alive: better refuse than
 * destroy a production instance.
 */
export function liveRecoveryInstances(
  instances: readonly RecoveryInstanceSeen[],
  sourceServerIds: Iterable<string>,
): RecoveryInstanceSeen[] {
  const servers = new Set(sourceServerIds);
  return instances.filter(
    (instance) =>
      servers.has(instance.sourceServerId) &&
      instance.isDrill !== true &&
      (instance.ec2InstanceState === undefined || !GONE.has(instance.ec2InstanceState)),
  );
}
