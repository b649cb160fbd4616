import type { Group, LaunchSettings, Plan, RightSizing } from "../plan/plan-schema";

/**
 * The settings a server launches with: plan ← group ← server. Tags merge key by key; for every
 * other field the most specific level that sets it wins whole (a group's securityGroupIds replace
 * the plan's, they do not add to them).
 */
export function effectiveLaunchSettings(plan: Plan, group: Group, sourceServerId: string): LaunchSettings {
  const merged: Record<string, unknown> = {};
  const server =
    group.servers && Object.hasOwn(group.servers, sourceServerId) ? group.servers[sourceServerId] : undefined;
  for (const level of [plan.launch, group.launch, server]) {
    for (const [field, value] of Object.entries(level ?? {})) {
      if (value === undefined) continue;
      merged[field] =
        field === "tags"
          ? { ...(merged.tags as Record<string, string> | undefined), ...(value as Record<string, string>) }
          : structuredClone(value);
    }
  }
  return merged as LaunchSettings;
}

type LaunchDisposition = NonNullable<LaunchSettings["launchDisposition"]>;

/** What a server's DRS launch configuration and default launch template version hold now. */
export interface CurrentLaunchState {
  launchConfiguration: {
    launchDisposition?: LaunchDisposition;
    targetInstanceTypeRightSizingMethod?: RightSizing;
    copyPrivateIp?: boolean;
    copyTags?: boolean;
    licensing?: { osByol?: boolean };
  };
  templateData: {
    instanceType?: string;
    subnetId?: string;
    securityGroupIds?: string[];
    privateIp?: string;
    /** Instance profile name or ARN. */
    instanceProfile?: string;
    tags?: Record<string, string>;
  };
}

/** DRS UpdateLaunchConfiguration input (camelCase, as the DRS API names it). */
export interface LaunchConfigurationUpdate {
  sourceServerID: string;
  launchDisposition?: LaunchDisposition;
  targetInstanceTypeRightSizingMethod?: RightSizing;
  copyPrivateIp?: boolean;
  copyTags?: boolean;
  licensing?: { osByol: boolean };
}

/** EC2 RequestLaunchTemplateData fields (PascalCase, as the EC2 API names them). */
export interface LaunchTemplateDataChange {
  InstanceType?: string;
  NetworkInterfaces?: {
    DeviceIndex: 0;
    SubnetId?: string;
    Groups?: string[];
    PrivateIpAddress?: string;
  }[];
  IamInstanceProfile?: { Name: string } | { Arn: string };
  TagSpecifications?: { ResourceType: "instance"; Tags: { Key: string; Value: string }[] }[];
}

export interface LaunchChanges {
  /** DRS UpdateLaunchConfiguration input with the fields that differ from current, or undefined. */
  updateLaunchConfiguration?: LaunchConfigurationUpdate;
  /**
   * Fields of a new launch template version that differ from the current default version, or
   * undefined when the template needs no new version. List-valued fields carry the whole list,
   * since a new version replaces a list rather than merging into it.
   */
  launchTemplateData?: LaunchTemplateDataChange;
  warnings: string[];
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((item) => set.has(item));
}

/** Wanted and different from what is there (anything wanted is a change when nothing is known). */
function differs<T>(wanted: T | undefined, now: T | undefined, known: boolean): wanted is T {
  return wanted !== undefined && (!known || wanted !== now);
}

function planLaunchConfiguration(
  sourceServerId: string,
  settings: LaunchSettings,
  current: CurrentLaunchState | undefined,
  warnings: string[],
): LaunchConfigurationUpdate | undefined {
  const now = current?.launchConfiguration ?? {};
  const known = current !== undefined;
  // DRS copies the source server's IP when copyPrivateIp is on, which would override the IP set here.
  let copyPrivateIp = settings.copyPrivateIp;
  if (settings.privateIp !== undefined) {
    if (copyPrivateIp === true) {
      warnings.push(
        `${sourceServerId}: privateIp ${settings.privateIp} and copyPrivateIp: true conflict; copyPrivateIp is set to false so the server gets ${settings.privateIp}`,
      );
    }
    copyPrivateIp = false;
  }
  const update: LaunchConfigurationUpdate = { sourceServerID: sourceServerId };
  let changed = false;
  if (differs(settings.launchDisposition, now.launchDisposition, known)) {
    update.launchDisposition = settings.launchDisposition;
    changed = true;
  }
  if (differs(settings.rightSizing, now.targetInstanceTypeRightSizingMethod, known)) {
    update.targetInstanceTypeRightSizingMethod = settings.rightSizing;
    changed = true;
  }
  if (differs(copyPrivateIp, now.copyPrivateIp, known)) {
    update.copyPrivateIp = copyPrivateIp;
    changed = true;
  }
  if (differs(settings.copyTags, now.copyTags, known)) {
    update.copyTags = settings.copyTags;
    changed = true;
  }
  if (differs(settings.licensing?.osByol, now.licensing?.osByol, known)) {
    update.licensing = { osByol: settings.licensing.osByol };
    changed = true;
  }
  return changed ? update : undefined;
}

function planNetworkInterface(
  settings: LaunchSettings,
  current: CurrentLaunchState | undefined,
): NonNullable<LaunchTemplateDataChange["NetworkInterfaces"]>[number] | undefined {
  const now = current?.templateData ?? {};
  const known = current !== undefined;
  const subnetChanged = differs(settings.subnetId, now.subnetId, known);
  const groupsChanged =
    settings.securityGroupIds !== undefined &&
    (!known || !sameMembers(settings.securityGroupIds, now.securityGroupIds ?? []));
  const ipChanged = differs(settings.privateIp, now.privateIp, known);
  if (!subnetChanged && !groupsChanged && !ipChanged) return undefined;
  // The new version replaces interface 0 whole, so unchanged parts are carried over; an IP of the
  // old subnet is not, since it cannot lie in the new one.
  const subnetId = settings.subnetId ?? now.subnetId;
  const groups = settings.securityGroupIds ?? now.securityGroupIds;
  const privateIp = settings.privateIp ?? (subnetChanged ? undefined : now.privateIp);
  return {
    DeviceIndex: 0,
    ...(subnetId !== undefined && { SubnetId: subnetId }),
    ...(groups !== undefined && { Groups: [...groups] }),
    ...(privateIp !== undefined && { PrivateIpAddress: privateIp }),
  };
}

function planLaunchTemplate(
  settings: LaunchSettings,
  current: CurrentLaunchState | undefined,
): LaunchTemplateDataChange | undefined {
  const now = current?.templateData ?? {};
  const known = current !== undefined;
  const data: LaunchTemplateDataChange = {};
  if (differs(settings.instanceType, now.instanceType, known)) data.InstanceType = settings.instanceType;
  const networkInterface = planNetworkInterface(settings, current);
  if (networkInterface) data.NetworkInterfaces = [networkInterface];
  const profile = settings.instanceProfile;
  if (differs(profile, now.instanceProfile, known)) {
    data.IamInstanceProfile = profile.startsWith("arn:") ? { Arn: profile } : { Name: profile };
  }
  const tags = settings.tags ?? {};
  const nowTags = now.tags ?? {};
  if (Object.entries(tags).some(([key, value]) => !known || nowTags[key] !== value)) {
    // Tags the plan does not name stay as they are.
    const all = { ...nowTags, ...tags };
    data.TagSpecifications = [
      {
        ResourceType: "instance",
        Tags: Object.keys(all)
          .sort()
          .map((key) => ({ Key: key, Value: all[key] as string })),
      },
    ];
  }
  return Object.keys(data).length > 0 ? data : undefined;
}

const RIGHT_SIZING_PICKS_TYPE: ReadonlySet<RightSizing> = new Set(["BASIC", "IN_AWS"]);

/**
 * What must change in DRS and EC2 for a server to launch with `settings`: only the fields that
 * differ from `current` (everything set is a change when current is unknown), plus warnings for
 * settings DRS would not honour.
 */
export function planLaunchChanges(
  sourceServerId: string,
  settings: LaunchSettings,
  current?: CurrentLaunchState,
): LaunchChanges {
  const warnings: string[] = [];
  const rightSizing =
    settings.rightSizing ?? current?.launchConfiguration.targetInstanceTypeRightSizingMethod;
  if (
    settings.instanceType !== undefined &&
    rightSizing !== undefined &&
    RIGHT_SIZING_PICKS_TYPE.has(rightSizing)
  ) {
    warnings.push(
      `${sourceServerId}: instanceType ${settings.instanceType} is ignored because rightSizing is ${rightSizing} (DRS picks the type); set rightSizing: NONE to launch ${settings.instanceType}`,
    );
  }
  if (
    settings.privateIp !== undefined &&
    (settings.subnetId ?? current?.templateData.subnetId) === undefined
  ) {
    warnings.push(
      `${sourceServerId}: privateIp ${settings.privateIp} needs a subnet; set subnetId to the subnet whose CIDR holds ${settings.privateIp}`,
    );
  }
  const updateLaunchConfiguration = planLaunchConfiguration(sourceServerId, settings, current, warnings);
  const launchTemplateData = planLaunchTemplate(settings, current);
  return {
    ...(updateLaunchConfiguration && { updateLaunchConfiguration }),
    ...(launchTemplateData && { launchTemplateData }),
    warnings,
  };
}

const VERSION_DESCRIPTION_PREFIX = "drs-orchestrator execution ";

/** How an execution describes the launch template versions it creates (EC2 allows 255 characters). */
export function launchTemplateVersionDescription(executionId: string): string {
  return `${VERSION_DESCRIPTION_PREFIX}${executionId}`.slice(0, 255);
}

/** Whether a launch template version was created by an execution rather than by hand. */
export function isExecutionTemplateVersion(description: string | undefined): boolean {
  return description?.startsWith(VERSION_DESCRIPTION_PREFIX) === true;
}
