import {
  assessPlanHealth,
  type OtherPlanSelection,
  type Plan,
  type PlanHealth,
  PlanValidationError,
  parsePlanData,
  planScope,
  type SourceServer,
  selectedServerIds,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { mapLimit } from "../steps/launch/map-limit";
import { recoverySnapshotsOf } from "../steps/prepare/pit-snapshots";
import { describeAllSourceServers } from "../steps/prepare/source-server-selection";
import { launchStateFacts } from "./launch-state-facts";
import { recoveryInstanceFacts } from "./recovery-instance-facts";
import {
  existingSecurityGroups,
  existingSubnets,
  instanceProfilesExist,
  namedReferences,
} from "./reference-facts";

/** Stored plans read at once when comparing selections. */
const PLAN_READ_CONCURRENCY = 8;

export type EvaluationTarget = { planId: string } | { document: unknown };

export interface EvaluateOptions {
  now: Date;
  /** The last stored evaluation, for membership changes. */
  previous?: PlanHealth;
}

/**
 * Evaluates a stored plan (its latest version) or a plan document against the live account: reads
 * what DRS, EC2 and IAM hold now for the servers the plan launches and the resources it names, and
 * the other stored plans, then judges it with assessPlanHealth. Reads only.
 * @throws PlanNotFoundError for a plan that is not stored
 * @throws PlanValidationError for a document that is not a valid plan
 */
export async function evaluatePlan(
  engine: EngineContext,
  target: EvaluationTarget,
  options: EvaluateOptions,
): Promise<PlanHealth> {
  let plan: Plan;
  let planVersion: number | undefined;
  if ("document" in target) {
    const parsed = parsePlanData(target.document);
    if (!parsed.ok) throw new PlanValidationError(parsed.issues);
    plan = parsed.plan;
  } else {
    ({ plan, version: planVersion } = await engine.plans.get(target.planId));
  }

  const servers = await describeAllSourceServers(engine.aws.drs);
  const launched = planScope(plan, servers, engine.config.quotas).servers;
  const ids = launched.map((scoped) => scoped.sourceServerId);
  const named = namedReferences(launched.map((scoped) => scoped.settings));
  const [
    snapshots,
    launchStates,
    subnets,
    securityGroupIds,
    instanceProfiles,
    recoveryInstances,
    otherPlans,
  ] = await Promise.all([
    recoverySnapshotsOf(engine.aws.drs, ids),
    launchStateFacts(engine, ids),
    existingSubnets(engine, named.subnetIds),
    existingSecurityGroups(engine, named.securityGroupIds),
    instanceProfilesExist(engine, named.instanceProfiles),
    recoveryInstanceFacts(engine, ids),
    otherPlanSelections(engine, plan.id, servers),
  ]);
  return assessPlanHealth(
    plan,
    {
      servers,
      snapshots,
      launchStates,
      subnets,
      securityGroupIds,
      instanceProfiles,
      recoveryInstances,
      otherPlans,
      quotas: engine.config.quotas,
    },
    {
      now: options.now,
      ...(planVersion !== undefined && { planVersion }),
      ...(options.previous && { previous: options.previous }),
    },
  );
}

/**
 * What every other stored plan (its latest version) selects among these servers. A stored plan
 * that no longer parses selects nothing here: its own evaluation reports it, and it must not fail
 * the evaluation of every other plan.
 */
async function otherPlanSelections(
  engine: EngineContext,
  planId: string,
  servers: readonly SourceServer[],
): Promise<OtherPlanSelection[]> {
  const others = (await engine.plans.list()).filter((summary) => summary.planId !== planId);
  const selections = await mapLimit(others, PLAN_READ_CONCURRENCY, async ({ planId: otherId }) => {
    try {
      const { plan } = await engine.plans.get(otherId);
      return { planId: otherId, sourceServerIds: selectedServerIds(plan, servers) };
    } catch (error) {
      if (error instanceof PlanValidationError) return undefined;
      throw error;
    }
  });
  return selections.filter((selection) => selection !== undefined);
}
