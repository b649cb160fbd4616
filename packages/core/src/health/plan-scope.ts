import type { SourceServer } from "../fleet/fleet-schema";
import type { LaunchQuotas } from "../launch/launch-batching";
import type { LaunchSettings, Plan } from "../plan/plan-schema";
import { resolveGroups } from "../planning/group-resolution";
import { layoutRecovery, type RecoveryLayout } from "../planning/recovery-layout";

/** A server the plan launches, with the group it launches with and the settings it launches with. */
export interface ScopedServer {
  sourceServerId: string;
  groupId: string;
  groupIndex: number;
  waveIndex: number;
  server: SourceServer;
  settings: LaunchSettings;
}

/** The plan laid over the account's servers, as every health check reads it. */
export interface PlanScope {
  plan: Plan;
  layout: RecoveryLayout;
  /** Each server the plan launches, once, in launch order. */
  servers: ScopedServer[];
}

/** Lays the plan over the servers the way Prepare does (a server two groups select launches with the first). */
export function planScope(plan: Plan, servers: readonly SourceServer[], quotas: LaunchQuotas): PlanScope {
  const layout = layoutRecovery(plan, servers, quotas);
  const fleet = new Map(servers.map((server) => [server.sourceServerID, server]));
  const scoped: ScopedServer[] = [];
  for (const wave of layout.waves) {
    for (const group of wave.groups) {
      const groupIndex = plan.groups.findIndex((candidate) => candidate.id === group.id);
      for (const { sourceServerId, settings } of group.servers) {
        const server = fleet.get(sourceServerId);
        if (!server) continue;
        scoped.push({
          sourceServerId,
          groupId: group.id,
          groupIndex,
          waveIndex: wave.index,
          server,
          settings,
        });
      }
    }
  }
  return { plan, layout, servers: scoped };
}

/** Every source server a plan's groups select now (what another plan's overlap check compares with). */
export function selectedServerIds(plan: Plan, servers: readonly SourceServer[]): string[] {
  const ids = new Set<string>();
  for (const group of resolveGroups(plan, servers).groups)
    for (const id of group.sourceServerIds) ids.add(id);
  return [...ids];
}

/**
 * Where the plan sets a server's launch field: the most specific level that sets it, as
 * effectiveLaunchSettings merges them (server, then group, then plan).
 */
export function launchFieldPath(
  plan: Plan,
  scoped: Pick<ScopedServer, "groupIndex" | "sourceServerId">,
  field: keyof LaunchSettings,
): string | undefined {
  const group = plan.groups[scoped.groupIndex];
  const server =
    group?.servers && Object.hasOwn(group.servers, scoped.sourceServerId)
      ? group.servers[scoped.sourceServerId]
      : undefined;
  if (server?.[field] !== undefined)
    return `groups[${scoped.groupIndex}].servers.${scoped.sourceServerId}.${field}`;
  if (group?.launch?.[field] !== undefined) return `groups[${scoped.groupIndex}].launch.${field}`;
  if (plan.launch?.[field] !== undefined) return `launch.${field}`;
  return undefined;
}
