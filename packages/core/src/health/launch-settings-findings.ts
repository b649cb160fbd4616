import {
  type CurrentLaunchState,
  isExecutionTemplateVersion,
  type LaunchChanges,
  planLaunchChanges,
} from "../launch/launch-settings";
import type { LaunchSettings } from "../plan/plan-schema";
import type { PlanFinding } from "./plan-health";
import type { PlanScope, ScopedServer } from "./plan-scope";

/** A launch template version newer than the default, as DescribeLaunchTemplateVersions lists it. */
export interface TemplateVersionSeen {
  versionNumber: number;
  description?: string;
  createdBy?: string;
  /** ISO-8601. */
  createdAt?: string;
}

/** A server's DRS launch configuration and launch template, as the account holds them now. */
export type LaunchStateFact =
  | {
      found: true;
      launchTemplateId: string;
      defaultVersion: number;
      latestVersion: number;
      /** The versions newer than the default (none when the default is the latest). */
      newerVersions: readonly TemplateVersionSeen[];
      /** The launch configuration and the default version's data, as planLaunchChanges compares them. */
      current: CurrentLaunchState;
    }
  | {
      found: false;
      /** The template DRS names but EC2 does not have; absent when DRS names none. */
      launchTemplateId?: string;
    };

type Shown = string | number | boolean | readonly string[] | undefined;

function show(value: Shown): string {
  if (value === undefined) return "unset";
  if (Array.isArray(value)) return value.join(",");
  return String(value);
}

function sameMembers(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** `field now → wanted` for each setting that differs, in the plan's own field names. */
function differences(
  settings: LaunchSettings,
  current: CurrentLaunchState,
  changes: LaunchChanges,
): string[] {
  const out: string[] = [];
  const differ = (field: string, now: Shown, wanted: Shown) =>
    out.push(`${field} ${show(now)} → ${show(wanted)}`);
  const config = current.launchConfiguration;
  const update = changes.updateLaunchConfiguration;
  if (update?.launchDisposition !== undefined)
    differ("launchDisposition", config.launchDisposition, update.launchDisposition);
  if (update?.targetInstanceTypeRightSizingMethod !== undefined)
    differ(
      "rightSizing",
      config.targetInstanceTypeRightSizingMethod,
      update.targetInstanceTypeRightSizingMethod,
    );
  if (update?.copyPrivateIp !== undefined)
    differ("copyPrivateIp", config.copyPrivateIp, update.copyPrivateIp);
  if (update?.copyTags !== undefined) differ("copyTags", config.copyTags, update.copyTags);
  if (update?.licensing !== undefined)
    differ("licensing.osByol", config.licensing?.osByol, update.licensing.osByol);

  const data = changes.launchTemplateData;
  const template = current.templateData;
  if (data?.InstanceType !== undefined) differ("instanceType", template.instanceType, data.InstanceType);
  if (data?.NetworkInterfaces) {
    if (settings.subnetId !== undefined && settings.subnetId !== template.subnetId)
      differ("subnetId", template.subnetId, settings.subnetId);
    if (
      settings.securityGroupIds !== undefined &&
      !sameMembers(settings.securityGroupIds, template.securityGroupIds)
    )
      differ("securityGroupIds", template.securityGroupIds, settings.securityGroupIds);
    if (settings.privateIp !== undefined && settings.privateIp !== template.privateIp)
      differ("privateIp", template.privateIp, settings.privateIp);
  }
  if (data?.IamInstanceProfile) differ("instanceProfile", template.instanceProfile, settings.instanceProfile);
  if (data?.TagSpecifications) {
    for (const [key, value] of Object.entries(settings.tags ?? {})) {
      if (template.tags?.[key] !== value) differ(`tags.${key}`, template.tags?.[key], value);
    }
  }
  return out;
}

function serverFindings(scoped: ScopedServer, fact: LaunchStateFact): PlanFinding[] {
  const { sourceServerId, groupId, settings } = scoped;
  const subject = { category: "launch-settings" as const, groupId, sourceServerId };
  if (!fact.found) {
    return [
      {
        ...subject,
        code: "LAUNCH_TEMPLATE_MISSING",
        severity: "BLOCKS_RECOVERY",
        ...(fact.launchTemplateId !== undefined && { resourceId: fact.launchTemplateId }),
        message:
          fact.launchTemplateId === undefined
            ? `DRS names no EC2 launch template for ${sourceServerId}: a drill or RECOVERY cannot set its launch settings`
            : `launch template ${fact.launchTemplateId} of ${sourceServerId}, which DRS launches it with, does not exist: a drill or RECOVERY cannot set its launch settings`,
        fix: `open the launch settings of ${sourceServerId} in the DRS console and save them, so DRS creates its launch template again`,
      },
    ];
  }
  const findings: PlanFinding[] = [];
  const changes = planLaunchChanges(sourceServerId, settings, fact.current);
  const differing = differences(settings, fact.current, changes);
  if (differing.length > 0) {
    findings.push({
      ...subject,
      code: "LAUNCH_CONFIGURATION_DRIFT",
      severity: "WARNING",
      resourceId: fact.launchTemplateId,
      message: `${sourceServerId} would launch with settings other than the plan's: ${differing.join("; ")} (DRS launch configuration and launch template ${fact.launchTemplateId} version ${fact.defaultVersion}); a drill or RECOVERY sets the plan's again`,
      fix: "nothing is needed for a run; if the change was meant, write it into the plan, otherwise undo it in the DRS launch settings",
    });
  }
  const byHand = fact.newerVersions.filter((version) => !isExecutionTemplateVersion(version.description));
  if (byHand.length > 0) {
    const versions = byHand
      .map((version) =>
        [
          `version ${version.versionNumber}`,
          version.createdBy && `by ${version.createdBy}`,
          version.createdAt && `at ${version.createdAt}`,
        ]
          .filter(Boolean)
          .join(" "),
      )
      .join(", ");
    findings.push({
      ...subject,
      code: "TEMPLATE_DEFAULT_MOVED",
      severity: "WARNING",
      resourceId: fact.launchTemplateId,
      message: `launch template ${fact.launchTemplateId} of ${sourceServerId} defaults to version ${fact.defaultVersion} although ${versions} is newer and was made by hand, not by a run: DRS launches the default, so that edit does not apply`,
      fix: `decide which version ${sourceServerId} should launch with: make it the template's default (EC2 ModifyLaunchTemplate), and put lasting settings into the plan`,
    });
  }
  return findings;
}

/**
 * Whether each server's DRS launch configuration and launch template default version hold what the
 * plan sets (planLaunchChanges against what is there), whether someone edited the template by hand
 * without making the edit the default, and whether the template exists at all.
 */
export function launchSettingsFindings(
  scope: PlanScope,
  launchStates: ReadonlyMap<string, LaunchStateFact> | undefined,
): PlanFinding[] {
  if (!launchStates) return [];
  return scope.servers.flatMap((scoped) => {
    const fact = launchStates.get(scoped.sourceServerId);
    return fact ? serverFindings(scoped, fact) : [];
  });
}
