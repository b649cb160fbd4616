import type { Plan } from "../plan/plan-schema";
import type { PlanFinding, PlanHealth } from "./plan-health";
import type { PlanScope } from "./plan-scope";

/** Another stored plan and the servers its groups select now. */
export interface OtherPlanSelection {
  planId: string;
  sourceServerIds: readonly string[];
}

function groupPath(plan: Plan, groupId: string): string {
  return `groups[${plan.groups.findIndex((group) => group.id === groupId)}].select`;
}

/**
 * What the groups select now against what they should: groups that select nothing and listed IDs
 * DRS no longer knows (a start is refused over either), servers that joined or left a group since
 * the previous evaluation, and servers another stored plan selects too.
 */
export function selectionFindings(
  scope: PlanScope,
  previous: Pick<PlanHealth, "members"> | undefined,
  otherPlans: readonly OtherPlanSelection[] | undefined,
): PlanFinding[] {
  const { plan, layout } = scope;
  const findings: PlanFinding[] = [];
  for (const groupId of layout.resolution.emptyGroups) {
    findings.push({
      code: "GROUP_EMPTY",
      severity: "BLOCKS_RECOVERY",
      category: "selection",
      groupId,
      path: groupPath(plan, groupId),
      message: `group ${groupId} selects no DRS source server: a drill or RECOVERY would be refused`,
      fix: "tag the group's source servers with its select.tags, or fix the selector (tags or sourceServerIds) to name servers DRS replicates",
    });
  }
  for (const { groupId, sourceServerId, path } of layout.resolution.unmatchedIds) {
    findings.push({
      code: "SOURCE_SERVER_MISSING",
      severity: "BLOCKS_RECOVERY",
      category: "selection",
      groupId,
      sourceServerId,
      path,
      message: `${sourceServerId} (group ${groupId}) is no longer a DRS source server in this account and region: a drill or RECOVERY would be refused`,
      fix: `remove ${sourceServerId} from ${path.replace(/\[\d+\]$/, "")}, or add the server back to DRS`,
    });
  }

  if (previous) {
    for (const { groupId, sourceServerIds } of layout.resolution.groups) {
      const before = previous.members[groupId];
      if (before === undefined) continue;
      const now = new Set(sourceServerIds);
      const then = new Set(before);
      for (const id of sourceServerIds.filter((id) => !then.has(id))) {
        findings.push({
          code: "SERVER_JOINED_GROUP",
          severity: "WARNING",
          category: "selection",
          groupId,
          sourceServerId: id,
          path: groupPath(plan, groupId),
          message: `${id} joined group ${groupId} since the previous evaluation: it now recovers with this plan`,
          fix: `nothing if ${id} belongs in group ${groupId}; otherwise remove the tags that select it`,
        });
      }
      for (const id of before.filter((id) => !now.has(id))) {
        findings.push({
          code: "SERVER_LEFT_GROUP",
          severity: "WARNING",
          category: "selection",
          groupId,
          sourceServerId: id,
          path: groupPath(plan, groupId),
          message: `${id} left group ${groupId} since the previous evaluation (its tags changed or it left DRS): it no longer recovers with this plan`,
          fix: `nothing if that was meant; otherwise give ${id} the group's tags again, or add it back to DRS`,
        });
      }
    }
  }

  if (otherPlans) {
    const claims = new Map<string, string[]>();
    for (const other of otherPlans) {
      if (other.planId === plan.id) continue;
      for (const id of other.sourceServerIds) claims.set(id, [...(claims.get(id) ?? []), other.planId]);
    }
    for (const { sourceServerId, groupId } of scope.servers) {
      const planIds = claims.get(sourceServerId);
      if (!planIds) continue;
      const sorted = [...new Set(planIds)].sort();
      findings.push({
        code: "SERVER_IN_TWO_PLANS",
        severity: "WARNING",
        category: "selection",
        groupId,
        sourceServerId,
        otherPlans: sorted,
        message: `${sourceServerId} (group ${groupId}) is also selected by plan${sorted.length === 1 ? "" : "s"} ${sorted.join(", ")}: runs of both plans cannot hold it at once, so the second to start is refused (a RECOVERY pre-empts a drill)`,
        fix: `select ${sourceServerId} in one plan only`,
      });
    }
  }
  return findings;
}
