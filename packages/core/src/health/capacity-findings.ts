import { batchWave, type LaunchBatch, type LaunchQuotas, maxBatchSize } from "../launch/launch-batching";
import { schedulableBatches } from "../launch/launch-scheduler";
import { recoveryInstanceAlive } from "../readiness/live-recovery-instances";
import type { PlanFinding } from "./plan-health";
import type { PlanScope, ScopedServer } from "./plan-scope";
import type { RecoveryInstanceFact } from "./recovery-instance-fact";

const SHOWN = 5;

function listed(ids: readonly string[]): string {
  const more = ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : "";
  return `${ids.slice(0, SHOWN).join(", ")}${more}`;
}

/** How many times the wave's jobs start: each round starts what the quotas let run at once. */
export function launchRounds(batches: readonly LaunchBatch[], quotas: LaunchQuotas): number {
  let pending = [...batches];
  let rounds = 0;
  while (pending.length > 0) {
    // With no job in progress the first pending batch always fits, so every round starts one at least.
    const started = new Set(schedulableBatches(pending, [], quotas).map((batch) => batch.id));
    pending = pending.filter((batch) => !started.has(batch.id));
    rounds++;
  }
  return rounds;
}

function leftoverFindings(scope: PlanScope, instances: readonly RecoveryInstanceFact[]): PlanFinding[] {
  const servers = new Map(scope.servers.map((scoped) => [scoped.sourceServerId, scoped]));
  const byExecution = new Map<string, RecoveryInstanceFact[]>();
  for (const instance of instances) {
    if (instance.isDrill !== true || !recoveryInstanceAlive(instance) || instance.executionRunning === true)
      continue;
    if (!servers.has(instance.sourceServerId)) continue;
    const key = instance.executionId ?? "";
    byExecution.set(key, [...(byExecution.get(key) ?? []), instance]);
  }
  return [...byExecution].map(([executionId, leftovers]) => {
    const ids = leftovers.map((instance) => instance.recoveryInstanceId).sort();
    const sources = [...new Set(leftovers.map((instance) => instance.sourceServerId))].sort();
    const of =
      executionId === ""
        ? "of drills this product did not start (or no longer knows)"
        : `of drill ${executionId}`;
    return {
      code: "LEFTOVER_DRILL_INSTANCES",
      severity: "WARNING",
      category: "capacity",
      ...(executionId !== "" && { resourceId: executionId }),
      message: `${ids.length} drill recovery instance${ids.length === 1 ? "" : "s"} ${of} still run (${listed(ids)} on ${listed(sources)}): they hold DRS capacity, and a RECOVERY of these servers replaces them`,
      fix:
        executionId === ""
          ? "terminate them in the DRS console (Recovery instances → Terminate recovery instances) once the drill is over"
          : `clean the drill up: drs-orchestrator recover cleanup ${executionId} (or terminate the instances in the DRS console)`,
    } satisfies PlanFinding;
  });
}

function waveFindings(scope: PlanScope, quotas: LaunchQuotas): PlanFinding[] {
  const waves = new Map<number, ScopedServer[]>();
  for (const scoped of scope.servers)
    waves.set(scoped.waveIndex, [...(waves.get(scoped.waveIndex) ?? []), scoped]);
  const findings: PlanFinding[] = [];
  for (const [wave, servers] of waves) {
    const batches = batchWave(
      wave,
      servers.map((scoped) => scoped.sourceServerId),
      quotas,
    );
    const rounds = launchRounds(batches, quotas);
    if (rounds <= 1) continue;
    findings.push({
      code: "WAVE_OVER_DRS_QUOTA",
      severity: "WARNING",
      category: "capacity",
      wave,
      message: `wave ${wave} launches ${servers.length} servers in ${batches.length} jobs of up to ${maxBatchSize(quotas)}; with at most ${quotas.maxConcurrentJobs} jobs and ${quotas.maxServersInActiveJobs} servers in progress at once they start in ${rounds} rounds, each waiting for the one before to finish, which lengthens the wave`,
      fix: "raise the DRS quotas of the account (Service Quotas) and the engine's DRS_MAX_* settings with them, or move groups of this wave into later waves",
    });
  }
  return findings;
}

/**
 * What stands in the way of launching the plan at full speed: drill instances of earlier runs
 * still holding DRS capacity, and waves whose launch jobs do not all fit in the DRS quotas at
 * once. EC2 vCPU headroom is not checked.
 */
export function capacityFindings(
  scope: PlanScope,
  quotas: LaunchQuotas,
  recoveryInstances: readonly RecoveryInstanceFact[] | undefined,
): PlanFinding[] {
  return [
    ...(recoveryInstances ? leftoverFindings(scope, recoveryInstances) : []),
    ...waveFindings(scope, quotas),
  ];
}
