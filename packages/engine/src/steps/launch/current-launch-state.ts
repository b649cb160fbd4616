import {
  GetLaunchConfigurationCommand,
  type GetLaunchConfigurationCommandOutput,
  type LaunchConfiguration,
} from "@aws-sdk/client-drs";
import { DescribeLaunchTemplateVersionsCommand, type ResponseLaunchTemplateData } from "@aws-sdk/client-ec2";
import type { CurrentLaunchState, LaunchSettings } from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { aws } from "./aws-failures";

/** A server's DRS launch configuration and the default version of its DRS-managed launch template. */
export interface ServerLaunchState {
  launchConfiguration: GetLaunchConfigurationCommandOutput;
  launchTemplateId: string;
  defaultVersion: number;
  /** What planLaunchChanges compares the wanted settings with. */
  current: CurrentLaunchState;
}

/** @throws Error when DRS names no launch template for the server (DRS creates one per source server) */
export async function readLaunchState(
  engine: EngineContext,
  sourceServerId: string,
): Promise<ServerLaunchState> {
  const launchConfiguration = await aws("DRS GetLaunchConfiguration", () =>
    engine.aws.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: sourceServerId })),
  );
  const launchTemplateId = launchConfiguration.ec2LaunchTemplateID;
  if (!launchTemplateId) {
    throw new Error(
      `DRS launch configuration of ${sourceServerId} names no EC2 launch template; open the server's launch settings in the DRS console once so DRS creates it`,
    );
  }
  const versions = await aws("EC2 DescribeLaunchTemplateVersions", () =>
    engine.aws.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: launchTemplateId,
        Versions: ["$Default"],
      }),
    ),
  );
  const version = versions.LaunchTemplateVersions?.[0];
  if (version?.VersionNumber === undefined) {
    throw new Error(`launch template ${launchTemplateId} of ${sourceServerId} has no default version`);
  }
  return {
    launchConfiguration,
    launchTemplateId,
    defaultVersion: version.VersionNumber,
    current: currentLaunchState(launchConfiguration, version.LaunchTemplateData ?? {}),
  };
}

/** What planLaunchChanges compares the plan's settings with: the DRS launch configuration and a template version's data. */
export function currentLaunchState(
  launchConfiguration: LaunchConfiguration,
  templateData: ResponseLaunchTemplateData,
): CurrentLaunchState {
  return {
    launchConfiguration: {
      ...(launchConfiguration.launchDisposition && {
        launchDisposition: launchConfiguration.launchDisposition as NonNullable<
          LaunchSettings["launchDisposition"]
        >,
      }),
      ...(launchConfiguration.targetInstanceTypeRightSizingMethod && {
        targetInstanceTypeRightSizingMethod:
          launchConfiguration.targetInstanceTypeRightSizingMethod as NonNullable<
            LaunchSettings["rightSizing"]
          >,
      }),
      ...(launchConfiguration.copyPrivateIp !== undefined && {
        copyPrivateIp: launchConfiguration.copyPrivateIp,
      }),
      ...(launchConfiguration.copyTags !== undefined && { copyTags: launchConfiguration.copyTags }),
      ...(launchConfiguration.licensing?.osByol !== undefined && {
        licensing: { osByol: launchConfiguration.licensing.osByol },
      }),
    },
    templateData: templateState(templateData),
  };
}

function templateState(data: ResponseLaunchTemplateData): CurrentLaunchState["templateData"] {
  const nic = data.NetworkInterfaces?.find((candidate) => (candidate.DeviceIndex ?? 0) === 0);
  const groups = nic?.Groups ?? data.SecurityGroupIds;
  const profile = data.IamInstanceProfile?.Name ?? data.IamInstanceProfile?.Arn;
  const tags: Record<string, string> = {};
  for (const spec of data.TagSpecifications ?? []) {
    if ((spec.ResourceType ?? "instance") !== "instance") continue;
    for (const tag of spec.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? "";
  }
  return {
    ...(data.InstanceType && { instanceType: data.InstanceType }),
    ...(nic?.SubnetId && { subnetId: nic.SubnetId }),
    ...(groups && { securityGroupIds: groups }),
    ...(nic?.PrivateIpAddress && { privateIp: nic.PrivateIpAddress }),
    ...(profile && { instanceProfile: profile }),
    ...(Object.keys(tags).length > 0 && { tags }),
  };
}
