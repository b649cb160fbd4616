import { DescribeJobsCommand, type Job, TerminateRecoveryInstancesCommand } from "@aws-sdk/client-drs";
import {
  DrillCleanupTimeoutError,
  type RecoveryInstanceView,
  selectDrillInstances,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { aws, awsErrorName } from "../steps/launch/aws-failures";
import { chunks, mapLimit } from "../steps/launch/map-limit";
import { describeRecoveryInstancesOf } from "../steps/prepare/live-recovery-guard";
import {
  type DrillCleanupServerItem,
  type ExecutionMeta,
  type JobItem,
  keys,
} from "../stores/execution-items";
import type { AwaitDrillTerminationInput, DrillCleanupStepInput } from "./cleanup-inputs";
import { requireDrill } from "./drill-meta";
import { requireEndedDrill } from "./ended-drill";
import { serversHeldByRecovery } from "./recovery-held-servers";

export interface DrillTerminationProgress {
  /** Recovery instances this call asked DRS to terminate. */
  requested: number;
  /** The cleanup's TERMINATE jobs, and launch jobs of the drill, still in progress. */
  pendingJobs: number;
  /** The drill's instances on source servers busy with another DRS job: terminated on a later poll. */
  waitingInstances: number;
  /** The drill's instances on source servers a running RECOVERY holds: left alone, and recorded. */
  heldInstances: number;
}

/** TerminateRecoveryInstances takes 1..200 recovery instances; DRS quotas may allow fewer per job. */
const MAX_INSTANCES_PER_CALL = 200;
/** Job IDs per DescribeJobs filter, well within the API's 1,000. */
const JOBS_PER_FILTER = 100;
const WRITE_CONCURRENCY = 8;

/** DRS refuses a job on a source server already in one, or beyond its job quotas: try again on the next poll. */
const BUSY = new Set(["ConflictException", "ServiceQuotaExceededException"]);

/**
 * First step of a drill cleanup: refuses anything but a drill that has ended, marks the cleanup
 * RUNNING from `now`, and asks DRS to terminate the drill's recovery instances (only drill
 * instances launched by this execution's jobs, at most 200 per TerminateRecoveryInstances, and none
 * on a server a running RECOVERY holds).
 * @throws DrillCleanupRefusedError for a RECOVERY execution or a drill still running
 */
export async function terminateDrillInstances(
  input: DrillCleanupStepInput,
  engine: EngineContext,
): Promise<DrillTerminationProgress> {
  const { executionId, now } = input;
  const drill = await requireEndedDrill(engine, executionId);
  // A run never takes the record over from a run that started later.
  await engine.executions.update(
    keys.drillCleanup(executionId),
    { executionId, status: "RUNNING", startedAt: now },
    {
      condition: "attribute_not_exists(pk) OR attribute_not_exists(#startedAt) OR #startedAt <= :now",
      names: { "#startedAt": "startedAt" },
      values: { ":now": now },
      remove: ["holdUntil", "holdToken", "holdEndRequested", "completedAt", "error", "cause"],
    },
  );
  return terminationPass(engine, drill, now);
}

/**
 * The termination poll: records what DRS terminated (DescribeJobs), terminates drill instances
 * that could not be terminated before (their server was in a job, or a launch of the drill was
 * still in flight), and gives up once the cleanup has waited `timeoutSeconds` since it started.
 * @throws DrillCleanupTimeoutError when jobs or instances are still pending past the timeout
 */
export async function awaitDrillTermination(
  input: AwaitDrillTerminationInput,
  engine: EngineContext,
): Promise<DrillTerminationProgress> {
  const { executionId, now, timeoutSeconds } = input;
  const drill = await requireDrill(engine, executionId);
  const progress = await terminationPass(engine, drill, now);
  if (progress.pendingJobs === 0 && progress.waitingInstances === 0) return progress;
  const startedAt = (await engine.executions.getDrillCleanup(executionId))?.startedAt ?? now;
  const waitedSeconds = Math.round((Date.parse(now) - Date.parse(startedAt)) / 1000);
  if (waitedSeconds >= timeoutSeconds) {
    throw new DrillCleanupTimeoutError(
      executionId,
      waitedSeconds,
      `${progress.pendingJobs} DRS job(s) and ${progress.waitingInstances} instance(s) on busy source servers`,
    );
  }
  return progress;
}

/**
 * One idempotent pass: settle the cleanup's TERMINATE jobs that completed, then terminate every
 * drill instance of the execution that is neither going away, nor on a server in a job in progress,
 * nor on a server a running RECOVERY holds (recorded as such, so the report names it). While the
 * recovery that pre-empted the drill has not taken its servers, every instance waits for it.
 */
async function terminationPass(
  engine: EngineContext,
  drill: ExecutionMeta,
  now: string,
): Promise<DrillTerminationProgress> {
  const { executionId } = drill;
  const [servers, records] = await Promise.all([
    engine.executions.servers(executionId),
    engine.executions.drillCleanupServers(executionId),
  ]);
  const terminateJobIds = unique(
    records
      .filter((record) => record.terminatedAt === undefined && record.terminateFailure === undefined)
      .map((record) => record.terminateJobId),
  );
  // A launch of the drill still in flight (the drill was stopped mid-wave) brings an instance later.
  const launchJobIds = unique(
    servers.filter((server) => server.status === "LAUNCHING").map((server) => server.jobId),
  );
  const jobs = await describeJobs(engine, [...terminateJobIds, ...launchJobIds]);
  const terminateJobs = new Set(terminateJobIds);
  await settleTerminations(
    engine,
    executionId,
    jobs.filter((job) => terminateJobs.has(job.jobID as string) && job.status === "COMPLETED"),
    records,
    now,
  );
  const active = jobs.filter((job) => job.status !== "COMPLETED");
  const busyServers = new Set(
    active.flatMap((job) =>
      (job.participatingServers ?? []).map((server) => server.sourceServerID as string),
    ),
  );

  const serverIds = servers.map((server) => server.sourceServerId);
  const instances = await recoveryInstances(engine, serverIds);
  const holds = await serversHeldByRecovery(engine, drill, serverIds);
  const selection = selectDrillInstances({
    executionId,
    instances,
    jobOwners: await jobOwners(engine, instances),
    // Until the recovery that pre-empted the drill has taken its servers, any of them may be its.
    busyServers: holds.awaiting === undefined ? busyServers : new Set(serverIds),
    heldServers: holds.held,
  });
  await recordHeld(engine, executionId, selection.held, holds.held, records);

  const activeIds = new Set(active.map((job) => job.jobID));
  const terminating = new Set(
    records
      .filter((record) => record.terminateJobId !== undefined && activeIds.has(record.terminateJobId))
      .map((record) => record.recoveryInstanceId),
  );
  const perCall = Math.min(MAX_INSTANCES_PER_CALL, engine.config.quotas.maxServersPerJob);
  const progress: DrillTerminationProgress = {
    requested: 0,
    pendingJobs: active.length,
    waitingInstances: selection.waiting.filter((instance) => !terminating.has(instance.recoveryInstanceId))
      .length,
    heldInstances: selection.held.length,
  };
  for (const batch of chunks(selection.terminate, perCall)) {
    if (await requestTermination(engine, executionId, batch, now)) {
      progress.requested += batch.length;
      progress.pendingJobs += 1;
    } else {
      progress.waitingInstances += batch.length;
    }
  }
  return progress;
}

/** Asks DRS to terminate the instances; false when DRS is busy with them or at its job quotas. */
async function requestTermination(
  engine: EngineContext,
  executionId: string,
  instances: readonly RecoveryInstanceView[],
  now: string,
): Promise<boolean> {
  let job: Job | undefined;
  try {
    ({ job } = await aws("DRS TerminateRecoveryInstances", () =>
      engine.aws.drs.send(
        new TerminateRecoveryInstancesCommand({
          recoveryInstanceIDs: instances.map((instance) => instance.recoveryInstanceId),
        }),
      ),
    ));
  } catch (error) {
    const name = awsErrorName(error);
    if (name === undefined || !BUSY.has(name)) throw error;
    logger.info("DRS cannot terminate these drill instances yet; the next poll tries again", {
      error: name,
      detail: (error as Error).message,
      instances: instances.length,
    });
    return false;
  }
  const jobId = job?.jobID;
  if (!jobId) throw new Error("DRS TerminateRecoveryInstances returned no job ID");
  await mapLimit(instances, WRITE_CONCURRENCY, (instance) =>
    engine.executions.update(
      keys.drillCleanupServer(executionId, instance.sourceServerId),
      {
        executionId,
        sourceServerId: instance.sourceServerId,
        recoveryInstanceId: instance.recoveryInstanceId,
        terminateJobId: jobId,
        terminateRequestedAt: job?.creationDateTime ?? now,
      },
      // Written whether or not the server has a record yet (its settings may have been reverted first).
      {
        condition: "attribute_not_exists(pk) OR attribute_exists(pk)",
        remove: ["terminatedAt", "terminateFailure", "heldByRecovery"],
      },
    ),
  );
  return true;
}

/** Records each server whose drill instance is left alone, with the RECOVERY holding it (once per holder). */
async function recordHeld(
  engine: EngineContext,
  executionId: string,
  held: readonly RecoveryInstanceView[],
  heldServers: ReadonlyMap<string, string>,
  records: readonly DrillCleanupServerItem[],
): Promise<void> {
  const recorded = new Map(records.map((record) => [record.sourceServerId, record.heldByRecovery]));
  const todo = held.filter(
    (instance) => recorded.get(instance.sourceServerId) !== heldServers.get(instance.sourceServerId),
  );
  await mapLimit(todo, WRITE_CONCURRENCY, (instance) => {
    const recoveryId = heldServers.get(instance.sourceServerId) as string;
    logger.info("drill instance left alone: a running recovery holds its server", {
      sourceServerId: instance.sourceServerId,
      recoveryInstanceId: instance.recoveryInstanceId,
      recoveryExecutionId: recoveryId,
    });
    return engine.executions.update(
      keys.drillCleanupServer(executionId, instance.sourceServerId),
      { executionId, sourceServerId: instance.sourceServerId, heldByRecovery: recoveryId },
      { condition: "attribute_not_exists(pk) OR attribute_exists(pk)" },
    );
  });
}

/** Records, per server, what each completed TERMINATE job did to the instance it was asked to end. */
async function settleTerminations(
  engine: EngineContext,
  executionId: string,
  completed: readonly Job[],
  records: readonly DrillCleanupServerItem[],
  now: string,
): Promise<void> {
  const updates = completed.flatMap((job) =>
    (job.participatingServers ?? []).flatMap((participant) => {
      const record = records.find(
        (candidate) =>
          candidate.sourceServerId === participant.sourceServerID && candidate.terminateJobId === job.jobID,
      );
      if (!record) return [];
      const set =
        participant.launchStatus === "TERMINATED"
          ? { terminatedAt: job.endDateTime ?? now }
          : {
              terminateFailure: `TERMINATE job ${job.jobID} ended with the instance ${participant.launchStatus ?? "in an unknown state"}`,
            };
      return [{ sourceServerId: record.sourceServerId, jobId: job.jobID as string, set }];
    }),
  );
  await mapLimit(updates, WRITE_CONCURRENCY, ({ sourceServerId, jobId, set }) =>
    engine.executions.update(keys.drillCleanupServer(executionId, sourceServerId), set, {
      condition: "#job = :job",
      names: { "#job": "terminateJobId" },
      values: { ":job": jobId },
    }),
  );
}

async function describeJobs(engine: EngineContext, jobIds: readonly string[]): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const ids of chunks(jobIds, JOBS_PER_FILTER)) {
    let nextToken: string | undefined;
    do {
      const page = await aws("DRS DescribeJobs", () =>
        engine.aws.drs.send(new DescribeJobsCommand({ filters: { jobIDs: ids }, nextToken })),
      );
      jobs.push(...(page.items ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return jobs;
}

async function recoveryInstances(
  engine: EngineContext,
  sourceServerIds: readonly string[],
): Promise<RecoveryInstanceView[]> {
  return (await describeRecoveryInstancesOf(engine, sourceServerIds)).map((item) => ({
    recoveryInstanceId: item.recoveryInstanceId,
    sourceServerId: item.sourceServerId,
    isDrill: item.isDrill === true,
    ...(item.jobId !== undefined && { jobId: item.jobId }),
    ...(item.ec2InstanceState !== undefined && { ec2InstanceState: item.ec2InstanceState }),
  }));
}

/** Which execution started each job that launched one of the instances, from the jobs' JOB items. */
async function jobOwners(
  engine: EngineContext,
  instances: readonly RecoveryInstanceView[],
): Promise<Map<string, string>> {
  const jobIds = unique(instances.map((instance) => instance.jobId));
  const items = await engine.executions.getMany<JobItem>(jobIds.map((jobId) => keys.job(jobId)));
  return new Map(items.map((item) => [item.jobId, item.executionId]));
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}
