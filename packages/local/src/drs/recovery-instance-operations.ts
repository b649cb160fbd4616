import type { DrsOperation } from "./drs-context";
import { conflict, resourceNotFound } from "./drs-errors";
import { paginate } from "./drs-pagination";
import {
  describeRecoveryInstancesRequest,
  disconnectRecoveryInstanceRequest,
  parseRequest,
} from "./drs-requests";
import { recoveryInstanceView } from "./drs-views";

export const describeRecoveryInstances: DrsOperation = (context, request) => {
  const { filters, ...page } = parseRequest(describeRecoveryInstancesRequest, request.body);
  let instances = [...context.state.recoveryInstances.values()];
  if (filters?.recoveryInstanceIDs?.length) {
    const wanted = new Set(filters.recoveryInstanceIDs);
    instances = instances.filter((instance) => wanted.has(instance.recoveryInstanceID as string));
  }
  if (filters?.sourceServerIDs?.length) {
    const wanted = new Set(filters.sourceServerIDs);
    instances = instances.filter((instance) => wanted.has(instance.sourceServerID as string));
  }
  const result = paginate(instances, page, "DescribeRecoveryInstances");
  return {
    body: {
      items: result.items.map((instance) => recoveryInstanceView(context, instance)),
      nextToken: result.nextToken,
    },
  };
};

/**
 * Stops DRS from managing the recovery instance, as DRS does: the EC2 instance keeps running and
 * the recovery instance stays listed, its data replication DISCONNECTED.
 */
export const disconnectRecoveryInstance: DrsOperation = (context, request) => {
  const { recoveryInstanceID } = parseRequest(disconnectRecoveryInstanceRequest, request.body);
  const instance = context.state.recoveryInstances.get(recoveryInstanceID);
  if (!instance) {
    throw resourceNotFound(
      `Recovery instance ${recoveryInstanceID} does not exist`,
      recoveryInstanceID,
      "RECOVERY_INSTANCE",
    );
  }
  const activeJob = context.state.activeJobOf(instance.sourceServerID as string);
  if (activeJob) {
    throw conflict(
      `Recovery instance ${recoveryInstanceID} is part of job ${activeJob.job.jobID}, which is still in progress`,
      recoveryInstanceID,
      "RECOVERY_INSTANCE",
    );
  }
  instance.dataReplicationInfo = {
    ...instance.dataReplicationInfo,
    dataReplicationState: "DISCONNECTED",
    lagDuration: undefined,
    replicatedDisks: instance.dataReplicationInfo?.replicatedDisks?.map((disk) => ({
      ...disk,
      totalStorageBytes: 0,
    })),
  };
  return { body: {} };
};
