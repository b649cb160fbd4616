import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  GetLaunchConfigurationCommand,
  ListTagsForResourceCommand,
  paginateDescribeJobLogItems,
  paginateDescribeSourceServers,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartRecoveryCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateLaunchConfigurationCommand,
  ValidationException,
} from "@aws-sdk/client-drs";
import type { Fleet } from "@drs-orchestrator/core";
import { afterEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createDrsEmulator } from "../../packages/local/src/drs/drs-emulator";
import type { DrsQuotas } from "../../packages/local/src/drs/drs-quotas";
import { createEc2Emulator } from "../../packages/local/src/ec2/ec2-emulator";
import { generateFleet } from "../../packages/local/src/fleet/generate-fleet";
import { startGateway } from "../../packages/local/src/gateway/gateway";

/**
 * Jobs wait ten simulated minutes (200 ms at 3000×) before they start, so a job is surely still in
 * progress when the next request arrives, even on a loaded machine; the steps after are short.
 */
const TIMINGS = {
  jobStartSeconds: 600,
  snapshotSeconds: 10,
  conversionSeconds: 10,
  bootLinuxSeconds: 10,
  bootWindowsSeconds: 10,
};
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function localDrs(options: { fleet: Fleet; quotas?: Partial<DrsQuotas> }) {
  const clock = new SimClock({ speed: 3000, start: new Date("2026-11-21T10:00:00Z") });
  const ec2 = createEc2Emulator({
    clock,
    accountId: "111122223333",
    region: "us-east-1",
    fleet: options.fleet,
  });
  const drs = createDrsEmulator({
    clock,
    accountId: "111122223333",
    region: "us-east-1",
    fleet: options.fleet,
    ec2,
    events: { publish: async () => {} },
    quotas: options.quotas,
    timings: TIMINGS,
  });
  const gateway = await startGateway({ handlers: [ec2, drs] });
  const client = new DrsClient({
    endpoint: gateway.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  cleanups.push(async () => {
    client.destroy();
    await gateway.close();
    drs.stop();
    clock.stop();
  });
  return { clock, drs, client, endpoint: gateway.endpoint };
}

async function failure<T>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected ${type.name}`);
}

function ids(fleet: Fleet, from: number, to: number): string[] {
  return fleet.sourceServers.slice(from, to).map((server) => server.sourceServerID);
}

function recover(drs: DrsClient, sourceServerIds: string[], tags?: Record<string, string>) {
  return drs.send(
    new StartRecoveryCommand({
      isDrill: true,
      sourceServers: sourceServerIds.map((sourceServerID) => ({ sourceServerID })),
      tags,
    }),
  );
}

describe("DRS emulator: source servers", () => {
  it("lists the fleet's source servers page by page, 100 per page unless asked otherwise", async () => {
    const fleet = generateFleet({ servers: 150 });
    const { client } = await localDrs({ fleet });
    const first = await client.send(new DescribeSourceServersCommand({}));
    expect(first.items).toHaveLength(100);
    expect(first.nextToken).toBeTypeOf("string");

    const pages = [];
    for await (const page of paginateDescribeSourceServers({ client, pageSize: 40 }, {})) pages.push(page);
    expect(pages.map((page) => page.items?.length)).toEqual([40, 40, 40, 30]);
    const items = pages.flatMap((page) => page.items ?? []);
    expect(items.map((item) => item.sourceServerID)).toEqual(ids(fleet, 0, 150));
    expect(items[0]).toMatchObject({
      arn: `arn:aws:drs:us-east-1:111122223333:source-server/${fleet.sourceServers[0]?.sourceServerID}`,
      tags: { Name: "payments-db-0001", app: "payments", tier: "db" },
      lastLaunchResult: "NOT_STARTED",
      replicationDirection: "FAILOVER",
      dataReplicationInfo: {
        dataReplicationState: "CONTINUOUS",
        lagDuration: expect.stringMatching(/^PT\dS$/),
      },
      sourceProperties: { recommendedInstanceType: "r5.xlarge" },
    });
    expect(items[0]?.lifeCycle?.lastSeenByServiceDateTime).toMatch(/^2026-11-21T10:\d\d:\d\dZ$/);
  });

  it("filters by source server ID, at most 200 of them", async () => {
    const fleet = generateFleet({ servers: 6 });
    const { client } = await localDrs({ fleet });
    const { items } = await client.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: ids(fleet, 2, 4) } }),
    );
    expect(items?.map((item) => item.sourceServerID)).toEqual(ids(fleet, 2, 4));

    const tooMany = Array.from({ length: 201 }, (_, i) => `s-${String(i).padStart(17, "0")}`);
    const error = await failure(
      client.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: tooMany } })),
      ValidationException,
    );
    expect(error.fieldList).toEqual([
      { name: "filters.sourceServerIDs", message: "must list at most 200 source server IDs" },
    ]);
  });

  it("updates launch configurations idempotently, keeping what a request leaves out", async () => {
    const fleet = generateFleet({ servers: 2 });
    const { client } = await localDrs({ fleet });
    const sourceServerID = ids(fleet, 0, 1)[0] as string;
    const before = await client.send(new GetLaunchConfigurationCommand({ sourceServerID }));
    const update = new UpdateLaunchConfigurationCommand({
      sourceServerID,
      copyPrivateIp: true,
      targetInstanceTypeRightSizingMethod: "NONE",
      licensing: { osByol: true },
    });
    const once = await client.send(update);
    const twice = await client.send(update);
    const { $metadata: _a, ...first } = once;
    const { $metadata: _b, ...second } = twice;
    expect(second).toEqual(first);
    expect(first).toEqual({
      sourceServerID,
      name: "payments-db-0001",
      ec2LaunchTemplateID: before.ec2LaunchTemplateID,
      launchDisposition: "STARTED",
      targetInstanceTypeRightSizingMethod: "NONE",
      copyPrivateIp: true,
      copyTags: false,
      licensing: { osByol: true },
      postLaunchEnabled: false,
    });
    const unknown = await failure(
      client.send(new GetLaunchConfigurationCommand({ sourceServerID: "s-00000000000000000" })),
      ResourceNotFoundException,
    );
    expect(unknown).toMatchObject({ resourceId: "s-00000000000000000", resourceType: "SOURCE_SERVER" });
  });

  it("tags source servers and jobs, and refuses unknown ARNs and more than 50 tags", async () => {
    const fleet = generateFleet({ servers: 2 });
    const { client } = await localDrs({ fleet });
    const arn = `arn:aws:drs:us-east-1:111122223333:source-server/${fleet.sourceServers[1]?.sourceServerID}`;
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
      Name: "payments-app-0002",
      app: "payments",
      tier: "app",
    });
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { owner: "sre", tier: "middle" } }));
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["Name"] }));
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
      app: "payments",
      tier: "middle",
      owner: "sre",
    });

    const { job } = await recover(client, ids(fleet, 0, 1), { drill: "monthly" });
    expect((await client.send(new ListTagsForResourceCommand({ resourceArn: job?.arn }))).tags).toEqual({
      drill: "monthly",
    });

    const missing = "arn:aws:drs:us-east-1:111122223333:source-server/s-00000000000000000";
    expect(
      await failure(
        client.send(new ListTagsForResourceCommand({ resourceArn: missing })),
        ResourceNotFoundException,
      ),
    ).toMatchObject({ resourceId: missing });
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    const error = await failure(
      client.send(new TagResourceCommand({ resourceArn: arn, tags: many })),
      ValidationException,
    );
    expect(error.fieldList).toEqual([{ name: "tags", message: "at most 50 tags" }]);
  });
});

describe("DRS emulator: request validation", () => {
  it("refuses malformed requests with a ValidationException naming each field", async () => {
    const fleet = generateFleet({ servers: 2 });
    const { client } = await localDrs({ fleet });
    const bad = await failure(
      client.send(
        new StartRecoveryCommand({
          sourceServers: [
            { sourceServerID: "s-123" },
            { sourceServerID: ids(fleet, 0, 1)[0] as string, recoverySnapshotID: "snap" },
          ],
        }),
      ),
      ValidationException,
    );
    expect(bad.reason).toBe("fieldValidationFailed");
    expect(bad.fieldList).toEqual([
      {
        name: "sourceServers[0].sourceServerID",
        message: "must be a source server ID: s- followed by 17 letters or digits",
      },
      {
        name: "sourceServers[1].recoverySnapshotID",
        message: "must be a recovery snapshot ID: pit- followed by 17 letters or digits",
      },
    ]);
    expect(bad.message).toMatch(/^2 validation errors detected: sourceServers\[0\]\.sourceServerID must be/);

    const empty = await failure(
      client.send(new StartRecoveryCommand({ sourceServers: [] })),
      ValidationException,
    );
    expect(empty.fieldList).toEqual([
      { name: "sourceServers", message: "must list at least 1 source server" },
    ]);
    const twice = await failure(
      recover(client, [...ids(fleet, 0, 1), ...ids(fleet, 0, 1)]),
      ValidationException,
    );
    expect(twice.fieldList?.[0]?.name).toBe("sourceServers");

    const page = await failure(client.send(new DescribeJobsCommand({ maxResults: 0 })), ValidationException);
    expect(page.fieldList).toEqual([{ name: "maxResults", message: "must be at least 1" }]);
    const token = await failure(
      client.send(new DescribeSourceServersCommand({ nextToken: "bm9wZQ" })),
      ValidationException,
    );
    expect(token.fieldList).toEqual([
      { name: "nextToken", message: "is not a token DescribeSourceServers returned" },
    ]);
    const date = await failure(
      client.send(new DescribeJobsCommand({ filters: { fromDate: "yesterday" } })),
      ValidationException,
    );
    expect(date.fieldList?.[0]?.name).toBe("filters.fromDate");
  });

  it("answers unknown source servers and jobs with ResourceNotFoundException", async () => {
    const fleet = generateFleet({ servers: 2 });
    const { client, drs } = await localDrs({ fleet });
    const error = await failure(
      recover(client, [...ids(fleet, 0, 1), "s-0000000000000dead"]),
      ResourceNotFoundException,
    );
    expect(error).toMatchObject({ resourceId: "s-0000000000000dead", resourceType: "SOURCE_SERVER" });
    expect(drs.jobs()).toEqual([]);
    const job = await failure(
      client.send(new DescribeJobLogItemsCommand({ jobID: "drsjob-00000000000000000" })),
      ResourceNotFoundException,
    );
    expect(job).toMatchObject({ resourceId: "drsjob-00000000000000000", resourceType: "JOB" });
  });

  it("answers what the SDK never sends: unknown operations and bodies that are not JSON", async () => {
    const { endpoint, drs } = await localDrs({ fleet: generateFleet({ servers: 1 }) });
    // The gateway routes by credential scope; these raw requests carry a DRS one.
    const authorization =
      "AWS4-HMAC-SHA256 Credential=local/20261121/us-east-1/drs/aws4_request, SignedHeaders=host, Signature=0";
    const unknown = await fetch(`${endpoint}/StartFailover`, {
      method: "POST",
      headers: { authorization },
      body: "{}",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("x-amzn-errortype")).toBe("ValidationException");
    expect(await unknown.json()).toMatchObject({
      reason: "unknownOperation",
      message: "Unknown operation POST /StartFailover",
    });
    const garbled = await fetch(`${endpoint}/StartRecovery`, {
      method: "POST",
      headers: { authorization },
      body: "{",
    });
    expect(await garbled.json()).toMatchObject({ reason: "cannotParse" });
    expect(drs.counters.calls).toEqual({ Unknown: 1, StartRecovery: 1 });
  });
});

describe("DRS emulator: jobs and quotas", () => {
  it("allows one job in progress per source server", async () => {
    const fleet = generateFleet({ servers: 3 });
    const { client, drs } = await localDrs({ fleet });
    const [a, b, c] = ids(fleet, 0, 3) as [string, string, string];
    await recover(client, [a, b]);
    const error = await failure(recover(client, [c, b]), ConflictException);
    expect(error).toMatchObject({ resourceId: b, resourceType: "SOURCE_SERVER" });
    expect(error.message).toContain("still in progress");
    await drs.idle();
    const { job } = await recover(client, [b]);
    expect(job?.status).toBe("PENDING");
  });

  it("refuses more than 200 servers per request as invalid, and more than the quota per job as over quota", async () => {
    const fleet = generateFleet({ servers: 201 });
    const { client, drs } = await localDrs({ fleet });
    const invalid = await failure(recover(client, ids(fleet, 0, 201)), ValidationException);
    expect(invalid.fieldList).toEqual([
      { name: "sourceServers", message: "must list at most 200 source servers" },
    ]);
    const overQuota = await failure(recover(client, ids(fleet, 0, 101)), ServiceQuotaExceededException);
    expect(overQuota).toMatchObject({
      quotaCode: "MaxSourceServersPerJob",
      serviceCode: "drs",
      resourceType: "JOB",
      $metadata: { httpStatusCode: 402 },
    });
    expect((await recover(client, ids(fleet, 0, 100))).job?.participatingServers).toHaveLength(100);
    expect(drs.counters.startRecoveryCalls).toBe(3);
    expect(drs.counters.launchJobs).toBe(1);
  });

  it("keeps the concurrent-job and servers-in-active-jobs quotas, as configured", async () => {
    const fleet = generateFleet({ servers: 10 });
    const { client, drs } = await localDrs({
      fleet,
      quotas: { maxServersPerJob: 4, maxConcurrentJobs: 2, maxServersInActiveJobs: 6 },
    });
    await recover(client, ids(fleet, 0, 4));
    const servers = await failure(recover(client, ids(fleet, 4, 7)), ServiceQuotaExceededException);
    expect(servers.quotaCode).toBe("MaxSourceServersInAllActiveJobs");
    await recover(client, ids(fleet, 4, 6));
    const jobs = await failure(recover(client, ids(fleet, 6, 7)), ServiceQuotaExceededException);
    expect(jobs.quotaCode).toBe("MaxConcurrentJobs");
    expect(jobs.message).toContain("At most 2 jobs");
    await drs.idle();
    await recover(client, ids(fleet, 6, 10));
  });

  it("lists jobs newest first, by ID, by date and page by page, and their log items page by page", async () => {
    const fleet = generateFleet({ servers: 3 });
    const { client, drs } = await localDrs({ fleet });
    const started = [];
    for (const id of ids(fleet, 0, 3)) started.push((await recover(client, [id])).job?.jobID);
    const { items, nextToken } = await client.send(new DescribeJobsCommand({ maxResults: 2 }));
    expect(items?.map((job) => job.jobID)).toEqual([started[2], started[1]]);
    const rest = await client.send(new DescribeJobsCommand({ maxResults: 2, nextToken }));
    expect(rest.items?.map((job) => job.jobID)).toEqual([started[0]]);
    expect(rest.nextToken).toBeUndefined();
    const byId = await client.send(new DescribeJobsCommand({ filters: { jobIDs: [started[1] as string] } }));
    expect(byId.items?.map((job) => job.jobID)).toEqual([started[1]]);
    const future = await client.send(
      new DescribeJobsCommand({ filters: { fromDate: "2030-01-01T00:00:00Z" } }),
    );
    expect(future.items).toEqual([]);

    await drs.idle();
    const log = drs.jobLog(started[0] as string);
    const paged = [];
    for await (const page of paginateDescribeJobLogItems(
      { client, pageSize: 3 },
      { jobID: started[0] as string },
    )) {
      paged.push(...(page.items ?? []));
    }
    expect(paged).toEqual(log);
    expect(log.map((item) => item.event)).toEqual([
      "JOB_START",
      "SNAPSHOT_START",
      "SNAPSHOT_END",
      "CONVERSION_START",
      "CONVERSION_END",
      "LAUNCH_START",
      "JOB_END",
    ]);
  });
});
