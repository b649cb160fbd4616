import { paginateDescribeRecoveryInstances } from "@aws-sdk/client-drs";
import {
  type LiveRecoveryInstance,
  LiveRecoveryInstancesError,
  liveRecoveryInstances,
  type RecoveryInstanceSeen,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { aws } from "../launch/aws-failures";
import { chunks, mapLimit } from "../launch/map-limit";

/** DescribeRecoveryInstances takes at most this many source server IDs in one filter. */
const MAX_SOURCE_SERVER_IDS = 200;
const READ_CONCURRENCY = 8;

/** The recovery instances DRS lists on these servers (DescribeRecoveryInstances, all pages). */
export async function describeRecoveryInstancesOf(
  engine: EngineContext,
  sourceServerIds: readonly string[],
): Promise<RecoveryInstanceSeen[]> {
  const seen: RecoveryInstanceSeen[] = [];
  for (const ids of chunks(sourceServerIds, MAX_SOURCE_SERVER_IDS)) {
    await aws("DRS DescribeRecoveryInstances", async () => {
      for await (const page of paginateDescribeRecoveryInstances(
        { client: engine.aws.drs },
        { filters: { sourceServerIDs: ids } },
      )) {
        for (const item of page.items ?? []) {
          if (!item.recoveryInstanceID || !item.sourceServerID) continue;
          seen.push({
            recoveryInstanceId: item.recoveryInstanceID,
            sourceServerId: item.sourceServerID,
            ...(item.jobID !== undefined && { jobId: item.jobID }),
            ...(item.isDrill !== undefined && { isDrill: item.isDrill }),
            ...(item.ec2InstanceState !== undefined && { ec2InstanceState: item.ec2InstanceState }),
          });
        }
      }
    });
  }
  return seen;
}

/**
 * Refuses a RECOVERY over servers that still run the production recovery instance of an earlier
 * recovery: a DRS launch replaces a server's recovery instance, so it would destroy what the
 * earlier recovery brought back. Each instance is traced to the execution that launched it through
 * the JOB item its launch job left.
 * @throws LiveRecoveryInstancesError naming each server, its instance and that execution
 */
export async function refuseLiveRecoveryInstances(
  engine: EngineContext,
  sourceServerIds: readonly string[],
): Promise<void> {
  const seen = await describeRecoveryInstancesOf(engine, sourceServerIds);
  const live = liveRecoveryInstances(seen, sourceServerIds);
  if (live.length === 0) return;
  const jobIds = [...new Set(live.flatMap((instance) => (instance.jobId ? [instance.jobId] : [])))];
  const jobs = await mapLimit(jobIds, READ_CONCURRENCY, (jobId) => engine.executions.getJob(jobId));
  const executionOf = new Map(jobIds.map((jobId, index) => [jobId, jobs[index]?.executionId]));
  throw new LiveRecoveryInstancesError(
    live
      .map((instance): LiveRecoveryInstance => {
        const executionId = instance.jobId ? executionOf.get(instance.jobId) : undefined;
        return {
          sourceServerId: instance.sourceServerId,
          recoveryInstanceId: instance.recoveryInstanceId,
          ...(executionId !== undefined && { executionId }),
          ...(instance.ec2InstanceState !== undefined && { ec2InstanceState: instance.ec2InstanceState }),
        };
      })
      .sort((a, b) => a.sourceServerId.localeCompare(b.sourceServerId)),
  );
}
