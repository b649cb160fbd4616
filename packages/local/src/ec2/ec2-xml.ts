import {
  INSTANCE_STATE_CODES,
  type InstanceRecord,
  type InstanceStateName,
  type StatusCheck,
} from "./instance-store";
import type { LaunchTemplateData } from "./launch-template-data";
import type { LaunchTemplateRecord, LaunchTemplateVersionRecord } from "./launch-template-store";
import { listOf, type XmlObject } from "./xml-writer";

/** EC2 response elements, named as the EC2 API's XML names them (the SDK reads these names). */

export function tagSetXml(tags: Record<string, string>) {
  return listOf(Object.entries(tags).map(([key, value]) => ({ key, value })));
}

export function launchTemplateXml(template: LaunchTemplateRecord, latestVersion: number): XmlObject {
  return {
    launchTemplateId: template.launchTemplateId,
    launchTemplateName: template.launchTemplateName,
    createTime: new Date(template.createTimeMs),
    createdBy: template.createdBy,
    defaultVersionNumber: template.defaultVersion,
    latestVersionNumber: latestVersion,
    tagSet: tagSetXml(template.tags),
  };
}

export function launchTemplateVersionXml(
  template: LaunchTemplateRecord,
  version: LaunchTemplateVersionRecord,
): XmlObject {
  return {
    launchTemplateId: template.launchTemplateId,
    launchTemplateName: template.launchTemplateName,
    versionNumber: version.versionNumber,
    versionDescription: version.versionDescription,
    createTime: new Date(version.createTimeMs),
    createdBy: version.createdBy,
    defaultVersion: version.versionNumber === template.defaultVersion,
    launchTemplateData: launchTemplateDataXml(version.data),
  };
}

function launchTemplateDataXml(data: LaunchTemplateData): XmlObject {
  return {
    imageId: data.ImageId,
    instanceType: data.InstanceType,
    keyName: data.KeyName,
    iamInstanceProfile: data.IamInstanceProfile && {
      arn: data.IamInstanceProfile.Arn,
      name: data.IamInstanceProfile.Name,
    },
    networkInterfaceSet:
      data.NetworkInterfaces &&
      listOf(
        data.NetworkInterfaces.map((ni) => ({
          associatePublicIpAddress: ni.AssociatePublicIpAddress,
          deleteOnTermination: ni.DeleteOnTermination,
          description: ni.Description,
          deviceIndex: ni.DeviceIndex,
          groupSet: ni.Groups && listOf(ni.Groups, "groupId"),
          privateIpAddress: ni.PrivateIpAddress,
          subnetId: ni.SubnetId,
        })),
      ),
    securityGroupIdSet: data.SecurityGroupIds && listOf(data.SecurityGroupIds),
    tagSpecificationSet:
      data.TagSpecifications &&
      listOf(
        data.TagSpecifications.map((spec) => ({
          resourceType: spec.ResourceType,
          tagSet: listOf((spec.Tags ?? []).map((tag) => ({ key: tag.Key, value: tag.Value }))),
        })),
      ),
  };
}

export function instanceStateXml(state: InstanceStateName): XmlObject {
  return { code: INSTANCE_STATE_CODES[state], name: state };
}

export function instanceXml(record: InstanceRecord, state: InstanceStateName): XmlObject {
  const live = state !== "terminated";
  return {
    instanceId: record.instanceId,
    imageId: record.imageId,
    instanceState: instanceStateXml(state),
    privateDnsName: live ? `ip-${record.privateIpAddress.replaceAll(".", "-")}.ec2.internal` : "",
    dnsName: "",
    reason: state === "terminated" || state === "shutting-down" ? "User initiated" : "",
    amiLaunchIndex: 0,
    instanceType: record.instanceType,
    launchTime: new Date(record.launchTimeMs),
    placement: { availabilityZone: record.availabilityZone, groupName: "", tenancy: "default" },
    platform: record.platform,
    platformDetails: record.platform === "windows" ? "Windows" : "Linux/UNIX",
    monitoring: { state: "disabled" },
    subnetId: live ? record.subnetId : undefined,
    vpcId: live ? record.vpcId : undefined,
    privateIpAddress: live ? record.privateIpAddress : undefined,
    architecture: "x86_64",
    rootDeviceType: "ebs",
    rootDeviceName: record.platform === "windows" ? "/dev/sda1" : "/dev/xvda",
    virtualizationType: "hvm",
    hypervisor: "xen",
    groupSet: listOf(record.securityGroupIds.map((groupId) => ({ groupId }))),
    iamInstanceProfile: record.iamInstanceProfile,
    tagSet: tagSetXml(record.tags),
  };
}

export function statusXml(check: StatusCheck): XmlObject {
  if (check === "not-applicable") return { status: "not-applicable" };
  return {
    status: check,
    details: listOf([{ name: "reachability", status: check === "ok" ? "passed" : "initializing" }]),
  };
}
