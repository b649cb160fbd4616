import {
  ConflictException,
  DescribeJobLogItemsCommand,
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DisconnectRecoveryInstanceCommand,
  DrsClient,
  GetLaunchConfigurationCommand,
  type JobLog,
  StartRecoveryCommand,
  TerminateRecoveryInstancesCommand,
  UpdateLaunchConfigurationCommand,
  type UpdateLaunchConfigurationCommandInput,
  ValidationException,
} from "@aws-sdk/client-drs";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance,
  ModifyLaunchTemplateCommand,
  type RequestLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import { type Fleet, fleetSchema } from "@drs-orchestrator/core";
import { afterEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createDrsEmulator } from "../../packages/local/src/drs/drs-emulator";
import type { LaunchTimings } from "../../packages/local/src/drs/launch-timings";
import { createEc2Emulator } from "../../packages/local/src/ec2/ec2-emulator";
import { generateFleet } from "../../packages/local/src/fleet/generate-fleet";
import { startGateway } from "../../packages/local/src/gateway/gateway";
import type { BusEventInput } from "../../packages/local/src/runtime/contracts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const credentials = { accessKeyId: "local", secretAccessKey: "local" };

const START = "2026-11-21T10:00:00Z";

async function localAws(fleet: Fleet, options: { timings?: Partial<LaunchTimings>; speed?: number } = {}) {
  const { timings, speed = 3000 } = options;
  const clock = new SimClock({ speed, start: new Date(START) });
  const published: (BusEventInput & { atMs: number })[] = [];
  const ec2 = createEc2Emulator({ clock, accountId: "111122223333", region: "us-east-1", fleet });
  const drs = createDrsEmulator({
    clock,
    accountId: "111122223333",
    region: "us-east-1",
    fleet,
    ec2,
    timings,
    events: {
      publish: async (event) => {
        published.push({ ...event, atMs: clock.nowMs() });
      },
    },
  });
  const gateway = await startGateway({ handlers: [ec2, drs] });
  const drsClient = new DrsClient({ endpoint: gateway.endpoint, region: "us-east-1", credentials });
  const ec2Client = new EC2Client({ endpoint: gateway.endpoint, region: "us-east-1", credentials });
  cleanups.push(async () => {
    drsClient.destroy();
    ec2Client.destroy();
    await gateway.close();
    drs.stop();
    clock.stop();
  });

  const serverIds = fleet.sourceServers.map((server) => server.sourceServerID);
  return {
    clock,
    drs,
    drsClient,
    ec2Client,
    published,
    serverIds,
    start: (ids: string[], isDrill = true) =>
      drsClient.send(
        new StartRecoveryCommand({
          isDrill,
          sourceServers: ids.map((sourceServerID) => ({ sourceServerID })),
        }),
      ),
    async configure(
      sourceServerID: string,
      changes: Omit<UpdateLaunchConfigurationCommandInput, "sourceServerID">,
    ) {
      await drsClient.send(new UpdateLaunchConfigurationCommand({ sourceServerID, ...changes }));
    },
    /** New template version from the default, made the default: how the product applies launch settings. */
    async overrideTemplate(sourceServerID: string, data: RequestLaunchTemplateData) {
      const { ec2LaunchTemplateID } = await drsClient.send(
        new GetLaunchConfigurationCommand({ sourceServerID }),
      );
      const { LaunchTemplateVersion } = await ec2Client.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: ec2LaunchTemplateID,
          SourceVersion: "$Default",
          LaunchTemplateData: data,
        }),
      );
      await ec2Client.send(
        new ModifyLaunchTemplateCommand({
          LaunchTemplateId: ec2LaunchTemplateID,
          DefaultVersion: String(LaunchTemplateVersion?.VersionNumber),
        }),
      );
    },
    async instanceOf(sourceServerID: string): Promise<Instance[]> {
      const { Reservations } = await ec2Client.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: "tag:AWSElasticDisasterRecoverySourceServerID", Values: [sourceServerID] }],
        }),
      );
      return Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
    },
    async log(jobID: string): Promise<JobLog[]> {
      return (await drsClient.send(new DescribeJobLogItemsCommand({ jobID }))).items ?? [];
    },
  };
}

function tagsOf(instance: Instance | undefined): Record<string, string> {
  return Object.fromEntries((instance?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
}

function seconds(from: string | undefined, to: string | undefined): number {
  return (Date.parse(to as string) - Date.parse(from as string)) / 1000;
}

function eventsOf(log: JobLog[], sourceServerID: string) {
  return log.filter((item) => item.eventData?.sourceServerID === sourceServerID);
}

describe("DRS launch lifecycle", () => {
  it("runs a drill: job states, log items with realistic durations, launch result events, recovery instances", async () => {
    const fleet = generateFleet({ servers: 3, windowsPercent: 100 });
    // 1000×, not 3000×: durations are asserted, and timer lateness on a busy machine scales with speed.
    const aws = await localAws(fleet, { speed: 1000 });
    const [db, windowsApp, web] = aws.serverIds as [string, string, string];

    const { job } = await aws.start(aws.serverIds);
    expect(job).toMatchObject({
      jobID: expect.stringMatching(/^drsjob-[0-9a-f]{17}$/),
      arn: `arn:aws:drs:us-east-1:111122223333:job/${job?.jobID}`,
      type: "LAUNCH",
      initiatedBy: "START_DRILL",
      status: "PENDING",
      creationDateTime: expect.stringMatching(/^2026-11-21T10:\d\d:\d\dZ$/),
    });
    expect(job?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "PENDING",
      "PENDING",
      "PENDING",
    ]);
    const pending = (
      await aws.drsClient.send(new DescribeSourceServersCommand({ filters: { sourceServerIDs: [db] } }))
    ).items?.[0];
    // Until its launch ends the server's last launch is pending (the job may have started meanwhile).
    expect(pending?.lastLaunchResult).toBe("PENDING");
    expect(pending?.lifeCycle?.lastLaunch).toEqual({
      initiated: { jobID: job?.jobID, type: "DRILL", apiCallDateTime: job?.creationDateTime },
      status: expect.stringMatching(/^(PENDING|IN_PROGRESS)$/),
    });

    await aws.drs.idle();

    const [completed] =
      (await aws.drsClient.send(new DescribeJobsCommand({ filters: { jobIDs: [job?.jobID as string] } })))
        .items ?? [];
    expect(completed?.status).toBe("COMPLETED");
    expect(completed?.endDateTime).toMatch(/^2026-11-21T\d\d:\d\d:\d\dZ$/);
    expect(completed?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "LAUNCHED",
      "LAUNCHED",
      "LAUNCHED",
    ]);

    const log = await aws.log(job?.jobID as string);
    expect(log[0]?.event).toBe("JOB_START");
    expect(log.at(-1)?.event).toBe("JOB_END");
    expect(seconds(job?.creationDateTime, log[0]?.logDateTime)).toBeGreaterThanOrEqual(4);
    const times = log.map((item) => Date.parse(item.logDateTime as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const id of [db, windowsApp, web]) {
      const steps = eventsOf(log, id);
      expect(steps.map((item) => item.event)).toEqual([
        "SNAPSHOT_START",
        "SNAPSHOT_END",
        "CONVERSION_START",
        "CONVERSION_END",
        "LAUNCH_START",
      ]);
      const [snapshotStart, snapshotEnd, conversionStart, conversionEnd, launchStart] = steps;
      // Defaults: snapshot ~1 min, conversion ~3 min, ±20% jitter; the upper bounds leave room for late timers.
      expect(seconds(snapshotStart?.logDateTime, snapshotEnd?.logDateTime)).toBeGreaterThanOrEqual(46);
      expect(seconds(snapshotStart?.logDateTime, snapshotEnd?.logDateTime)).toBeLessThanOrEqual(120);
      expect(seconds(conversionStart?.logDateTime, conversionEnd?.logDateTime)).toBeGreaterThanOrEqual(142);
      expect(seconds(conversionStart?.logDateTime, conversionEnd?.logDateTime)).toBeLessThanOrEqual(330);
      expect(conversionStart?.eventData?.conversionServerID).toMatch(/^i-[0-9a-f]{17}$/);
      const instanceId = completed?.participatingServers?.find(
        (server) => server.sourceServerID === id,
      )?.recoveryInstanceID;
      expect(launchStart?.eventData).toEqual({ sourceServerID: id, targetInstanceID: instanceId });
    }

    for (const event of aws.published) {
      expect(event).toEqual({
        source: "aws.drs",
        detailType: "DRS Source Server Launch Result",
        resources: [
          expect.stringMatching(/^arn:aws:drs:us-east-1:111122223333:source-server\/s-[0-9a-f]{17}$/),
        ],
        time: expect.stringMatching(/^2026-11-21T\d\d:\d\d:\d\dZ$/),
        detail: { state: "RECOVERY_LAUNCH_SUCCEEDED", "job-id": job?.jobID, "is-drill": "TRUE" },
        atMs: expect.any(Number),
      });
    }
    // From launch to result: Linux boots in ~4 min, Windows in ~15 (±20%).
    const boot = (id: string) =>
      seconds(
        eventsOf(log, id).at(-1)?.logDateTime,
        aws.published.find((event) => event.resources?.[0]?.endsWith(id))?.time,
      );
    for (const linux of [db, web]) {
      expect(boot(linux)).toBeGreaterThanOrEqual(190);
      expect(boot(linux)).toBeLessThanOrEqual(450);
    }
    expect(boot(windowsApp)).toBeGreaterThanOrEqual(718);
    expect(boot(windowsApp)).toBeLessThanOrEqual(1500);
    expect(aws.drs.counters.eventsPublished).toBe(3);

    const servers = (await aws.drsClient.send(new DescribeSourceServersCommand({}))).items ?? [];
    const { items: instances } = await aws.drsClient.send(new DescribeRecoveryInstancesCommand({}));
    expect(instances).toHaveLength(3);
    for (const server of servers) {
      const participant = completed?.participatingServers?.find(
        (p) => p.sourceServerID === server.sourceServerID,
      );
      expect(server).toMatchObject({
        lastLaunchResult: "SUCCEEDED",
        recoveryInstanceId: participant?.recoveryInstanceID,
        lifeCycle: { lastLaunch: { status: "LAUNCHED", initiated: { jobID: job?.jobID, type: "DRILL" } } },
      });
      const instance = instances?.find((candidate) => candidate.sourceServerID === server.sourceServerID);
      expect(instance).toMatchObject({
        recoveryInstanceID: participant?.recoveryInstanceID,
        ec2InstanceID: participant?.recoveryInstanceID,
        jobID: job?.jobID,
        isDrill: true,
        ec2InstanceState: "RUNNING",
        pointInTimeSnapshotDateTime: expect.stringMatching(/^2026-11-21T10:\d\d:\d\dZ$/),
      });
      const [ec2Instance] = await aws.instanceOf(server.sourceServerID as string);
      expect(ec2Instance).toMatchObject({
        InstanceId: participant?.recoveryInstanceID,
        State: { Name: "running" },
        InstanceType: server.sourceProperties?.recommendedInstanceType,
        SubnetId: fleet.launchDefaults.subnetId,
        SecurityGroups: [{ GroupId: fleet.launchDefaults.securityGroupIds[0] }],
      });
      // copyTags is off by default: only the tags DRS puts on what it launches.
      expect(tagsOf(ec2Instance)).toEqual({
        AWSElasticDisasterRecoveryManaged: "drs.amazonaws.com",
        AWSElasticDisasterRecoverySourceServerID: server.sourceServerID,
      });
    }
    expect((await aws.instanceOf(windowsApp))[0]?.Platform).toBe("windows");
  });

  it("launches with the overrides of a new default template version and of the launch configuration", async () => {
    const fleet = generateFleet({ servers: 2 });
    const aws = await localAws(fleet);
    const [db] = aws.serverIds as [string];
    const [, subnetB] = fleet.subnets;
    const [sg1, sg2] = fleet.securityGroupIds as [string, string];
    await aws.overrideTemplate(db, {
      InstanceType: "r6i.2xlarge",
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: subnetB?.subnetId, Groups: [sg1, sg2], PrivateIpAddress: "10.0.64.25" },
      ],
      IamInstanceProfile: { Name: "recovery-profile" },
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "Name", Value: "recovered-db" },
            { Key: "recovered-by", Value: "drs-orchestrator" },
          ],
        },
      ],
    });
    await aws.configure(db, { targetInstanceTypeRightSizingMethod: "NONE", copyTags: true });

    const { job } = await aws.start([db], false);
    expect(job?.initiatedBy).toBe("START_RECOVERY");
    await aws.drs.idle();

    const [instance] = await aws.instanceOf(db);
    expect(instance).toMatchObject({
      InstanceType: "r6i.2xlarge",
      SubnetId: subnetB?.subnetId,
      PrivateIpAddress: "10.0.64.25",
      SecurityGroups: [{ GroupId: sg1 }, { GroupId: sg2 }],
      IamInstanceProfile: { Arn: "arn:aws:iam::111122223333:instance-profile/recovery-profile" },
      Placement: { AvailabilityZone: "us-east-1b" },
    });
    // Source tags come over with copyTags; the template's win where both set one.
    expect(tagsOf(instance)).toEqual({
      Name: "recovered-db",
      app: "payments",
      tier: "db",
      "recovered-by": "drs-orchestrator",
      AWSElasticDisasterRecoveryManaged: "drs.amazonaws.com",
      AWSElasticDisasterRecoverySourceServerID: db,
    });
    expect(aws.published[0]?.detail).toEqual({
      state: "RECOVERY_LAUNCH_SUCCEEDED",
      "job-id": job?.jobID,
      "is-drill": "FALSE",
    });
    const { items } = await aws.drsClient.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [db] } }),
    );
    expect(items?.[0]?.isDrill).toBe(false);
    expect(aws.drs.sourceServer(db)?.lifeCycle?.lastLaunch?.initiated?.type).toBe("RECOVERY");
  });

  it("right-sizing BASIC and IN_AWS take the recommended type over the template's; NONE honours the template", async () => {
    const fleet = generateFleet({ servers: 3 });
    const aws = await localAws(fleet);
    const methods = ["BASIC", "IN_AWS", "NONE"] as const;
    for (const [index, id] of aws.serverIds.entries()) {
      await aws.overrideTemplate(id, { InstanceType: "c6i.4xlarge" });
      await aws.configure(id, { targetInstanceTypeRightSizingMethod: methods[index] });
    }
    await aws.start(aws.serverIds);
    await aws.drs.idle();
    const types = [];
    for (const id of aws.serverIds) types.push((await aws.instanceOf(id))[0]?.InstanceType);
    expect(types).toEqual(["r5.xlarge", "m5.large", "c6i.4xlarge"]);
  });

  it("copies the source server's private IP, and fails launches whose IP lies outside the subnet's CIDR", async () => {
    const fleet = generateFleet({ servers: 3 });
    const aws = await localAws(fleet);
    const [same, moved, templateIp] = aws.serverIds as [string, string, string];
    const [, subnetB] = fleet.subnets;
    const sourceIp = (id: string) =>
      aws.drs.sourceServer(id)?.sourceProperties?.networkInterfaces?.[0]?.ips?.[0];
    await aws.configure(same, { copyPrivateIp: true });
    await aws.configure(moved, { copyPrivateIp: true });
    await aws.overrideTemplate(moved, {
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetB?.subnetId }],
    });
    await aws.overrideTemplate(templateIp, {
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetB?.subnetId, PrivateIpAddress: "10.0.0.99" }],
    });

    const { job } = await aws.start(aws.serverIds);
    await aws.drs.idle();

    expect((await aws.instanceOf(same))[0]?.PrivateIpAddress).toBe(sourceIp(same));
    expect(await aws.instanceOf(moved)).toEqual([]);
    expect(await aws.instanceOf(templateIp)).toEqual([]);
    const log = await aws.log(job?.jobID as string);
    const movedFailure = eventsOf(log, moved).at(-1);
    expect(movedFailure?.event).toBe("LAUNCH_FAILED");
    expect(movedFailure?.eventData?.rawError).toBe(
      `copyPrivateIp is on, but the source server's private IP ${sourceIp(moved)} is outside 10.0.64.0/18, the CIDR of subnet ${subnetB?.subnetId}: launch into a subnet that contains it or turn copyPrivateIp off`,
    );
    expect(eventsOf(log, templateIp).at(-1)).toMatchObject({
      event: "LAUNCH_FAILED",
      eventData: { rawError: expect.stringContaining("private IP 10.0.0.99 is outside 10.0.64.0/18") },
    });

    const [completed] = (await aws.drsClient.send(new DescribeJobsCommand({}))).items ?? [];
    expect(completed?.status).toBe("COMPLETED");
    expect(completed?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "LAUNCHED",
      "FAILED",
      "FAILED",
    ]);
    expect(aws.drs.sourceServer(moved)).toMatchObject({
      lastLaunchResult: "FAILED",
      lifeCycle: { lastLaunch: { status: "FAILED" } },
    });
    expect(aws.drs.sourceServer(moved)?.recoveryInstanceId).toBeUndefined();
    const states = Object.fromEntries(
      aws.published.map((event) => [event.resources?.[0]?.split("/")[1], event.detail.state]),
    );
    expect(states).toEqual({
      [same]: "RECOVERY_LAUNCH_SUCCEEDED",
      [moved]: "RECOVERY_LAUNCH_FAILED",
      [templateIp]: "RECOVERY_LAUNCH_FAILED",
    });
  });

  it("leaves the instance stopped when the launch disposition is STOPPED", async () => {
    const fleet = generateFleet({ servers: 1 });
    const aws = await localAws(fleet);
    const [id] = aws.serverIds as [string];
    await aws.configure(id, { launchDisposition: "STOPPED" });
    await aws.start([id]);
    await aws.drs.idle();
    expect((await aws.instanceOf(id))[0]?.State?.Name).toBe("stopped");
    expect(aws.drs.recoveryInstances()[0]?.ec2InstanceState).toBe("STOPPED");
  });

  it("replaces a server's previous recovery instance when it launches again", async () => {
    const fleet = generateFleet({ servers: 1 });
    const aws = await localAws(fleet);
    const [id] = aws.serverIds as [string];
    await aws.configure(id, { copyPrivateIp: true });
    await aws.start([id]);
    await aws.drs.idle();
    const first = aws.drs.sourceServer(id)?.recoveryInstanceId;

    const { job } = await aws.start([id]);
    await aws.drs.idle();
    const second = aws.drs.sourceServer(id)?.recoveryInstanceId;
    expect(second).not.toBe(first);
    const log = eventsOf(await aws.log(job?.jobID as string), id);
    expect(log.map((item) => item.event)).toContain("CLEANUP_START");
    expect(log.find((item) => item.event === "CLEANUP_END")?.eventData?.targetInstanceID).toBe(first);
    const states = Object.fromEntries(
      (await aws.instanceOf(id)).map((instance) => [instance.InstanceId, instance.State?.Name]),
    );
    expect(states).toEqual({ [first as string]: "terminated", [second as string]: "running" });
    expect(aws.drs.recoveryInstances().map((instance) => instance.recoveryInstanceID)).toEqual([second]);
  });

  it("terminates recovery instances with a TERMINATE job", async () => {
    const fleet = generateFleet({ servers: 3 });
    // Terminating takes ten simulated minutes (200 ms at 3000×): the job is surely in progress when StartRecovery comes.
    const aws = await localAws(fleet, { timings: { terminateSeconds: 600 } });
    const [a, b] = aws.serverIds as [string, string];
    await aws.start([a, b]);
    await aws.drs.idle();
    const recoveryInstanceIDs = aws.drs
      .recoveryInstances()
      .map((instance) => instance.recoveryInstanceID as string);

    const { job } = await aws.drsClient.send(new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs }));
    expect(job).toMatchObject({
      type: "TERMINATE",
      initiatedBy: "TERMINATE_RECOVERY_INSTANCES",
      status: "PENDING",
    });
    expect(job?.participatingServers).toEqual([
      { sourceServerID: a, recoveryInstanceID: recoveryInstanceIDs[0], launchStatus: "PENDING" },
      { sourceServerID: b, recoveryInstanceID: recoveryInstanceIDs[1], launchStatus: "PENDING" },
    ]);
    expect(await conflict(aws.start([a]))).toMatchObject({ resourceId: a });
    await aws.drs.idle();

    const [done] =
      (await aws.drsClient.send(new DescribeJobsCommand({ filters: { jobIDs: [job?.jobID as string] } })))
        .items ?? [];
    expect(done?.status).toBe("COMPLETED");
    expect(done?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "TERMINATED",
      "TERMINATED",
    ]);
    const log = await aws.log(job?.jobID as string);
    expect(log.map((item) => item.event)).toEqual([
      "JOB_START",
      "CLEANUP_START",
      "CLEANUP_START",
      "CLEANUP_END",
      "CLEANUP_END",
      "JOB_END",
    ]);
    expect((await aws.drsClient.send(new DescribeRecoveryInstancesCommand({}))).items).toEqual([]);
    for (const id of [a, b]) {
      expect((await aws.instanceOf(id))[0]?.State?.Name).toBe("terminated");
      const server = aws.drs.sourceServer(id);
      expect(server?.recoveryInstanceId).toBeUndefined();
      expect(server?.lifeCycle?.lastLaunch?.status).toBe("TERMINATED");
    }

    const missing = await validation(
      aws.drsClient.send(
        new TerminateRecoveryInstancesCommand({ recoveryInstanceIDs: ["i-0123456789abcdef0"] }),
      ),
    );
    expect(missing.fieldList).toEqual([
      {
        name: "recoveryInstanceIDs[0]",
        message: "i-0123456789abcdef0 is not a recovery instance of this account",
      },
    ]);
  });

  it("launches stalled servers from their previous snapshot and cannot launch servers still in initial sync", async () => {
    const generated = generateFleet({ servers: 2 });
    const fleet = fleetSchema.parse({
      ...generated,
      sourceServers: [
        {
          ...generated.sourceServers[0],
          dataReplicationInfo: { dataReplicationState: "STALLED", lagDuration: "PT20M" },
        },
        { ...generated.sourceServers[1], dataReplicationInfo: { dataReplicationState: "INITIAL_SYNC" } },
      ],
    });
    const aws = await localAws(fleet);
    const [stalled, syncing] = aws.serverIds as [string, string];
    const { job } = await aws.start(aws.serverIds);
    await aws.drs.idle();
    const log = await aws.log(job?.jobID as string);
    expect(eventsOf(log, stalled).map((item) => item.event)).toEqual([
      "USING_PREVIOUS_SNAPSHOT",
      "CONVERSION_START",
      "CONVERSION_END",
      "LAUNCH_START",
    ]);
    // 20 minutes behind at 10:00: its newest snapshot is the one of 09:40, which DRS lists and launches from.
    const { items: snapshots } = await aws.drsClient.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: stalled, order: "DESC", maxResults: 1 }),
    );
    expect(snapshots?.[0]?.timestamp).toBe("2026-11-21T09:40:00Z");
    expect(aws.drs.recoveryInstances()[0]?.pointInTimeSnapshotDateTime).toBe(snapshots?.[0]?.timestamp);
    expect(eventsOf(log, syncing).map((item) => [item.event, item.eventData?.rawError])).toEqual([
      ["SNAPSHOT_START", undefined],
      [
        "SNAPSHOT_FAIL",
        "Source server has no point in time to recover yet: data replication is INITIAL_SYNC",
      ],
    ]);
    expect(aws.drs.sourceServer(syncing)?.lastLaunchResult).toBe("FAILED");
  });

  it("disconnects a recovery instance from DRS, leaving its EC2 instance running", async () => {
    const fleet = generateFleet({ servers: 1 });
    const aws = await localAws(fleet);
    const [id] = aws.serverIds as [string];
    await aws.start([id]);
    await aws.drs.idle();
    const recoveryInstanceID = aws.drs.sourceServer(id)?.recoveryInstanceId as string;
    await aws.drsClient.send(new DisconnectRecoveryInstanceCommand({ recoveryInstanceID }));
    const [instance] = (await aws.drsClient.send(new DescribeRecoveryInstancesCommand({}))).items ?? [];
    expect(instance?.dataReplicationInfo?.dataReplicationState).toBe("DISCONNECTED");
    expect(instance?.ec2InstanceState).toBe("RUNNING");
  });
});

async function conflict(promise: Promise<unknown>): Promise<ConflictException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictException);
    return error as ConflictException;
  }
  throw new Error("expected a ConflictException");
}

async function validation(promise: Promise<unknown>): Promise<ValidationException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return error as ValidationException;
  }
  throw new Error("expected a ValidationException");
}
