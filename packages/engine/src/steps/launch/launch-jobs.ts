import { DescribeJobsCommand, type DrsClient, type Job } from "@aws-sdk/client-drs";
import type { ActiveJob } from "@drs-orchestrator/core";
import { aws } from "./aws-failures";
import { chunks } from "./map-limit";

/** Tags every launch job carries, so a job can be traced back to its execution, wave and batch. */
export const LAUNCH_TAG = {
  executionId: "drs-orchestrator:execution-id",
  wave: "drs-orchestrator:wave",
  attempt: "drs-orchestrator:attempt",
  batchId: "drs-orchestrator:batch-id",
} as const;

export interface BatchRef {
  executionId: string;
  wave: number;
  attempt: number;
  batchId: string;
}

export function launchTags(batch: BatchRef): Record<string, string> {
  return {
    [LAUNCH_TAG.executionId]: batch.executionId,
    [LAUNCH_TAG.wave]: String(batch.wave),
    [LAUNCH_TAG.attempt]: String(batch.attempt),
    [LAUNCH_TAG.batchId]: batch.batchId,
  };
}

export function isJobOfBatch(job: Job, batch: BatchRef): boolean {
  const tags = job.tags ?? {};
  return Object.entries(launchTags(batch)).every(([key, value]) => tags[key] === value);
}

/** DRS launch quotas are per account: every job not yet COMPLETED holds capacity, whoever started it. */
export function activeJobs(jobs: readonly Job[]): ActiveJob[] {
  return jobs
    .filter((job) => job.status !== "COMPLETED")
    .map((job) => ({
      jobId: job.jobID as string,
      sourceServerIds: (job.participatingServers ?? []).map((server) => server.sourceServerID as string),
    }));
}

/** Every job of the account created since `fromDate`, all pages. */
export async function jobsSince(drs: DrsClient, fromDate: string): Promise<Job[]> {
  const jobs: Job[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws("DRS DescribeJobs", () =>
      drs.send(new DescribeJobsCommand({ filters: { fromDate }, nextToken })),
    );
    jobs.push(...(page.items ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return jobs;
}

/** DescribeJobs takes at most this many job IDs in one filter. */
const MAX_JOB_IDS = 1000;

/** The jobs with these IDs, all pages. */
export async function jobsById(drs: DrsClient, jobIds: readonly string[]): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const ids of chunks([...new Set(jobIds)], MAX_JOB_IDS)) {
    let nextToken: string | undefined;
    do {
      const page = await aws("DRS DescribeJobs", () =>
        drs.send(new DescribeJobsCommand({ filters: { jobIDs: ids }, nextToken })),
      );
      jobs.push(...(page.items ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return jobs;
}
