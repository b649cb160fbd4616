import { GetLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import {
  DescribeLaunchTemplateVersionsCommand,
  type LaunchTemplateVersion,
  paginateDescribeLaunchTemplateVersions,
} from "@aws-sdk/client-ec2";
import type { LaunchStateFact, TemplateVersionSeen } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { aws, awsErrorName } from "../steps/launch/aws-failures";
import { currentLaunchState } from "../steps/launch/current-launch-state";
import { mapLimit } from "../steps/launch/map-limit";

/** Servers read at once: two or three DRS and EC2 calls each. */
const CONCURRENCY = 8;

function versionSeen(version: LaunchTemplateVersion): TemplateVersionSeen | undefined {
  if (version.VersionNumber === undefined) return undefined;
  return {
    versionNumber: version.VersionNumber,
    ...(version.VersionDescription !== undefined && { description: version.VersionDescription }),
    ...(version.CreatedBy !== undefined && { createdBy: version.CreatedBy }),
    ...(version.CreateTime !== undefined && { createdAt: version.CreateTime.toISOString() }),
  };
}

/**
 * A server's DRS launch configuration and its launch template: the default and latest versions
 * (one DescribeLaunchTemplateVersions call for both), and the versions between them only when the
 * default is not the latest.
 */
async function launchStateOf(engine: EngineContext, sourceServerId: string): Promise<LaunchStateFact> {
  const launchConfiguration = await aws("DRS GetLaunchConfiguration", () =>
    engine.aws.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: sourceServerId })),
  );
  const launchTemplateId = launchConfiguration.ec2LaunchTemplateID;
  if (!launchTemplateId) return { found: false };
  let versions: LaunchTemplateVersion[];
  try {
    const answer = await aws("EC2 DescribeLaunchTemplateVersions", () =>
      engine.aws.ec2.send(
        new DescribeLaunchTemplateVersionsCommand({
          LaunchTemplateId: launchTemplateId,
          Versions: ["$Default", "$Latest"],
        }),
      ),
    );
    versions = answer.LaunchTemplateVersions ?? [];
  } catch (error) {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    if (awsErrorName(error) === "InvalidLaunchTemplateId.NotFound") return { found: false, launchTemplateId };
    throw error;
  }
  const defaultVersion = versions.find((version) => version.DefaultVersion === true);
  if (defaultVersion?.VersionNumber === undefined) return { found: false, launchTemplateId };
  const latest = Math.max(...versions.map((version) => version.VersionNumber ?? 0));
  const newerVersions: TemplateVersionSeen[] = [];
  if (latest > defaultVersion.VersionNumber) {
    const minVersion = String(defaultVersion.VersionNumber + 1);
    await aws("EC2 DescribeLaunchTemplateVersions", async () => {
      for await (const page of paginateDescribeLaunchTemplateVersions(
        { client: engine.aws.ec2 },
        { LaunchTemplateId: launchTemplateId, MinVersion: minVersion },
      )) {
        for (const version of page.LaunchTemplateVersions ?? []) {
          const seen = versionSeen(version);
          if (seen) newerVersions.push(seen);
        }
      }
    });
  }
  return {
    found: true,
    launchTemplateId,
    defaultVersion: defaultVersion.VersionNumber,
    latestVersion: latest,
    newerVersions,
    current: currentLaunchState(launchConfiguration, defaultVersion.LaunchTemplateData ?? {}),
  };
}

/** Each server's launch configuration and launch template, a few servers at a time. */
export async function launchStateFacts(
  engine: EngineContext,
  sourceServerIds: readonly string[],
): Promise<Map<string, LaunchStateFact>> {
  const facts = await mapLimit(sourceServerIds, CONCURRENCY, (id) => launchStateOf(engine, id));
  return new Map(sourceServerIds.map((id, index) => [id, facts[index] as LaunchStateFact]));
}
