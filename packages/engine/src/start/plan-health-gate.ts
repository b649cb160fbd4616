import { paginateDescribeSourceServers } from "@aws-sdk/client-drs";
import {
  assessReadiness,
  assessRecoverability,
  type FindingSeverity,
  type Plan,
  type PlanFinding,
  PlanHealthBlockedError,
  type RecoveryMode,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { aws } from "../steps/launch/aws-failures";
import { chunks } from "../steps/launch/map-limit";
import { recoverySnapshotsOf } from "../steps/prepare/pit-snapshots";

/** DescribeSourceServers takes at most 200 IDs in its filter. */
const IDS_PER_DESCRIBE = 200;

/** The severities that stop each mode (blocksMode): a RECOVERY is stopped only by recovery blockers. */
const BLOCKING: Record<RecoveryMode, readonly FindingSeverity[]> = {
  DRILL: ["BLOCKS_RECOVERY", "BLOCKS_DRILL"],
  RECOVERY: ["BLOCKS_RECOVERY"],
};

export interface PlanHealthGateInput {
  plan: Plan;
  planVersion: number;
  mode: RecoveryMode;
  now: Date;
}

/**
 * Refuses a start early when the plan's latest recorded evaluation holds findings that block the
 * mode. It reads the recorded evaluation rather than evaluating now: a full evaluation reads DRS,
 * EC2 and IAM per server, minutes for a plan of thousands, beyond a start's time. The record counts
 * when it is of the version being started and no older than two scheduled periods (a stale one
 * refuses nothing; Prepare still checks the servers as they launch). Readiness changes by the
 * minute, so readiness blockers are confirmed against DRS now, for their servers only: a server
 * that caught up since refuses nothing.
 * @throws PlanHealthBlockedError listing the blocking findings and their fixes
 */
export async function refuseBlockedStart(engine: EngineContext, input: PlanHealthGateInput): Promise<void> {
  const { plan, planVersion, mode, now } = input;
  const header = await engine.planHealth.header(plan.id);
  if (!header || header.planVersion !== planVersion) return;
  const maxAgeMs = 2 * engine.config.planHealthMinutes * 60_000;
  if (now.getTime() - Date.parse(header.evaluatedAt) > maxAgeMs) return;
  if (header.verdict === "READY" || (mode === "RECOVERY" && header.verdict !== "RECOVERY_BLOCKED")) return;

  const recorded = await engine.planHealth.findings(plan.id, { severities: BLOCKING[mode] });
  const blocking = await stillBlocking(engine, plan, recorded);
  if (blocking.length > 0) throw new PlanHealthBlockedError(plan.id, mode, header.evaluatedAt, blocking);
}

/**
 * The findings that still hold: readiness findings are checked again against the servers'
 * replication now (and their snapshots, for NO_SNAPSHOT), the way the evaluation judged them; a
 * server DRS no longer lists keeps its finding.
 */
async function stillBlocking(
  engine: EngineContext,
  plan: Plan,
  findings: readonly PlanFinding[],
): Promise<PlanFinding[]> {
  const readiness = findings.filter(
    (finding) => finding.category === "readiness" && finding.sourceServerId !== undefined,
  );
  if (readiness.length === 0) return [...findings];
  const ids = [...new Set(readiness.map((finding) => finding.sourceServerId as string))];
  const snapshotIds = [
    ...new Set(
      readiness
        .filter((finding) => finding.code === "NO_SNAPSHOT")
        .map((finding) => finding.sourceServerId as string),
    ),
  ];
  const [servers, snapshots] = await Promise.all([
    describeServers(engine, ids),
    recoverySnapshotsOf(engine.aws.drs, snapshotIds),
  ]);
  return findings.filter((finding) => {
    if (finding.category !== "readiness" || finding.sourceServerId === undefined) return true;
    const server = servers.get(finding.sourceServerId);
    if (!server) return true;
    if (finding.code === "NO_SNAPSHOT") {
      return !assessRecoverability(server, snapshots.get(server.sourceServerID) ?? [], {
        mode: "RECOVERY",
        rpoSeconds: plan.rpo,
      }).ready;
    }
    return !assessReadiness(server, plan.rpo).ready;
  });
}

/** These source servers as DescribeSourceServers reports them now (200 IDs a call). */
async function describeServers(
  engine: EngineContext,
  ids: readonly string[],
): Promise<Map<string, SourceServer>> {
  const servers = new Map<string, SourceServer>();
  for (const sourceServerIDs of chunks(ids, IDS_PER_DESCRIBE)) {
    await aws("DRS DescribeSourceServers", async () => {
      for await (const page of paginateDescribeSourceServers(
        { client: engine.aws.drs },
        { filters: { sourceServerIDs } },
      )) {
        for (const item of page.items ?? []) {
          const server = sourceServerSchema.parse(item);
          servers.set(server.sourceServerID, server);
        }
      }
    });
  }
  return servers;
}
