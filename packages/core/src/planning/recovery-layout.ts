import type { SourceServer } from "../fleet/fleet-schema";
import {
  batchWave,
  DEFAULT_LAUNCH_QUOTAS,
  type LaunchBatch,
  type LaunchQuotas,
} from "../launch/launch-batching";
import { effectiveLaunchSettings, type LaunchChanges, planLaunchChanges } from "../launch/launch-settings";
import type { Group, LaunchSettings, Plan } from "../plan/plan-schema";
import { assessReadiness, type Readiness } from "../readiness/readiness";
import { type GroupResolution, resolveGroups } from "./group-resolution";
import { planWaves } from "./wave-planner";

export interface ServerLayout {
  sourceServerId: string;
  hostname?: string;
  settings: LaunchSettings;
  /** Against an unknown current state, so every setting shows as a change. */
  changes: LaunchChanges;
  readiness: Readiness;
}

export interface GroupLayout {
  id: string;
  critical: boolean;
  approval: NonNullable<Group["approval"]>;
  servers: ServerLayout[];
}

export interface WaveLayout {
  index: number;
  groups: GroupLayout[];
  batches: LaunchBatch[];
}

export type NotReady = Extract<Readiness, { ready: false }>;

export interface RecoveryLayout {
  waves: WaveLayout[];
  resolution: GroupResolution;
  notReady: NotReady[];
  /** Human sentences about what will not happen as written, for people to read before starting. */
  warnings: string[];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * How a plan would run against a fleet: its waves, each with its groups, their servers (effective
 * launch settings, launch changes, readiness) and launch batches within the quotas.
 *
 * A server selected by several groups launches once, with the first group to launch that selects
 * it. Not-ready servers stay in their batches when `failure.notReady` is abort (the recovery will
 * not start until they are ready) and are left out of them when it is skip. Readiness is the drill
 * gate (`assessReadiness` against the plan's RPO) unless `readinessOf` says otherwise (a recovery's
 * mode-aware `assessRecoverability`).
 * @throws DependencyCycleError when groups depend on each other in a loop
 * @throws InvalidQuotaError when a quota is not a positive integer
 */
export function layoutRecovery(
  plan: Plan,
  servers: readonly SourceServer[],
  quotas: LaunchQuotas = DEFAULT_LAUNCH_QUOTAS,
  readinessOf: (server: SourceServer) => Readiness = (server) => assessReadiness(server, plan.rpo),
): RecoveryLayout {
  const resolution = resolveGroups(plan, servers);
  const fleet = new Map<string, SourceServer>();
  for (const server of servers) {
    if (!fleet.has(server.sourceServerID)) fleet.set(server.sourceServerID, server);
  }
  const groups = new Map<string, Group>();
  for (const group of plan.groups) if (!groups.has(group.id)) groups.set(group.id, group);
  const members = new Map<string, string[]>();
  for (const { groupId, sourceServerIds } of resolution.groups) {
    if (!members.has(groupId)) members.set(groupId, sourceServerIds);
  }

  const warnings: string[] = [];
  for (const { path, sourceServerId, groupId } of resolution.unmatchedIds) {
    warnings.push(`${path}: ${sourceServerId} of group ${groupId} is not in the fleet`);
  }
  for (const groupId of resolution.emptyGroups) warnings.push(`group ${groupId} selects no server`);

  const skipNotReady = plan.failure.notReady === "skip";
  const placedGroups = new Set<string>();
  const launchedWith = new Map<string, string>();
  const notReady: NotReady[] = [];
  const changeWarnings: string[] = [];

  const waves = planWaves(plan).map((wave): WaveLayout => {
    const waveGroups: GroupLayout[] = [];
    const launching: string[] = [];
    for (const groupId of wave.groupIds) {
      const group = groups.get(groupId);
      if (!group) {
        warnings.push(`wave ${wave.index} lists unknown group ${groupId}`);
        continue;
      }
      if (placedGroups.has(groupId)) {
        warnings.push(`wave ${wave.index} lists group ${groupId} again; it launches only once`);
        continue;
      }
      placedGroups.add(groupId);
      const groupServers: ServerLayout[] = [];
      for (const sourceServerId of members.get(groupId) ?? []) {
        const server = fleet.get(sourceServerId);
        if (!server || launchedWith.has(sourceServerId)) continue;
        launchedWith.set(sourceServerId, groupId);
        const settings = effectiveLaunchSettings(plan, group, sourceServerId);
        const changes = planLaunchChanges(sourceServerId, settings);
        changeWarnings.push(...changes.warnings);
        const readiness = readinessOf(server);
        if (!readiness.ready) notReady.push(readiness);
        if (readiness.ready || !skipNotReady) launching.push(sourceServerId);
        const hostname = server.sourceProperties?.identificationHints?.hostname;
        groupServers.push({
          sourceServerId,
          ...(hostname !== undefined && { hostname }),
          settings,
          changes,
          readiness,
        });
      }
      waveGroups.push({
        id: group.id,
        critical: group.critical,
        approval: group.approval ?? false,
        servers: groupServers,
      });
    }
    return { index: wave.index, groups: waveGroups, batches: batchWave(wave.index, launching, quotas) };
  });

  for (const group of groups.values()) {
    if (!placedGroups.has(group.id))
      warnings.push(`group ${group.id} is in no wave; its servers do not launch`);
  }
  for (const { sourceServerId, groupIds } of resolution.overlaps) {
    const owner = launchedWith.get(sourceServerId);
    if (owner === undefined) continue;
    warnings.push(
      `${sourceServerId} is selected by groups ${groupIds.join(", ")}; it launches once, with group ${owner}`,
    );
  }
  if (notReady.length > 0) {
    warnings.push(
      skipNotReady
        ? `${plural(notReady.length, "server")} not ready will be left out of the launch (failure.notReady: skip)`
        : `${plural(notReady.length, "server")} not ready: the recovery will not start until they are (failure.notReady: abort)`,
    );
  }
  warnings.push(...changeWarnings);
  return { waves, resolution, notReady, warnings };
}
