import { DrsClient, paginateDescribeSourceServers } from "@aws-sdk/client-drs";
import type { Plan, SourceServer } from "@drs-orchestrator/core";
import { type ReplicationTarget, replicationTargets } from "../packages/app/src/infra";

/**
 * The monitored plans' servers, resolved at deploy time against the account's DRS source servers
 * (the deploying credentials need drs:DescribeSourceServers). A server that joins a plan's tags later
 * is covered from the next deploy on.
 */
export async function resolveReplicationTargets(
  plans: readonly Plan[],
  region: string,
): Promise<ReplicationTarget[]> {
  if (plans.length === 0) return [];
  const client = new DrsClient({ region });
  const servers: SourceServer[] = [];
  for await (const page of paginateDescribeSourceServers({ client }, {})) {
    for (const item of page.items ?? []) {
      if (item.sourceServerID) servers.push({ sourceServerID: item.sourceServerID, tags: item.tags ?? {} });
    }
  }
  client.destroy();
  return replicationTargets(plans, servers);
}
