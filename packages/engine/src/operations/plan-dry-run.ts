import {
  layoutRecovery,
  type Plan,
  type PlanIssue,
  parsePlanData,
  type RecoveryLayout,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { describeAllSourceServers, selectionProblems } from "../steps/prepare/source-server-selection";

/** A stored plan (its latest version unless one is named), or a plan document to check before applying it. */
export type PlanSource = { planId: string; version?: number } | { document: unknown };

export interface PlanDryRunIssue {
  /** Where in the plan, e.g. `groups[1].select`; empty for the plan as a whole. */
  path: string;
  message: string;
  /** How to fix it, when the check knows. */
  fix?: string;
}

export interface PlanDryRun {
  /** True when a start now would get past Prepare: the plan is valid, its selectors match, its servers ready (or skippable). */
  ok: boolean;
  issues: PlanDryRunIssue[];
  plan?: { id: string; name: string; rto: number; rpo: number; version?: number };
  layout?: RecoveryLayout;
  /** When the source servers were read. */
  checkedAt: string;
}

/**
 * How a plan would run if it started now: laid over the live DRS source servers the way Prepare
 * lays it (waves, groups, batches within the launch quotas, effective launch settings, each
 * server's readiness against the plan's RPO), with what Prepare would refuse it for as issues: a
 * selector that matches nothing or names an unknown server, servers not ready when the plan does not
 * skip them. A document that is not a valid plan gets its issues and no layout. Nothing is written.
 * @param now when the servers are read, on the clock DRS runs on
 * @throws PlanNotFoundError when a stored plan (or version) does not exist
 */
export async function dryRunPlan(
  engine: EngineContext,
  planSource: PlanSource,
  now: Date,
): Promise<PlanDryRun> {
  const checkedAt = now.toISOString();
  let plan: Plan;
  let version: number | undefined;
  if ("document" in planSource) {
    const parsed = parsePlanData(planSource.document);
    if (!parsed.ok) return { ok: false, issues: parsed.issues.map(issue), checkedAt };
    plan = parsed.plan;
  } else {
    ({ plan, version } = await engine.plans.get(planSource.planId, planSource.version));
  }

  const layout = layoutRecovery(plan, await describeAllSourceServers(engine.aws.drs), engine.config.quotas);
  const issues: PlanDryRunIssue[] = selectionProblems(plan, layout).map(({ path, message }) => ({
    path,
    message,
    fix: "fix the group selectors (tags or sourceServerIds) so each names DRS source servers",
  }));
  if (plan.failure.notReady === "abort") {
    for (const notReady of layout.notReady) {
      issues.push({
        path: "failure.notReady",
        message: `${notReady.reason}; a start would be refused`,
        fix: "fix replication on the server, or set failure.notReady: skip to leave not-ready servers out",
      });
    }
  }
  return {
    ok: issues.length === 0,
    issues,
    plan: {
      id: plan.id,
      name: plan.name,
      rto: plan.rto,
      rpo: plan.rpo,
      ...(version !== undefined && { version }),
    },
    layout,
    checkedAt,
  };
}

function issue({ path, message, fix }: PlanIssue): PlanDryRunIssue {
  return { path, message, fix };
}
