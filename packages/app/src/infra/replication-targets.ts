import { type Plan, resolveGroups, type SourceServer } from "@drs-orchestrator/core";
import type { ReplicationTarget } from "./alarm-specs";

/**
 * The servers each monitored plan recovers, resolved against the DRS source servers as the plan's
 * groups select them (tags or IDs), with the plan's RPO.
 */
export function replicationTargets(
  plans: readonly Plan[],
  servers: readonly SourceServer[],
): ReplicationTarget[] {
  return plans.map((plan) => ({
    planId: plan.id,
    rpoSeconds: plan.rpo,
    sourceServerIds: [
      ...new Set(resolveGroups(plan, servers).groups.flatMap((group) => group.sourceServerIds)),
    ],
  }));
}
