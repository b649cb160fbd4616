import type { PitSnapshot } from "../readiness/pit-snapshot";
import type { NotReadyCode } from "../readiness/readiness";
import { assessReadiness } from "../readiness/readiness";
import { assessRecoverability } from "../readiness/recoverability";
import type { PlanFinding } from "./plan-health";
import type { PlanScope } from "./plan-scope";

const DRILL_CODES: Record<Exclude<NotReadyCode, "NO_SNAPSHOT" | "NO_SNAPSHOT_AS_OF">, string> = {
  NOT_CONTINUOUS: "REPLICATION_NOT_CONTINUOUS",
  LAG_OVER_RPO: "LAG_OVER_RPO",
  STALLED: "REPLICATION_STALLED",
  DISCONNECTED: "REPLICATION_DISCONNECTED",
  NO_REPLICATION_INFO: "NO_REPLICATION_INFO",
  REPLICATION_ERROR: "REPLICATION_ERROR",
};

const DRILL_FIXES: Record<string, string> = {
  REPLICATION_NOT_CONTINUOUS:
    "wait for replication to reach CONTINUOUS (initial sync, backlog and rescan end on their own); resume it if it is PAUSED or STOPPED",
  LAG_OVER_RPO:
    "find why replication falls behind (bandwidth, disk write rate, the replication server) or raise the plan's rpo",
  REPLICATION_STALLED:
    "fix replication on the source server (agent, network to the staging area, replication server) until DRS reports CONTINUOUS",
  REPLICATION_DISCONNECTED:
    "reconnect the source server: check that it runs, that its replication agent runs and can reach DRS",
  NO_REPLICATION_INFO:
    "check the server's replication in the DRS console; reinstall the agent if DRS reports none",
  REPLICATION_ERROR: "fix the replication error DRS reports for the server (see the DRS console)",
};

/**
 * The drill RPO gate (assessReadiness, as Prepare applies it to a drill) and, when snapshots were
 * looked up, whether a RECOVERY has a point-in-time snapshot to launch each server from
 * (assessRecoverability). Under `failure.notReady: skip` a run starts without such servers, so
 * they are warnings that say so rather than blockers.
 */
export function readinessFindings(
  scope: PlanScope,
  snapshots: ReadonlyMap<string, readonly PitSnapshot[]> | undefined,
): PlanFinding[] {
  const { plan } = scope;
  const skip = plan.failure.notReady === "skip";
  const findings: PlanFinding[] = [];
  for (const { server, sourceServerId, groupId } of scope.servers) {
    const drill = assessReadiness(server, plan.rpo);
    if (!drill.ready && drill.code in DRILL_CODES) {
      const code = DRILL_CODES[drill.code as keyof typeof DRILL_CODES];
      findings.push({
        code,
        severity: skip ? "WARNING" : "BLOCKS_DRILL",
        category: "readiness",
        groupId,
        sourceServerId,
        ...(code === "LAG_OVER_RPO" && { path: "rpo" }),
        message: skip
          ? `${drill.reason}; a drill goes on without it (failure.notReady: skip)`
          : `${drill.reason}; a drill would be refused (a RECOVERY is not: it launches from the last point-in-time snapshot)`,
        fix: DRILL_FIXES[code] ?? "fix the server's replication",
      });
    }
    if (!snapshots) continue;
    const recovery = assessRecoverability(server, snapshots.get(sourceServerId) ?? [], {
      mode: "RECOVERY",
      rpoSeconds: plan.rpo,
    });
    if (recovery.ready) continue;
    findings.push({
      code: "NO_SNAPSHOT",
      severity: skip ? "WARNING" : "BLOCKS_RECOVERY",
      category: "readiness",
      groupId,
      sourceServerId,
      message: skip
        ? `${recovery.reason}; a drill or RECOVERY goes on without it (failure.notReady: skip)`
        : `${recovery.reason}; a drill or RECOVERY would be refused`,
      fix: `let ${sourceServerId} finish its initial sync (DRS takes the first snapshot then), or remove it from the plan`,
    });
  }
  return findings;
}
