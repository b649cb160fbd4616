import { usableAddresses } from "@drs-orchestrator/core";
import { z } from "zod";
import type { FleetSubnet } from "../fleet/fleet-loader";
import type { Ec2Action, Ec2Context } from "./ec2-context";
import { Ec2Error } from "./ec2-error";
import { applyFilters } from "./ec2-filters";
import { paginate } from "./ec2-pagination";
import { parseParams, queryFilters, queryInteger } from "./query-request";
import { listOf } from "./xml-writer";

/**
 * DescribeSubnets and DescribeSecurityGroups over the fleet's recovery network. Unknown IDs given
 * as IDs fail the call, as EC2 does; given in an ID filter they are simply not listed.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 */

const NO_TAGS: Record<string, string> = {};

function quoted(ids: readonly string[]): string {
  return ids.map((id) => `'${id}'`).join(", ");
}

const describeSubnetsParams = z.strictObject({
  SubnetId: z.array(z.string()).optional(),
  Filter: queryFilters,
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
});

function freeAddresses(context: Ec2Context, subnet: FleetSubnet): number {
  const taken = context.instances
    .all()
    .filter(
      (record) => record.subnetId === subnet.subnetId && context.instances.state(record) !== "terminated",
    );
  return Math.max(0, usableAddresses(subnet.cidr).count - taken.length);
}

export const describeSubnets: Ec2Action = (context, params) => {
  const request = parseParams(describeSubnetsParams, params);
  const { fleet } = context;
  let subnets = fleet.subnets.map((subnet) => ({ ...subnet, tags: NO_TAGS }));
  if (request.SubnetId) {
    const malformed = request.SubnetId.find((id) => !/^subnet-[0-9a-f]{8,17}$/.test(id));
    if (malformed) throw new Ec2Error("InvalidSubnetID.Malformed", `Invalid id: "${malformed}"`);
    const missing = request.SubnetId.filter((id) => !subnets.some((subnet) => subnet.subnetId === id));
    if (missing.length > 0) {
      throw new Ec2Error(
        "InvalidSubnetID.NotFound",
        `The subnet ID${missing.length > 1 ? "s" : ""} ${quoted(missing)} do${missing.length > 1 ? "" : "es"} not exist`,
      );
    }
    subnets = subnets.filter((subnet) => request.SubnetId?.includes(subnet.subnetId));
  }
  const filtered = applyFilters(
    subnets,
    request.Filter,
    (subnet, name) => {
      switch (name) {
        case "subnet-id":
          return [subnet.subnetId];
        case "vpc-id":
          return [fleet.vpcId];
        case "availability-zone":
          return [subnet.availabilityZone];
        case "cidr-block":
          return [subnet.cidr.text];
        default:
          return undefined;
      }
    },
    ["subnet-id", "vpc-id", "availability-zone", "cidr-block"],
  );
  const { page, nextToken } = paginate(filtered, request, { action: "DescribeSubnets", min: 5, max: 1000 });
  return {
    subnetSet: listOf(
      page.map((subnet) => ({
        subnetId: subnet.subnetId,
        subnetArn: `arn:aws:ec2:${fleet.region}:${fleet.accountId}:subnet/${subnet.subnetId}`,
        state: "available",
        vpcId: fleet.vpcId,
        ownerId: fleet.accountId,
        cidrBlock: subnet.cidr.text,
        availableIpAddressCount: freeAddresses(context, subnet),
        availabilityZone: subnet.availabilityZone,
        defaultForAz: false,
        mapPublicIpOnLaunch: false,
        tagSet: listOf([]),
      })),
    ),
    nextToken,
  };
};

const describeSecurityGroupsParams = z.strictObject({
  GroupId: z.array(z.string()).optional(),
  GroupName: z.array(z.string()).optional(),
  Filter: queryFilters,
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
});

export const describeSecurityGroups: Ec2Action = (context, params) => {
  const request = parseParams(describeSecurityGroupsParams, params);
  const { fleet } = context;
  if (request.MaxResults !== undefined && (request.GroupId || request.GroupName)) {
    throw new Ec2Error(
      "InvalidParameterCombination",
      "The parameter groupIdSet cannot be used with the parameter maxResults",
    );
  }
  // The fleet names its groups by ID only; each is named after its ID.
  let groups = fleet.securityGroupIds.map((groupId) => ({ groupId, groupName: groupId, tags: NO_TAGS }));
  if (request.GroupId) {
    const malformed = request.GroupId.find((id) => !/^sg-[0-9a-f]{8,17}$/.test(id));
    if (malformed) throw new Ec2Error("InvalidGroupId.Malformed", `Invalid id: "${malformed}"`);
    const missing = request.GroupId.filter((id) => !fleet.securityGroupIds.includes(id));
    if (missing.length > 0) {
      throw new Ec2Error(
        "InvalidGroup.NotFound",
        `The security group${missing.length > 1 ? "s" : ""} ${quoted(missing)} do${missing.length > 1 ? "" : "es"} not exist`,
      );
    }
    groups = groups.filter((group) => request.GroupId?.includes(group.groupId));
  }
  if (request.GroupName) {
    const missing = request.GroupName.filter((name) => !groups.some((group) => group.groupName === name));
    if (missing.length > 0) {
      throw new Ec2Error(
        "InvalidGroup.NotFound",
        `The security group${missing.length > 1 ? "s" : ""} ${quoted(missing)} do${missing.length > 1 ? "" : "es"} not exist in default VPC '${fleet.vpcId}'`,
      );
    }
    groups = groups.filter((group) => request.GroupName?.includes(group.groupName));
  }
  const filtered = applyFilters(
    groups,
    request.Filter,
    (group, name) => {
      switch (name) {
        case "group-id":
          return [group.groupId];
        case "group-name":
          return [group.groupName];
        case "vpc-id":
          return [fleet.vpcId];
        default:
          return undefined;
      }
    },
    ["group-id", "group-name", "vpc-id"],
  );
  const { page, nextToken } = paginate(filtered, request, {
    action: "DescribeSecurityGroups",
    min: 5,
    max: 1000,
  });
  return {
    securityGroupInfo: listOf(
      page.map((group) => ({
        ownerId: fleet.accountId,
        groupId: group.groupId,
        groupName: group.groupName,
        groupDescription: "recovery security group",
        vpcId: fleet.vpcId,
        ipPermissions: listOf([]),
        ipPermissionsEgress: listOf([]),
        tagSet: listOf([]),
      })),
    ),
    nextToken,
  };
};
