import type { RecoveryInstanceFact } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { mapLimit } from "../steps/launch/map-limit";
import { describeRecoveryInstancesOf } from "../steps/prepare/live-recovery-guard";

const READ_CONCURRENCY = 8;

/**
 * The recovery instances on these servers, each traced to the execution whose launch job started
 * it (the JOB item the job left) and whether that execution still runs.
 */
export async function recoveryInstanceFacts(
  engine: EngineContext,
  sourceServerIds: readonly string[],
): Promise<RecoveryInstanceFact[]> {
  const instances = await describeRecoveryInstancesOf(engine, sourceServerIds);
  const jobIds = [...new Set(instances.flatMap((instance) => (instance.jobId ? [instance.jobId] : [])))];
  const jobs = await mapLimit(jobIds, READ_CONCURRENCY, (jobId) => engine.executions.getJob(jobId));
  const executionOf = new Map(jobIds.map((jobId, index) => [jobId, jobs[index]?.executionId]));
  const executionIds = [...new Set([...executionOf.values()].filter((id): id is string => id !== undefined))];
  const metas = await mapLimit(executionIds, READ_CONCURRENCY, (id) => engine.executions.getMeta(id));
  const running = new Map(executionIds.map((id, index) => [id, metas[index]?.status === "RUNNING"]));
  return instances.map((instance) => {
    const executionId = instance.jobId ? executionOf.get(instance.jobId) : undefined;
    return executionId === undefined
      ? instance
      : { ...instance, executionId, executionRunning: running.get(executionId) === true };
  });
}
