import {
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand, IAMClient } from "@aws-sdk/client-iam";
import { formatPlanIssue } from "@drs-orchestrator/core";
import { applyFaultsData, generateFleet, type LocalAws, startLocalAws } from "@drs-orchestrator/local";
import { afterEach, describe, expect, it } from "vitest";

/**
 * The recovery network and identity the local runtime answers for (EC2 DescribeSubnets /
 * DescribeSecurityGroups, IAM GetInstanceProfile), through the real SDK clients, and the drift
 * that removes or edits them at runtime or from the faults file.
 */

const base = generateFleet({ servers: 3, seed: 11 });
const fleet = { ...base, instanceProfiles: ["app-recovered", "db-recovered"] };
const [SUBNET_A, SUBNET_B] = fleet.subnets.map((subnet) => subnet.subnetId) as [string, string];
const [SG_A, SG_B] = fleet.securityGroupIds as [string, string];
const SERVER = fleet.sourceServers[0]?.sourceServerID as string;
const UNKNOWN_SUBNET = "subnet-0fffffffffffffff0";
const UNKNOWN_SG = "sg-0fffffffffffffff0";

let local: LocalAws | undefined;
let clients: { ec2: EC2Client; iam: IAMClient } | undefined;
afterEach(async () => {
  clients?.ec2.destroy();
  clients?.iam.destroy();
  clients = undefined;
  await local?.stop();
  local = undefined;
});

async function start(options: Parameters<typeof startLocalAws>[0] = {}) {
  local = await startLocalAws({ fleet, ...options });
  const config = {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  clients = { ec2: new EC2Client(config), iam: new IAMClient(config) };
  return { local, ...clients };
}

describe("EC2 subnets and security groups", () => {
  it("lists the fleet's subnets with their CIDR; an ID filter leaves unknown IDs out, SubnetIds refuses them", async () => {
    const { ec2 } = await start();
    const all = await ec2.send(new DescribeSubnetsCommand({}));
    expect(all.Subnets?.map((subnet) => [subnet.SubnetId, subnet.CidrBlock, subnet.State])).toEqual([
      [SUBNET_A, "10.0.0.0/18", "available"],
      [SUBNET_B, "10.0.64.0/18", "available"],
    ]);
    expect(all.Subnets?.[0]).toMatchObject({
      AvailabilityZone: "us-east-1a",
      OwnerId: fleet.accountId,
      VpcId: expect.stringMatching(/^vpc-/),
      AvailableIpAddressCount: 2 ** 14 - 5,
    });

    const filtered = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "subnet-id", Values: [SUBNET_B, UNKNOWN_SUBNET] }] }),
    );
    expect(filtered.Subnets?.map((subnet) => subnet.SubnetId)).toEqual([SUBNET_B]);
    await expect(
      ec2.send(new DescribeSubnetsCommand({ SubnetIds: [SUBNET_A, UNKNOWN_SUBNET] })),
    ).rejects.toMatchObject({
      name: "InvalidSubnetID.NotFound",
      message: `The subnet ID '${UNKNOWN_SUBNET}' does not exist`,
    });
  });

  it("lists the fleet's security groups; unknown group IDs are InvalidGroup.NotFound", async () => {
    const { ec2 } = await start();
    const filtered = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "group-id", Values: [SG_B, UNKNOWN_SG] }] }),
    );
    expect(filtered.SecurityGroups?.map((group) => [group.GroupId, group.OwnerId])).toEqual([
      [SG_B, fleet.accountId],
    ]);
    expect(
      (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [SG_A] }))).SecurityGroups,
    ).toHaveLength(1);
    await expect(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [UNKNOWN_SG] })),
    ).rejects.toMatchObject({
      name: "InvalidGroup.NotFound",
    });
    await expect(
      ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-nothex"] })),
    ).rejects.toMatchObject({
      name: "InvalidGroupId.Malformed",
    });
  });

  it("a deleted subnet or security group is gone from the listings, and a launch into it fails", async () => {
    const { ec2, local } = await start();
    local.ec2.deleteSubnet(SUBNET_B);
    local.ec2.deleteSecurityGroup(SG_B);
    expect(
      (await ec2.send(new DescribeSubnetsCommand({}))).Subnets?.map((subnet) => subnet.SubnetId),
    ).toEqual([SUBNET_A]);
    expect(
      (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups?.map((group) => group.GroupId),
    ).toEqual(fleet.securityGroupIds.filter((id) => id !== SG_B));
    const spec = { instanceType: "m5.large", securityGroupIds: [SG_A], tags: {} };
    expect(() => local.ec2.launchInstance({ ...spec, subnetId: SUBNET_B })).toThrow(
      /subnet ID .* does not exist/,
    );
    expect(() => local.ec2.launchInstance({ ...spec, subnetId: SUBNET_A, securityGroupIds: [SG_B] })).toThrow(
      /security group .* does not exist/,
    );
    expect(() => local.ec2.deleteSubnet(SUBNET_B)).toThrow(/does not exist/);
  });
});

describe("IAM instance profiles", () => {
  it("answers GetInstanceProfile for the fleet's profiles and NoSuchEntity for others, and after a deletion", async () => {
    const { iam, local } = await start();
    const { InstanceProfile } = await iam.send(
      new GetInstanceProfileCommand({ InstanceProfileName: "app-recovered" }),
    );
    expect(InstanceProfile).toMatchObject({
      InstanceProfileName: "app-recovered",
      Arn: `arn:aws:iam::${fleet.accountId}:instance-profile/app-recovered`,
      Path: "/",
      InstanceProfileId: expect.stringMatching(/^AIPA[0-9A-F]{17}$/),
      Roles: [expect.objectContaining({ RoleName: "app-recovered" })],
    });
    expect(InstanceProfile?.CreateDate).toBeInstanceOf(Date);
    await expect(
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "other" })),
    ).rejects.toMatchObject({
      name: "NoSuchEntityException",
      message: "Instance Profile other cannot be found.",
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "bad name" })),
    ).rejects.toMatchObject({
      name: "ValidationError",
    });
    local.iam.deleteInstanceProfile("db-recovered");
    await expect(
      iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "db-recovered" })),
    ).rejects.toMatchObject({ name: "NoSuchEntityException" });
    expect(local.iam.instanceProfiles()).toEqual(["app-recovered"]);
  });
});

describe("drift from the faults file", () => {
  it("starts the runtime with the file's subnets, security groups and profiles deleted and a template edited by hand", async () => {
    const result = applyFaultsData(
      {
        drift: {
          deleteSubnets: [SUBNET_B],
          deleteSecurityGroups: [SG_B],
          deleteInstanceProfiles: ["db-recovered"],
          moveTemplateDefault: [SERVER],
        },
      },
      fleet,
    );
    if (!result.ok) throw new Error(result.issues.map((issue) => formatPlanIssue(issue)).join("\n"));
    expect(result.drift).toEqual({
      deleteSubnets: [SUBNET_B],
      deleteSecurityGroups: [SG_B],
      deleteInstanceProfiles: ["db-recovered"],
      moveTemplateDefault: [SERVER],
    });
    const { ec2, local } = await start({ ...(result.drift && { drift: result.drift }) });
    expect(
      (await ec2.send(new DescribeSubnetsCommand({}))).Subnets?.map((subnet) => subnet.SubnetId),
    ).toEqual([SUBNET_A]);
    expect(local.iam.instanceProfiles()).toEqual(["app-recovered"]);
    const templateId = local.ec2.launchTemplateIdOf(SERVER) as string;
    const [template] =
      (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] })))
        .LaunchTemplates ?? [];
    expect([template?.DefaultVersionNumber, template?.LatestVersionNumber]).toEqual([1, 2]);
  });

  it("refuses drift over what the fleet does not have, naming the key and the fix", () => {
    const result = applyFaultsData(
      {
        drift: {
          deleteSubnets: [UNKNOWN_SUBNET],
          deleteInstanceProfiles: ["nobody"],
          moveTemplateDefault: ["s-0000000000000000z"],
        },
      },
      fleet,
    );
    expect(result.ok ? [] : result.issues.map((issue) => formatPlanIssue(issue))).toEqual([
      'drift.moveTemplateDefault[0]: source server "s-0000000000000000z" is not in the fleet (fix: use the sourceServerID of one of the fleet\'s 3 source servers)',
      `drift.deleteSubnets[0]: subnet "${UNKNOWN_SUBNET}" is not in the fleet (fix: use one of the fleet's subnets: ${SUBNET_A}, ${SUBNET_B})`,
      'drift.deleteInstanceProfiles[0]: instance profile "nobody" is not in the fleet (fix: use one of the fleet\'s instanceProfiles: app-recovered, db-recovered)',
    ]);
  });
});
