import {
  type _InstanceType,
  CreateLaunchTemplateVersionCommand,
  type CreateLaunchTemplateVersionCommandInput,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  paginateDescribeInstances,
  paginateDescribeLaunchTemplates,
  TerminateInstancesCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createEc2Emulator, type Ec2Emulator } from "../../packages/local/src/ec2/ec2-emulator";
import { SHUTDOWN_SECONDS, STATUS_CHECK_SECONDS } from "../../packages/local/src/ec2/instance-store";
import { generateFleet } from "../../packages/local/src/fleet/generate-fleet";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";

const fleet = generateFleet({ servers: 5, seed: 3 });
const [subnetA, subnetB] = fleet.subnets;
const [sg1, sg2] = fleet.securityGroupIds;

let clock: SimClock;
let ec2: Ec2Emulator;
let gateway: Gateway;
let client: EC2Client;

beforeEach(async () => {
  // 600×: status checks stay initializing for 250 ms of real time, room enough for a request on a busy machine.
  clock = new SimClock({ speed: 600, start: new Date("2026-11-21T10:00:00Z") });
  ec2 = createEc2Emulator({ clock, accountId: "111122223333", region: "us-east-1", fleet });
  gateway = await startGateway({ handlers: [ec2] });
  client = new EC2Client({
    endpoint: gateway.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterEach(async () => {
  client.destroy();
  await gateway.close();
  clock.stop();
});

async function ec2Error(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail");
}

async function templateOf(sourceServerId: string) {
  const { LaunchTemplates } = await client.send(
    new DescribeLaunchTemplatesCommand({
      Filters: [{ Name: "tag:AWSElasticDisasterRecoverySourceServerID", Values: [sourceServerId] }],
    }),
  );
  expect(LaunchTemplates).toHaveLength(1);
  return LaunchTemplates?.[0]?.LaunchTemplateId as string;
}

describe("EC2 emulator: launch templates", () => {
  it("holds one DRS-managed template per source server, listed page by page", async () => {
    const pages = [];
    for await (const page of paginateDescribeLaunchTemplates({ client, pageSize: 2 }, {})) pages.push(page);
    expect(pages.map((page) => page.LaunchTemplates?.length)).toEqual([2, 2, 1]);
    const templates = pages.flatMap((page) => page.LaunchTemplates ?? []);
    expect(new Set(templates.map((t) => t.LaunchTemplateId)).size).toBe(5);
    for (const [index, template] of templates.entries()) {
      const sourceServerId = fleet.sourceServers[index]?.sourceServerID;
      expect(template).toMatchObject({
        LaunchTemplateName: `drs-${sourceServerId}`,
        DefaultVersionNumber: 1,
        LatestVersionNumber: 1,
      });
      expect(template.CreateTime).toBeInstanceOf(Date);
      expect(template.Tags).toEqual([
        { Key: "AWSElasticDisasterRecoveryManaged", Value: "drs.amazonaws.com" },
        { Key: "AWSElasticDisasterRecoverySourceServerID", Value: sourceServerId },
      ]);
    }
  });

  it("answers version 1 for $Default and $Latest, built from the fleet's launch defaults", async () => {
    const id = await templateOf(fleet.sourceServers[0]?.sourceServerID as string);
    const { LaunchTemplateVersions } = await client.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ["$Default", "$Latest"] }),
    );
    expect(LaunchTemplateVersions).toHaveLength(1);
    expect(LaunchTemplateVersions?.[0]).toMatchObject({
      VersionNumber: 1,
      DefaultVersion: true,
      LaunchTemplateData: {
        InstanceType: "r5.xlarge",
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            SubnetId: subnetA?.subnetId,
            Groups: [fleet.launchDefaults.securityGroupIds[0]],
            AssociatePublicIpAddress: false,
            DeleteOnTermination: true,
          },
        ],
      },
    });
  });

  it("creates a version from the default with overrides, which becomes the default when modified", async () => {
    const id = await templateOf(fleet.sourceServers[1]?.sourceServerID as string);
    const created = await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: "$Default",
        VersionDescription: "drill overrides",
        LaunchTemplateData: {
          InstanceType: "r6i.2xlarge",
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              SubnetId: subnetB?.subnetId,
              Groups: [sg1, sg2] as string[],
              PrivateIpAddress: "10.0.64.20",
            },
          ],
          IamInstanceProfile: { Name: "recovery-profile" },
          TagSpecifications: [
            { ResourceType: "instance", Tags: [{ Key: "recovered-by", Value: "drs-orchestrator" }] },
          ],
        },
      }),
    );
    expect(created.LaunchTemplateVersion).toMatchObject({
      VersionNumber: 2,
      DefaultVersion: false,
      VersionDescription: "drill overrides",
      CreatedBy: "arn:aws:iam::111122223333:user/local",
      LaunchTemplateData: {
        InstanceType: "r6i.2xlarge",
        IamInstanceProfile: { Name: "recovery-profile" },
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: subnetB?.subnetId, Groups: [sg1, sg2], PrivateIpAddress: "10.0.64.20" },
        ],
        TagSpecifications: [
          { ResourceType: "instance", Tags: [{ Key: "recovered-by", Value: "drs-orchestrator" }] },
        ],
      },
    });

    const modified = await client.send(
      new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "2" }),
    );
    expect(modified.LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 2 });
    expect(ec2.launchTemplateData(id, "$Default").InstanceType).toBe("r6i.2xlarge");

    // A version from version 1 that sets only the instance type keeps version 1's interfaces.
    const third = await client.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: "1",
        LaunchTemplateData: { InstanceType: "m6i.large" },
      }),
    );
    expect(third.LaunchTemplateVersion?.LaunchTemplateData?.NetworkInterfaces?.[0]?.SubnetId).toBe(
      subnetA?.subnetId,
    );
    const all = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id }));
    expect(all.LaunchTemplateVersions?.map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
  });

  it("creates one version per ClientToken, however often the call is retried", async () => {
    const id = await templateOf(fleet.sourceServers[2]?.sourceServerID as string);
    const request: CreateLaunchTemplateVersionCommandInput = {
      LaunchTemplateId: id,
      ClientToken: "token-1",
      LaunchTemplateData: { InstanceType: "c6i.large" },
    };
    const first = await client.send(new CreateLaunchTemplateVersionCommand(request));
    const again = await client.send(new CreateLaunchTemplateVersionCommand(request));
    expect(again.LaunchTemplateVersion?.VersionNumber).toBe(first.LaunchTemplateVersion?.VersionNumber);
    expect(ec2.calls.CreateLaunchTemplateVersion).toBe(2);
  });

  it("answers unknown templates and versions with EC2's error codes", async () => {
    const id = await templateOf(fleet.sourceServers[0]?.sourceServerID as string);
    expect(
      await ec2Error(
        client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ["lt-0123456789abcdef0"] })),
      ),
    ).toEqual({
      name: "InvalidLaunchTemplateId.NotFound",
      message: "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.",
      status: 400,
    });
    expect(
      (await ec2Error(client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: "lt-nope" })))).name,
    ).toBe("InvalidLaunchTemplateId.Malformed");
    expect(
      await ec2Error(
        client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: ["7"] })),
      ),
    ).toMatchObject({
      name: "InvalidLaunchTemplateId.VersionNotFound",
      message: expect.stringContaining("version 7"),
    });
    expect(
      (
        await ec2Error(
          client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: id, DefaultVersion: "4" })),
        )
      ).name,
    ).toBe("InvalidLaunchTemplateId.VersionNotFound");
    expect(
      (
        await ec2Error(
          client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: "missing" })),
        )
      ).name,
    ).toBe("InvalidLaunchTemplateName.NotFoundException");
  });

  it("refuses bad parameters naming the wire parameter", async () => {
    const id = await templateOf(fleet.sourceServers[0]?.sourceServerID as string);
    expect(
      await ec2Error(
        client.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: id,
            LaunchTemplateData: { InstanceType: "huge" as _InstanceType },
          }),
        ),
      ),
    ).toMatchObject({
      name: "InvalidParameterValue",
      message: expect.stringContaining("parameter LaunchTemplateData.InstanceType is invalid"),
    });
    expect(
      await ec2Error(
        client.send(
          new CreateLaunchTemplateVersionCommand({
            LaunchTemplateId: id,
            LaunchTemplateData: { UserData: "ZWNobw==" },
          }),
        ),
      ),
    ).toMatchObject({
      name: "UnknownParameter",
      message: expect.stringContaining("LaunchTemplateData.UserData"),
    });
    expect(
      await ec2Error(client.send(new DescribeLaunchTemplatesCommand({ MaxResults: 500 }))),
    ).toMatchObject({ name: "InvalidParameterValue", message: expect.stringContaining("maxResults") });
    expect(
      (
        await ec2Error(
          client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: "owner-id", Values: ["1"] }] })),
        )
      ).name,
    ).toBe("InvalidParameterValue");
    expect(
      (await ec2Error(client.send(new DescribeLaunchTemplatesCommand({ NextToken: "garbage" })))).name,
    ).toBe("InvalidPaginationToken");
  });
});

describe("EC2 emulator: instances", () => {
  function launch(tags: Record<string, string>, privateIpAddress?: string) {
    return ec2.launchInstance({
      instanceType: "m5.large",
      subnetId: subnetA?.subnetId as string,
      securityGroupIds: [sg1 as string],
      privateIpAddress,
      iamInstanceProfile: { Name: "recovery-profile" },
      tags,
    });
  }

  it("describes instances with filters and pagination", async () => {
    const launched = Array.from({ length: 7 }, (_, i) =>
      launch({ Name: `web-${i}`, app: i < 3 ? "payments" : "orders" }),
    );
    const pages = [];
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, {})) pages.push(page);
    expect(pages.map((page) => page.Reservations?.length)).toEqual([5, 2]);
    const instances = pages.flatMap((page) => page.Reservations?.flatMap((r) => r.Instances ?? []) ?? []);
    expect(instances.map((i) => i.InstanceId)).toEqual(launched.map((i) => i.instanceId));

    const payments = await client.send(
      new DescribeInstancesCommand({ Filters: [{ Name: "tag:app", Values: ["payments"] }] }),
    );
    expect(
      payments.Reservations?.flatMap((r) =>
        r.Instances?.map((i) => i.Tags?.find((t) => t.Key === "Name")?.Value),
      ),
    ).toEqual(["web-0", "web-1", "web-2"]);
    const one = await client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: "instance-id", Values: [launched[4]?.instanceId as string] }],
      }),
    );
    const instance = one.Reservations?.[0]?.Instances?.[0];
    expect(instance).toMatchObject({
      InstanceId: launched[4]?.instanceId,
      InstanceType: "m5.large",
      State: { Code: 0, Name: "pending" },
      SubnetId: subnetA?.subnetId,
      PrivateIpAddress: launched[4]?.privateIpAddress,
      SecurityGroups: [{ GroupId: sg1 }],
      IamInstanceProfile: { Arn: "arn:aws:iam::111122223333:instance-profile/recovery-profile" },
      Placement: { AvailabilityZone: "us-east-1a" },
    });
    expect(instance?.LaunchTime?.toISOString()).toMatch(/^2026-11-21T10:/);
    expect(one.Reservations?.[0]?.OwnerId).toBe("111122223333");

    expect(
      (await ec2Error(client.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }))))
        .name,
    ).toBe("InvalidInstanceID.NotFound");
    expect(
      (
        await ec2Error(
          client.send(
            new DescribeInstancesCommand({ InstanceIds: [launched[0]?.instanceId as string], MaxResults: 5 }),
          ),
        )
      ).name,
    ).toBe("InvalidParameterCombination");
    expect((await ec2Error(client.send(new DescribeInstancesCommand({ MaxResults: 2 })))).name).toBe(
      "InvalidParameterValue",
    );
  });

  it("reports status checks initializing after boot, then ok; only running instances unless all are asked for", async () => {
    const instance = launch({ Name: "db" });
    const statuses = async (includeAll: boolean) =>
      (await client.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: includeAll })))
        .InstanceStatuses ?? [];

    expect(await statuses(false)).toEqual([]);
    expect(await statuses(true)).toMatchObject([
      {
        InstanceId: instance.instanceId,
        InstanceState: { Name: "pending", Code: 0 },
        SystemStatus: { Status: "not-applicable" },
        InstanceStatus: { Status: "not-applicable" },
      },
    ]);

    ec2.finishBoot(instance.instanceId, "running");
    expect(await statuses(false)).toMatchObject([
      {
        InstanceState: { Name: "running", Code: 16 },
        SystemStatus: { Status: "initializing", Details: [{ Name: "reachability", Status: "initializing" }] },
        InstanceStatus: { Status: "initializing" },
      },
    ]);
    await clock.sleep(STATUS_CHECK_SECONDS * 1000);
    expect(await statuses(false)).toMatchObject([
      {
        SystemStatus: { Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] },
        InstanceStatus: { Status: "ok" },
      },
    ]);
  });

  it("terminates instances: shutting-down, then terminated, releasing the private IP", async () => {
    const instance = launch({ Name: "app" }, "10.0.0.50");
    ec2.finishBoot(instance.instanceId, "running");
    expect(() => launch({ Name: "clash" }, "10.0.0.50")).toThrow(/Address 10.0.0.50 is in use/);

    const { TerminatingInstances } = await client.send(
      new TerminateInstancesCommand({ InstanceIds: [instance.instanceId] }),
    );
    expect(TerminatingInstances).toEqual([
      {
        InstanceId: instance.instanceId,
        PreviousState: { Code: 16, Name: "running" },
        CurrentState: { Code: 32, Name: "shutting-down" },
      },
    ]);
    await clock.sleep(SHUTDOWN_SECONDS * 1000);
    const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [instance.instanceId] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 48, Name: "terminated" });
    expect(launch({ Name: "reuse" }, "10.0.0.50").privateIpAddress).toBe("10.0.0.50");

    expect(
      (await ec2Error(client.send(new TerminateInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }))))
        .name,
    ).toBe("InvalidInstanceID.NotFound");
  });

  it("refuses what RunInstances refuses", () => {
    expect(() => launch({}, "10.9.9.9")).toThrow(expect.objectContaining({ code: "InvalidParameterValue" }));
    expect(() =>
      ec2.launchInstance({
        instanceType: "m5.large",
        subnetId: "subnet-0000dead",
        securityGroupIds: [],
        tags: {},
      }),
    ).toThrow(expect.objectContaining({ code: "InvalidSubnetID.NotFound" }));
    expect(() =>
      ec2.launchInstance({
        instanceType: "m5.large",
        subnetId: subnetA?.subnetId as string,
        securityGroupIds: ["sg-0000dead"],
        tags: {},
      }),
    ).toThrow(expect.objectContaining({ code: "InvalidGroup.NotFound" }));
  });
});
