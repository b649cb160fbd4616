import type { SourceServer } from "../fleet/fleet-schema";
import type { Group, Plan } from "../plan/plan-schema";

export interface GroupMembers {
  groupId: string;
  sourceServerIds: string[];
}

export interface GroupResolution {
  /** Every group of the plan, in plan order, with the servers its selector matches. */
  groups: GroupMembers[];
  /** Explicit IDs that are not in the fleet; `path` points at the ID in the plan. */
  unmatchedIds: { groupId: string; sourceServerId: string; path: string }[];
  /** Groups whose selector matches no server. */
  emptyGroups: string[];
  /** Servers matched by more than one group, with those groups in plan order. */
  overlaps: { sourceServerId: string; groupIds: string[] }[];
}

function matchesTags(wanted: Record<string, string>, tags: Record<string, string>): boolean {
  const entries = Object.entries(wanted);
  // An empty tag selector would match the whole estate; a recovery must never do that by accident.
  return entries.length > 0 && entries.every(([key, value]) => tags[key] === value);
}

function selectMembers(
  group: Group,
  groupIndex: number,
  fleet: ReadonlyMap<string, SourceServer>,
  unmatchedIds: GroupResolution["unmatchedIds"],
): GroupMembers {
  const members = new Set<string>();
  group.select.sourceServerIds?.forEach((id, i) => {
    if (fleet.has(id)) members.add(id);
    else
      unmatchedIds.push({
        groupId: group.id,
        sourceServerId: id,
        path: `groups[${groupIndex}].select.sourceServerIds[${i}]`,
      });
  });
  const tags = group.select.tags;
  if (tags) {
    for (const server of fleet.values()) {
      if (matchesTags(tags, server.tags)) members.add(server.sourceServerID);
    }
  }
  return { groupId: group.id, sourceServerIds: [...members] };
}

/**
 * Which fleet servers each group selects: the listed `sourceServerIds` that exist (in listed
 * order), then the servers carrying all of the `tags` (AND, in fleet order). A group that names
 * both selectors gets the union; the plan validator reports that as an error anyway.
 */
export function resolveGroups(plan: Plan, servers: readonly SourceServer[]): GroupResolution {
  const fleet = new Map<string, SourceServer>();
  for (const server of servers) {
    if (!fleet.has(server.sourceServerID)) fleet.set(server.sourceServerID, server);
  }
  const unmatchedIds: GroupResolution["unmatchedIds"] = [];
  const groups = plan.groups.map((group, i) => selectMembers(group, i, fleet, unmatchedIds));

  const selectedBy = new Map<string, string[]>();
  for (const { groupId, sourceServerIds } of groups) {
    for (const id of sourceServerIds) {
      const owners = selectedBy.get(id);
      if (owners) owners.push(groupId);
      else selectedBy.set(id, [groupId]);
    }
  }
  const overlaps = [...selectedBy]
    .filter(([, groupIds]) => groupIds.length > 1)
    .map(([sourceServerId, groupIds]) => ({ sourceServerId, groupIds }));
  const emptyGroups = groups.filter((g) => g.sourceServerIds.length === 0).map((g) => g.groupId);
  return { groups, unmatchedIds, emptyGroups, overlaps };
}
