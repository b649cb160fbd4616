import { type DrsClient, paginateDescribeSourceServers } from "@aws-sdk/client-drs";
import {
  type GroupSelectionProblem,
  type Plan,
  type RecoveryLayout,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";

/** Every source server of the account and region, all pages. */
export async function describeAllSourceServers(drs: DrsClient): Promise<SourceServer[]> {
  const servers: SourceServer[] = [];
  for await (const page of paginateDescribeSourceServers({ client: drs }, {})) {
    for (const item of page.items ?? []) servers.push(sourceServerSchema.parse(item));
  }
  return servers;
}

/** Where the plan's selectors miss: listed IDs that are not source servers, groups that select none. */
export function selectionProblems(plan: Plan, layout: RecoveryLayout): GroupSelectionProblem[] {
  const problems: GroupSelectionProblem[] = layout.resolution.unmatchedIds.map(
    ({ groupId, sourceServerId, path }) => ({
      groupId,
      path,
      message: `${sourceServerId} (group ${groupId}) is not a DRS source server in this account and region`,
    }),
  );
  for (const groupId of layout.resolution.emptyGroups) {
    const index = plan.groups.findIndex((group) => group.id === groupId);
    problems.push({
      groupId,
      path: `groups[${index}].select`,
      message: `group ${groupId} selects no DRS source server`,
    });
  }
  return problems;
}
