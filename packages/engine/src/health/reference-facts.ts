import { paginateDescribeSecurityGroups, paginateDescribeSubnets } from "@aws-sdk/client-ec2";
import { GetInstanceProfileCommand } from "@aws-sdk/client-iam";
import type { LaunchSettings, SubnetSeen } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { aws, awsErrorName } from "../steps/launch/aws-failures";
import { chunks, mapLimit } from "../steps/launch/map-limit";

/** Values in one EC2 filter; the IDs a plan names are few, so one or two requests each. */
const FILTER_VALUES = 200;
const IAM_CONCURRENCY = 4;

/** The subnets, security groups and instance profiles the servers' effective settings name. */
export function namedReferences(settings: readonly LaunchSettings[]): {
  subnetIds: string[];
  securityGroupIds: string[];
  instanceProfiles: string[];
} {
  const subnetIds = new Set<string>();
  const securityGroupIds = new Set<string>();
  const instanceProfiles = new Set<string>();
  for (const setting of settings) {
    if (setting.subnetId !== undefined) subnetIds.add(setting.subnetId);
    for (const id of setting.securityGroupIds ?? []) securityGroupIds.add(id);
    if (setting.instanceProfile !== undefined) instanceProfiles.add(setting.instanceProfile);
  }
  return {
    subnetIds: [...subnetIds],
    securityGroupIds: [...securityGroupIds],
    instanceProfiles: [...instanceProfiles],
  };
}

/**
 * The named subnets that exist. A `subnet-id` filter lists those that exist and leaves the others
 * out, where SubnetIds would fail the whole call on the first unknown ID.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
 */
export async function existingSubnets(
  engine: EngineContext,
  subnetIds: readonly string[],
): Promise<SubnetSeen[]> {
  const found: SubnetSeen[] = [];
  for (const ids of chunks(subnetIds, FILTER_VALUES)) {
    await aws("EC2 DescribeSubnets", async () => {
      for await (const page of paginateDescribeSubnets(
        { client: engine.aws.ec2 },
        { Filters: [{ Name: "subnet-id", Values: ids }] },
      )) {
        for (const subnet of page.Subnets ?? []) {
          if (subnet.SubnetId && subnet.CidrBlock)
            found.push({ subnetId: subnet.SubnetId, cidrBlock: subnet.CidrBlock });
        }
      }
    });
  }
  return found;
}

/**
 * The named security groups that exist, by a `group-id` filter as for subnets.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html
 */
export async function existingSecurityGroups(
  engine: EngineContext,
  groupIds: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  for (const ids of chunks(groupIds, FILTER_VALUES)) {
    await aws("EC2 DescribeSecurityGroups", async () => {
      for await (const page of paginateDescribeSecurityGroups(
        { client: engine.aws.ec2 },
        { Filters: [{ Name: "group-id", Values: ids }] },
      )) {
        for (const group of page.SecurityGroups ?? []) if (group.GroupId) found.push(group.GroupId);
      }
    });
  }
  return found;
}

/** The profile name in an instance profile ARN (`…:instance-profile/<path/>name`), or the name as given. */
function profileName(profile: string): string {
  return profile.startsWith("arn:") ? (profile.split("/").pop() ?? profile) : profile;
}

/**
 * Whether each named instance profile exists in this account: GetInstanceProfile by name, and for an
 * ARN, that the profile found has that ARN (one of another account does not count).
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetInstanceProfile.html
 */
export async function instanceProfilesExist(
  engine: EngineContext,
  profiles: readonly string[],
): Promise<Map<string, boolean>> {
  const exists = await mapLimit(profiles, IAM_CONCURRENCY, async (profile) => {
    try {
      const { InstanceProfile } = await aws("IAM GetInstanceProfile", () =>
        engine.aws.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileName(profile) })),
      );
      return !profile.startsWith("arn:") || InstanceProfile?.Arn === profile;
    } catch (error) {
      if (awsErrorName(error) === "NoSuchEntityException") return false;
      throw error;
    }
  });
  return new Map(profiles.map((profile, index) => [profile, exists[index] === true]));
}
