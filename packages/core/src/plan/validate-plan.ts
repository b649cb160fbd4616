import { findDependencyCycle } from "../planning/dependency-graph";
import { formatDocumentPath, type PlanIssue, suggestSpelling } from "./plan-issues";
import { type Group, type LaunchSettings, type Plan, SOURCE_SERVER_ID } from "./plan-schema";
import { checkScheduleExpression } from "./schedule-expression";
import type { DocumentPath } from "./schema-path";

/** The parts of a plan the semantic checks read; a whole `Plan` qualifies. */
export type PlanStructure = Pick<Plan, "groups" | "launch" | "waves" | "hooks" | "triggers">;

/** DRS tag limits (TagResource; launch template tags follow the same rules). */
const MAX_TAGS = 50;
const MAX_TAG_TEXT = 256;
/** A Standard state machine execution runs at most a year, so a longer wait can never time out. */
const MAX_APPROVAL_TIMEOUT_SECONDS = 365 * 86400;
const HOOK_ACTIONS = ["mcp", "lambda", "ssm", "event"] as const;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

type Report = (path: DocumentPath, message: string, fix: string) => void;

function unknownGroupFix(id: string, knownIds: readonly string[]): string {
  const suggestion = suggestSpelling(id, knownIds);
  if (suggestion) return `did you mean "${suggestion}"?`;
  return `use one of the plan's group IDs: ${knownIds.join(", ")}`;
}

function checkGroupIds(groups: readonly Group[], report: Report): void {
  const firstIndex = new Map<string, number>();
  groups.forEach((group, i) => {
    const first = firstIndex.get(group.id);
    if (first === undefined) firstIndex.set(group.id, i);
    else
      report(
        ["groups", i, "id"],
        `duplicate group ID "${group.id}": groups[${first}] already uses it`,
        "give each group its own id",
      );
  });
}

function checkDependencies(groups: readonly Group[], report: Report): void {
  const knownIds = [...new Set(groups.map((group) => group.id))];
  const known = new Set(knownIds);
  groups.forEach((group, i) => {
    const seen = new Set<string>();
    group.dependsOn?.forEach((dependency, j) => {
      const path = ["groups", i, "dependsOn", j];
      if (dependency === group.id) {
        report(path, `group "${group.id}" depends on itself`, `remove "${group.id}" from its own dependsOn`);
      } else if (!known.has(dependency)) {
        report(path, `unknown group "${dependency}"`, unknownGroupFix(dependency, knownIds));
      } else if (seen.has(dependency)) {
        report(path, `"${dependency}" is listed twice in dependsOn`, "remove the repeated entry");
      }
      seen.add(dependency);
    });
  });

  // Self-dependencies are reported above; each further pass reports one more distinct cycle.
  const nodes = groups.map((group) => ({
    id: group.id,
    dependsOn: (group.dependsOn ?? []).filter((dependency) => dependency !== group.id),
  }));
  for (let cycle = findDependencyCycle(nodes); cycle; cycle = findDependencyCycle(nodes)) {
    const [from, to] = cycle as [string, string];
    const groupIndex = groups.findIndex((group) => group.id === from);
    const dependencyIndex = groups[groupIndex]?.dependsOn?.indexOf(to) ?? -1;
    report(
      ["groups", groupIndex, "dependsOn", dependencyIndex],
      `dependency cycle: ${cycle.join(" → ")}`,
      "remove one dependsOn entry of this cycle so the groups can be ordered into waves",
    );
    const node = nodes.find((candidate) => candidate.id === from);
    if (node) node.dependsOn = node.dependsOn.filter((dependency) => dependency !== to);
  }
}

function checkTags(
  path: DocumentPath,
  tags: Record<string, string>,
  kind: "launch" | "selection",
  report: Report,
) {
  for (const [key, value] of Object.entries(tags)) {
    const at = [...path, key];
    if (key.length === 0) report(at, "tag key is empty", "give the tag a key");
    if (key.length > MAX_TAG_TEXT) {
      report(
        at,
        `tag key is ${key.length} characters long; DRS allows at most ${MAX_TAG_TEXT}`,
        "shorten the key",
      );
    }
    if (value.length > MAX_TAG_TEXT) {
      report(
        at,
        `tag value is ${value.length} characters long; DRS allows at most ${MAX_TAG_TEXT}`,
        "shorten the value",
      );
    }
    if (key.toLowerCase().startsWith("aws:")) {
      if (kind === "launch") {
        report(
          at,
          `tag key "${key}" uses the prefix aws:, which AWS reserves`,
          "rename the key without the aws: prefix",
        );
      } else {
        report(
          at,
          `tag key "${key}" uses the prefix aws:, which AWS reserves, so no source server can carry it`,
          "select by a tag your team sets on the source servers",
        );
      }
    }
  }
}

function tagCountIssue(path: DocumentPath, count: number, merged: string, report: Report): void {
  report(
    path,
    `${merged} ${count} tags; DRS allows at most ${MAX_TAGS}`,
    `remove at least ${count - MAX_TAGS} tag${count - MAX_TAGS === 1 ? "" : "s"}`,
  );
}

function checkLaunchTags(plan: PlanStructure, report: Report): void {
  const planTags = plan.launch?.tags ?? {};
  const planCount = Object.keys(planTags).length;
  if (plan.launch?.tags) checkTags(["launch", "tags"], planTags, "launch", report);
  if (planCount > MAX_TAGS) tagCountIssue(["launch", "tags"], planCount, "launch.tags has", report);

  plan.groups.forEach((group, i) => {
    const groupTags = { ...planTags, ...group.launch?.tags };
    const groupCount = Object.keys(groupTags).length;
    if (group.launch?.tags) {
      checkTags(["groups", i, "launch", "tags"], group.launch.tags, "launch", report);
      if (groupCount > MAX_TAGS && planCount <= MAX_TAGS) {
        tagCountIssue(
          ["groups", i, "launch", "tags"],
          groupCount,
          "the plan's and this group's launch tags merge into",
          report,
        );
      }
    }
    for (const [serverId, settings] of Object.entries(group.servers ?? {})) {
      if (!settings.tags) continue;
      const path = ["groups", i, "servers", serverId, "tags"];
      checkTags(path, settings.tags, "launch", report);
      const count = Object.keys({ ...groupTags, ...settings.tags }).length;
      if (count > MAX_TAGS && groupCount <= MAX_TAGS) {
        tagCountIssue(path, count, "the plan's, group's and server's launch tags merge into", report);
      }
    }
  });
}

function checkSelection(groups: readonly Group[], report: Report): void {
  const listedAt = new Map<string, { groupIndex: number; index: number }>();
  groups.forEach((group, i) => {
    const { tags, sourceServerIds } = group.select;
    const hasTags = tags !== undefined && Object.keys(tags).length > 0;
    if (tags !== undefined && !hasTags && !sourceServerIds) {
      report(
        ["groups", i, "select", "tags"],
        "select.tags is empty, which would match every source server",
        "add the tags that identify this group's servers, e.g. { app: payments, tier: db }",
      );
    } else if (!hasTags && !sourceServerIds) {
      report(
        ["groups", i, "select"],
        "select names no servers",
        "add select.tags (e.g. { app: payments, tier: db }) or select.sourceServerIds",
      );
    } else if (tags !== undefined && sourceServerIds) {
      report(
        ["groups", i, "select"],
        "select uses both tags and sourceServerIds",
        "keep one of them: select by tags, or list the sourceServerIds",
      );
    }
    if (tags) checkTags(["groups", i, "select", "tags"], tags, "selection", report);
    if (tags && Object.keys(tags).length > MAX_TAGS) {
      tagCountIssue(["groups", i, "select", "tags"], Object.keys(tags).length, "select.tags has", report);
    }

    sourceServerIds?.forEach((id, k) => {
      const first = listedAt.get(id);
      if (!first) {
        listedAt.set(id, { groupIndex: i, index: k });
        return;
      }
      const path = ["groups", i, "select", "sourceServerIds", k];
      if (first.groupIndex === i) {
        report(
          path,
          `${id} is listed twice in this group (also at index ${first.index})`,
          "remove the repeated ID",
        );
      } else {
        report(
          path,
          `${id} is already selected by group "${groups[first.groupIndex]?.id}" (groups[${first.groupIndex}].select.sourceServerIds[${first.index}])`,
          "a server launches once: keep it in one group only",
        );
      }
    });
  });
}

function checkServerOverrides(groups: readonly Group[], report: Report): void {
  const explicitOwner = new Map<string, number>();
  groups.forEach((group, i) => {
    for (const id of group.select.sourceServerIds ?? []) {
      if (!explicitOwner.has(id)) explicitOwner.set(id, i);
    }
  });
  groups.forEach((group, i) => {
    const ownIds = group.select.sourceServerIds ? new Set(group.select.sourceServerIds) : undefined;
    for (const key of Object.keys(group.servers ?? {})) {
      const path = ["groups", i, "servers", key];
      if (!SOURCE_SERVER_ID.test(key)) {
        report(
          path,
          `"${key}" is not a source server ID`,
          "key each override by a DRS source server ID: s- followed by 17 lowercase letters or digits",
        );
        continue;
      }
      if (ownIds?.has(key)) continue;
      const owner = explicitOwner.get(key);
      if (owner !== undefined && owner !== i) {
        report(
          path,
          `${key} is selected by group "${groups[owner]?.id}", not by this group`,
          `move this override to groups[${owner}].servers`,
        );
      } else if (ownIds) {
        report(
          path,
          `${key} is not in this group's select.sourceServerIds`,
          `add ${key} to groups[${i}].select.sourceServerIds, or remove this override`,
        );
      }
    }
  });
}

function checkWaves(plan: PlanStructure, report: Report): void {
  if (!plan.waves) return;
  const knownIds = [...new Set(plan.groups.map((group) => group.id))];
  const known = new Set(knownIds);
  const waveOf = new Map<string, number>();
  plan.waves.forEach((wave, w) => {
    wave.forEach((groupId, k) => {
      const path = ["waves", w, k];
      if (!known.has(groupId)) report(path, `unknown group "${groupId}"`, unknownGroupFix(groupId, knownIds));
      else if (waveOf.has(groupId)) {
        report(
          path,
          `group "${groupId}" is already in waves[${waveOf.get(groupId)}]`,
          "list each group in one wave only",
        );
      } else waveOf.set(groupId, w);
    });
  });
  for (const id of knownIds) {
    if (!waveOf.has(id))
      report(["waves"], `group "${id}" is in no wave`, `add "${id}" to the wave it should launch in`);
  }
  plan.waves.forEach((wave, w) => {
    wave.forEach((groupId, k) => {
      if (waveOf.get(groupId) !== w) return;
      const group = plan.groups.find((candidate) => candidate.id === groupId);
      for (const dependency of group?.dependsOn ?? []) {
        const dependencyWave = waveOf.get(dependency);
        if (dependency === groupId || dependencyWave === undefined || dependencyWave < w) continue;
        report(
          ["waves", w, k],
          `group "${groupId}" is in waves[${w}] but depends on "${dependency}", which is in ${dependencyWave === w ? "the same wave" : `waves[${dependencyWave}]`}`,
          `move "${groupId}" to a wave after waves[${dependencyWave}]`,
        );
      }
    });
  });
}

/** The most specific level (server, then group, then plan) that sets `field`, with where it is set. */
function mostSpecific<K extends keyof LaunchSettings>(
  field: K,
  levels: readonly { settings: LaunchSettings | undefined; path: DocumentPath }[],
): { value: LaunchSettings[K]; path: DocumentPath } | undefined {
  for (const level of levels) {
    const value = level.settings?.[field];
    if (value !== undefined) return { value, path: [...level.path, field] };
  }
  return undefined;
}

function checkPrivateIps(plan: PlanStructure, report: Report): void {
  if (plan.launch?.privateIp !== undefined) {
    report(
      ["launch", "privateIp"],
      "privateIp is set for the whole plan, but each server needs its own address",
      "move it to the server it belongs to: groups[<n>].servers.<source server ID>.privateIp",
    );
  }
  const assigned = new Map<string, DocumentPath>();
  plan.groups.forEach((group, i) => {
    if (group.launch?.privateIp !== undefined) {
      report(
        ["groups", i, "launch", "privateIp"],
        "privateIp is set for a whole group, but each server needs its own address",
        `move it to the server it belongs to: groups[${i}].servers.<source server ID>.privateIp`,
      );
    }
    for (const [serverId, settings] of Object.entries(group.servers ?? {})) {
      const ip = settings.privateIp;
      if (ip === undefined) continue;
      const serverPath = ["groups", i, "servers", serverId];
      const path = [...serverPath, "privateIp"];
      if (!IPV4.test(ip)) {
        report(
          path,
          `"${ip}" is not an IPv4 address`,
          "write four numbers from 0 to 255 separated by dots, e.g. 10.0.1.15",
        );
        continue;
      }
      const previous = assigned.get(ip);
      if (previous) {
        report(
          path,
          `private IP ${ip} is already assigned at ${formatDocumentPath(previous)}`,
          "give each server its own address",
        );
      } else assigned.set(ip, path);

      const levels = [
        { settings, path: serverPath },
        { settings: group.launch, path: ["groups", i, "launch"] },
        { settings: plan.launch, path: ["launch"] },
      ];
      const copy = mostSpecific("copyPrivateIp", levels);
      if (copy?.value === true) {
        report(
          path,
          `privateIp conflicts with copyPrivateIp: true (set at ${formatDocumentPath(copy.path)}), which reuses the source server's address`,
          "remove privateIp, or set copyPrivateIp: false for this server",
        );
      }
      if (!mostSpecific("subnetId", levels)) {
        report(
          path,
          `privateIp ${ip} needs a subnet, but no subnetId is set for this server, its group or the plan`,
          `set subnetId to the subnet that contains ${ip} (on the server, groups[${i}].launch or launch)`,
        );
      }
    }
  });
}

function checkApprovals(groups: readonly Group[], report: Report): void {
  groups.forEach((group, i) => {
    const timeout = typeof group.approval === "object" ? group.approval.timeout : undefined;
    if (timeout !== undefined && timeout > MAX_APPROVAL_TIMEOUT_SECONDS) {
      report(
        ["groups", i, "approval", "timeout"],
        "approval timeout is longer than a year, the longest a recovery can run",
        "use a timeout of 365d or less",
      );
    }
  });
}

function checkTriggers(plan: PlanStructure, report: Report): void {
  const triggers = plan.triggers;
  if (!triggers) return;
  const names = new Map<string, number>();
  triggers.alarms?.forEach((alarm, i) => {
    const first = names.get(alarm.name);
    if (first !== undefined) {
      report(
        ["triggers", "alarms", i, "name"],
        `alarm "${alarm.name}" is already listed at triggers.alarms[${first}]`,
        "list each alarm once",
      );
    } else names.set(alarm.name, i);
    if (alarm.mode === "RECOVERY" && !triggers.allowAutomaticRecovery) {
      report(
        ["triggers", "alarms", i, "mode"],
        `alarm "${alarm.name}" would start a real RECOVERY, but triggers.allowAutomaticRecovery is not true`,
        "set triggers.allowAutomaticRecovery: true to allow it, or use mode: DRILL",
      );
    }
  });
  const schedule = triggers.schedule?.drill;
  if (schedule !== undefined) {
    const problem = checkScheduleExpression(schedule);
    if (problem) report(["triggers", "schedule", "drill"], problem.message, problem.fix);
  }
}

function checkHooks(plan: PlanStructure, report: Report): void {
  for (const [stage, hooks] of Object.entries(plan.hooks ?? {})) {
    hooks?.forEach((hook, i) => {
      const actions = HOOK_ACTIONS.filter((action) => hook[action] !== undefined);
      if (actions.length === 0) {
        report(["hooks", stage, i], "hook has no action", `add exactly one of ${HOOK_ACTIONS.join(", ")}`);
      } else if (actions.length > 1) {
        report(
          ["hooks", stage, i],
          `hook has ${actions.length} actions (${actions.join(", ")}); a hook runs exactly one`,
          "split it into separate hooks, one action each",
        );
      }
    });
  }
}

/**
 * The checks a schema cannot express: references between groups and waves, dependency cycles,
 * overlapping selections, private IP rules, DRS tag limits, trigger safety, schedule syntax and
 * hook shape. Pure; returns every issue found, in document order per check.
 */
export function validatePlan(plan: PlanStructure): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const report: Report = (path, message, fix) =>
    issues.push({ path: formatDocumentPath(path), message, fix });
  checkGroupIds(plan.groups, report);
  checkDependencies(plan.groups, report);
  checkWaves(plan, report);
  checkSelection(plan.groups, report);
  checkServerOverrides(plan.groups, report);
  checkPrivateIps(plan, report);
  checkLaunchTags(plan, report);
  checkApprovals(plan.groups, report);
  checkTriggers(plan, report);
  checkHooks(plan, report);
  return issues;
}
