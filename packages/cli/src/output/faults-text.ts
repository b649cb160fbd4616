import { formatDuration } from "@drs-orchestrator/core";
import type { FaultsFile } from "@drs-orchestrator/local";

/**
 * The faults a runtime starts with, one line each, e.g.
 * ```
 * replication DISCONNECTED, lag 3h: s-…, s-… (9 servers)
 * failLaunch: s-… fails its first launch
 * 50% of DRS events dropped
 * ```
 */
export function renderFaults(file: FaultsFile): string[] {
  const lines: string[] = [];
  const byChange = new Map<string, string[]>();
  for (const [id, change] of Object.entries(file.replication ?? {})) {
    const key = `${change.state}${change.lag === undefined ? "" : `, lag ${formatDuration(change.lag)}`}`;
    byChange.set(key, [...(byChange.get(key) ?? []), id]);
  }
  for (const [change, ids] of byChange) lines.push(`replication ${change}: ${servers(ids)}`);
  for (const [id, times] of Object.entries(file.failLaunch ?? {})) {
    lines.push(`failLaunch: ${id} fails its first ${times === 1 ? "launch" : `${times} launches`}`);
  }
  if (file.stall) {
    const after = file.stall.after ? ` after ${formatDuration(file.stall.after)}` : " at start";
    lines.push(`replication stalls${after}: ${servers(file.stall.servers)}`);
  }
  if (file.throttlePercent !== undefined) lines.push(`${file.throttlePercent}% of DRS calls throttled`);
  if (file.dropEventsPercent !== undefined) lines.push(`${file.dropEventsPercent}% of DRS events dropped`);
  if (file.delayEventsSeconds !== undefined) {
    lines.push(`DRS events ${formatDuration(file.delayEventsSeconds)} late`);
  }
  const drift = file.drift;
  if (drift?.deleteSubnets) lines.push(`subnets deleted: ${drift.deleteSubnets.join(", ")}`);
  if (drift?.deleteSecurityGroups)
    lines.push(`security groups deleted: ${drift.deleteSecurityGroups.join(", ")}`);
  if (drift?.deleteInstanceProfiles) {
    lines.push(`instance profiles deleted: ${drift.deleteInstanceProfiles.join(", ")}`);
  }
  if (drift?.moveTemplateDefault) {
    lines.push(`launch template edited by hand, default left behind: ${servers(drift.moveTemplateDefault)}`);
  }
  if (file.seed !== undefined) lines.push(`seed ${file.seed}`);
  return lines.length > 0 ? lines : ["none"];
}

function servers(ids: readonly string[]): string {
  return ids.length === 1 ? (ids[0] as string) : `${ids.join(", ")} (${ids.length} servers)`;
}
