import type { LaunchConfiguration } from "@aws-sdk/client-drs";
import { cidrContains } from "@drs-orchestrator/core";
import type { InstanceSpec } from "../ec2/instance-store";
import { instanceTagsOf, type LaunchTemplateData, primaryInterface } from "../ec2/launch-template-data";
import {
  DRS_MANAGED_TAG,
  DRS_SOURCE_SERVER_TAG,
  type FleetSubnet,
  type OsFamily,
} from "../fleet/fleet-loader";

export interface LaunchInputs {
  sourceServerID: string;
  os: OsFamily;
  recommendedInstanceType: string;
  sourcePrivateIp: string;
  sourceTags: Record<string, string>;
  configuration: LaunchConfiguration;
  /** The DEFAULT version of the server's launch template. */
  template: LaunchTemplateData;
  subnets: readonly FleetSubnet[];
}

export type LaunchPlan = { ok: true; spec: InstanceSpec } | { ok: false; reason: string };

/**
 * The instance DRS launches for a server, by DRS's rules: right-sizing BASIC / IN_AWS takes the
 * recommended instance type over the template's (NONE honours the template); network interface 0
 * gives subnet, security groups and private IP; copyPrivateIp takes the source server's IP, which
 * must lie in the subnet's CIDR, as must a private IP the template sets; copyTags carries the
 * source server's tags, and template tags win over them.
 */
export function planLaunch(inputs: LaunchInputs): LaunchPlan {
  const { configuration, template } = inputs;
  const rightSizing = configuration.targetInstanceTypeRightSizingMethod ?? "BASIC";
  const instanceType = rightSizing === "NONE" ? template.InstanceType : inputs.recommendedInstanceType;
  if (!instanceType) {
    return {
      ok: false,
      reason:
        "The launch template sets no instance type and right-sizing is NONE: set InstanceType in the template",
    };
  }
  const nic = primaryInterface(template);
  const subnetId = nic?.SubnetId;
  if (!subnetId) {
    return {
      ok: false,
      reason: "The launch template sets no subnet on network interface 0: set NetworkInterfaces[0].SubnetId",
    };
  }
  const subnet = inputs.subnets.find((candidate) => candidate.subnetId === subnetId);
  if (!subnet) return { ok: false, reason: `Subnet ${subnetId} of the launch template does not exist` };

  let privateIpAddress: string | undefined;
  if (configuration.copyPrivateIp) {
    privateIpAddress = inputs.sourcePrivateIp;
    if (!cidrContains(subnet.cidr, privateIpAddress)) {
      return {
        ok: false,
        reason: `copyPrivateIp is on, but the source server's private IP ${privateIpAddress} is outside ${subnet.cidr.text}, the CIDR of subnet ${subnetId}: launch into a subnet that contains it or turn copyPrivateIp off`,
      };
    }
  } else if (nic.PrivateIpAddress) {
    privateIpAddress = nic.PrivateIpAddress;
    if (!cidrContains(subnet.cidr, privateIpAddress)) {
      return {
        ok: false,
        reason: `The launch template's private IP ${privateIpAddress} is outside ${subnet.cidr.text}, the CIDR of subnet ${subnetId}`,
      };
    }
  }

  const tags = {
    ...(configuration.copyTags ? inputs.sourceTags : {}),
    ...instanceTagsOf(template),
    [DRS_MANAGED_TAG.key]: DRS_MANAGED_TAG.value,
    [DRS_SOURCE_SERVER_TAG]: inputs.sourceServerID,
  };
  return {
    ok: true,
    spec: {
      instanceType,
      subnetId,
      securityGroupIds: nic.Groups ?? template.SecurityGroupIds ?? [],
      privateIpAddress,
      iamInstanceProfile: template.IamInstanceProfile,
      tags,
      platform: inputs.os === "WINDOWS" ? "windows" : undefined,
    },
  };
}
