import type { SourceServer } from "../fleet/fleet-schema";
import type { LaunchQuotas } from "../launch/launch-batching";
import type { Plan } from "../plan/plan-schema";
import type { PitSnapshot } from "../readiness/pit-snapshot";
import { capacityFindings } from "./capacity-findings";
import { conflictFindings } from "./conflict-findings";
import { type LaunchStateFact, launchSettingsFindings } from "./launch-settings-findings";
import { type PlanFinding, type PlanHealth, planVerdict, sortFindings } from "./plan-health";
import { planScope } from "./plan-scope";
import { readinessFindings } from "./readiness-findings";
import type { RecoveryInstanceFact } from "./recovery-instance-fact";
import { type ReferenceFacts, referenceFindings } from "./reference-findings";
import { type OtherPlanSelection, selectionFindings } from "./selection-findings";

/**
 * Everything the evaluation reads from the account, gathered by the engine (or built from a fleet
 * file). An absent fact was not looked up: it yields no finding, never a guess.
 */
export interface PlanFacts extends ReferenceFacts {
  /** Every source server of the account and region (DescribeSourceServers). */
  servers: readonly SourceServer[];
  /** The newest PIT snapshot of each server the plan launches (none found: an empty list). */
  snapshots?: ReadonlyMap<string, readonly PitSnapshot[]>;
  /** Each launched server's DRS launch configuration and launch template. */
  launchStates?: ReadonlyMap<string, LaunchStateFact>;
  /** The recovery instances on the plan's servers. */
  recoveryInstances?: readonly RecoveryInstanceFact[];
  /** The other stored plans and the servers they select now. */
  otherPlans?: readonly OtherPlanSelection[];
  /** The engine's configured DRS launch quotas. */
  quotas: LaunchQuotas;
}

export interface AssessOptions {
  now: Date;
  planVersion?: number;
  /** The previous evaluation, for the membership comparison. */
  previous?: Pick<PlanHealth, "members">;
}

/**
 * The health of a plan against the facts of its account: every finding of every check, the verdict
 * that follows from them, and each group's members for the next evaluation to compare with.
 */
export function assessPlanHealth(plan: Plan, facts: PlanFacts, options: AssessOptions): PlanHealth {
  const scope = planScope(plan, facts.servers, facts.quotas);
  const findings: PlanFinding[] = sortFindings([
    ...selectionFindings(scope, options.previous, facts.otherPlans),
    ...readinessFindings(scope, facts.snapshots),
    ...launchSettingsFindings(scope, facts.launchStates),
    ...referenceFindings(scope, facts),
    ...capacityFindings(scope, facts.quotas, facts.recoveryInstances),
    ...conflictFindings(scope, facts.recoveryInstances),
  ]);
  const blockers = findings.filter((finding) => finding.severity !== "WARNING").length;
  const members: Record<string, string[]> = {};
  for (const { groupId, sourceServerIds } of scope.layout.resolution.groups) {
    members[groupId] ??= [...sourceServerIds];
  }
  return {
    planId: plan.id,
    ...(options.planVersion !== undefined && { planVersion: options.planVersion }),
    evaluatedAt: options.now.toISOString(),
    verdict: planVerdict(findings),
    findings,
    counts: { blockers, warnings: findings.length - blockers, servers: scope.servers.length },
    members,
  };
}
