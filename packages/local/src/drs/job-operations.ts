import type { Job } from "@aws-sdk/client-drs";
import { Ec2Error } from "../ec2/ec2-error";
import type { DrsContext, DrsOperation } from "./drs-context";
import { conflict, resourceNotFound, serviceQuotaExceeded, validationError } from "./drs-errors";
import { paginate } from "./drs-pagination";
import { quotaViolation } from "./drs-quotas";
import {
  describeJobLogItemsRequest,
  describeJobsRequest,
  parseRequest,
  startRecoveryRequest,
  terminateRecoveryInstancesRequest,
} from "./drs-requests";
import type { JobRecord, ServerRecord } from "./drs-state";
import { runLaunchJob, runTerminateJob, type ServerLaunch } from "./job-runner";
import { type LaunchPlan, planLaunch } from "./launch-plan";
import { recoverySnapshotsOf } from "./recovery-snapshots";

export const startRecovery: DrsOperation = (context, request) => {
  const input = parseRequest(startRecoveryRequest, request.body);
  const ids = input.sourceServers.map((server) => server.sourceServerID);
  refuseDuplicates(ids, "sourceServers");
  const servers = ids.map((id) => context.state.requireServer(id));
  const snapshotTimes = input.sourceServers.map((requested, index) =>
    requested.recoverySnapshotID === undefined
      ? undefined
      : snapshotTime(context, servers[index] as ServerRecord, requested.recoverySnapshotID, index),
  );
  checkCapacity(context, ids);

  const isDrill = input.isDrill ?? false;
  const record = createJob(context, isDrill, {
    type: "LAUNCH",
    initiatedBy: isDrill ? "START_DRILL" : "START_RECOVERY",
    participatingServers: ids.map((sourceServerID) => ({
      sourceServerID,
      launchStatus: "PENDING",
      launchActionsStatus: { runs: [] },
    })),
    tags: input.tags ?? {},
  });
  const apiCallDateTime = record.job.creationDateTime;
  const launches: ServerLaunch[] = input.sourceServers.map((requested, index) => {
    const server = servers[index] as ServerRecord;
    server.item.lastLaunchResult = "PENDING";
    server.item.lifeCycle = {
      ...server.item.lifeCycle,
      lastLaunch: {
        initiated: { jobID: record.job.jobID, type: isDrill ? "DRILL" : "RECOVERY", apiCallDateTime },
        status: "PENDING",
      },
    };
    const launch = (context.counters.launches[requested.sourceServerID] ?? 0) + 1;
    context.counters.launches[requested.sourceServerID] = launch;
    return { server, launch, snapshotMs: snapshotTimes[index], plan: launchPlanFor(context, server) };
  });
  context.counters.launchJobs++;
  context.track(runLaunchJob(context.runner, record, launches));
  return { status: 202, body: { job: structuredClone(record.job) } };
};

export const terminateRecoveryInstances: DrsOperation = (context, request) => {
  const { recoveryInstanceIDs } = parseRequest(terminateRecoveryInstancesRequest, request.body);
  refuseDuplicates(recoveryInstanceIDs, "recoveryInstanceIDs");
  const instances = recoveryInstanceIDs.map((id, index) => {
    const instance = context.state.recoveryInstances.get(id);
    if (!instance) {
      throw validationError(`Recovery instance ${id} does not exist`, "fieldValidationFailed", [
        {
          name: `recoveryInstanceIDs[${index}]`,
          message: `${id} is not a recovery instance of this account`,
        },
      ]);
    }
    return instance;
  });
  checkCapacity(
    context,
    instances.map((instance) => instance.sourceServerID as string),
  );
  const record = createJob(context, false, {
    type: "TERMINATE",
    initiatedBy: "TERMINATE_RECOVERY_INSTANCES",
    participatingServers: instances.map((instance) => ({
      sourceServerID: instance.sourceServerID,
      recoveryInstanceID: instance.recoveryInstanceID,
      launchStatus: "PENDING",
    })),
    tags: {},
  });
  context.track(runTerminateJob(context.runner, record));
  return { body: { job: structuredClone(record.job) } };
};

/** Newest first, as DRS lists jobs. */
export const describeJobs: DrsOperation = (context, request) => {
  const { filters, ...page } = parseRequest(describeJobsRequest, request.body);
  let jobs = [...context.state.jobs.values()].map((record) => record.job).reverse();
  if (filters?.jobIDs?.length) {
    const wanted = new Set(filters.jobIDs);
    jobs = jobs.filter((job) => wanted.has(job.jobID as string));
  }
  const from = filters?.fromDate;
  const to = filters?.toDate;
  if (from) jobs = jobs.filter((job) => Date.parse(job.creationDateTime as string) >= Date.parse(from));
  if (to) jobs = jobs.filter((job) => Date.parse(job.creationDateTime as string) <= Date.parse(to));
  const result = paginate(jobs, page, "DescribeJobs");
  return { body: { items: structuredClone(result.items), nextToken: result.nextToken } };
};

export const describeJobLogItems: DrsOperation = (context, request) => {
  const { jobID, ...page } = parseRequest(describeJobLogItemsRequest, request.body);
  const record = context.state.jobs.get(jobID);
  if (!record) throw resourceNotFound(`Job ${jobID} does not exist`, jobID, "JOB");
  const result = paginate(record.log, page, "DescribeJobLogItems");
  return { body: { items: structuredClone(result.items), nextToken: result.nextToken } };
};

/**
 * The time of the server's snapshot the request names. DRS documents no error for a snapshot that is
 * not the server's (StartRecovery lists no ValidationException at all), so the emulator refuses it
 * as it refuses other bad fields: a ValidationException naming the field.
 * https://docs.aws.amazon.com/drs/latest/APIReference/API_StartRecovery.html
 */
function snapshotTime(context: DrsContext, server: ServerRecord, snapshotID: string, index: number): number {
  const snapshot = recoverySnapshotsOf(context, server).find(
    (candidate) => candidate.snapshotID === snapshotID,
  );
  if (!snapshot) {
    const sourceServerID = server.fleet.sourceServerID;
    throw validationError(
      `Recovery snapshot ${snapshotID} is not a snapshot of source server ${sourceServerID}`,
      "fieldValidationFailed",
      [
        {
          name: `sourceServers[${index}].recoverySnapshotID`,
          message: `${snapshotID} is not a recovery snapshot of ${sourceServerID}: pick one DescribeRecoverySnapshots lists for it`,
        },
      ],
    );
  }
  return Date.parse(snapshot.timestamp as string);
}

function refuseDuplicates(ids: string[], field: string): void {
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) {
    throw validationError(`${field} lists ${duplicate} twice`, "fieldValidationFailed", [
      { name: field, message: `lists ${duplicate} twice` },
    ]);
  }
}

/** One job at a time per source server, then the launch quotas. */
function checkCapacity(context: DrsContext, sourceServerIDs: string[]): void {
  for (const id of sourceServerIDs) {
    const active = context.state.activeJobOf(id);
    if (active) {
      throw conflict(
        `Source server ${id} is already part of job ${active.job.jobID}, which is still in progress`,
        id,
        "SOURCE_SERVER",
      );
    }
  }
  const active = context.state.activeJobs();
  const violation = quotaViolation(
    sourceServerIDs.length,
    {
      jobs: active.length,
      servers: active.reduce((sum, record) => sum + (record.job.participatingServers?.length ?? 0), 0),
    },
    context.quotas,
  );
  if (violation)
    throw serviceQuotaExceeded(violation.message, { quotaCode: violation.quotaCode, resourceType: "JOB" });
}

function createJob(
  context: DrsContext,
  isDrill: boolean,
  fields: Pick<Job, "type" | "initiatedBy" | "participatingServers" | "tags">,
): JobRecord {
  const jobID = `drsjob-${context.ids.hex(17)}`;
  const record: JobRecord = {
    job: {
      jobID,
      arn: `arn:aws:drs:${context.region}:${context.accountId}:job/${jobID}`,
      ...fields,
      creationDateTime: context.clock.isoNow(),
      status: "PENDING",
    },
    log: [],
    isDrill,
  };
  context.state.jobs.set(jobID, record);
  return record;
}

/** What the server will launch with: its launch configuration and its template's default version now. */
function launchPlanFor(context: DrsContext, server: ServerRecord): LaunchPlan {
  const configuration = server.launchConfiguration;
  let template: ReturnType<DrsContext["ec2"]["launchTemplateData"]>;
  try {
    template = context.ec2.launchTemplateData(configuration.ec2LaunchTemplateID as string, "$Default");
  } catch (error) {
    if (error instanceof Ec2Error)
      return { ok: false, reason: `Launch template unusable: ${error.code}: ${error.message}` };
    throw error;
  }
  return planLaunch({
    sourceServerID: server.fleet.sourceServerID,
    os: server.fleet.os,
    recommendedInstanceType: server.fleet.recommendedInstanceType,
    sourcePrivateIp: server.fleet.privateIp,
    sourceTags: server.item.tags ?? {},
    configuration: structuredClone(configuration),
    template,
    subnets: context.subnets,
  });
}
