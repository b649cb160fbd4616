import type { PlanHealthAtStart } from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { keys } from "../../stores/execution-items";

/** Findings kept with the execution: the most severe ones, enough for the report. */
export const FINDINGS_AT_START = 100;

/**
 * Keeps with the execution the plan's health as last recorded before the execution started, for
 * its report: the evaluation's verdict and counts and its most severe findings. Written once: a
 * retried Prepare keeps what the first one found. Nothing when the plan was never evaluated.
 */
export async function keepPlanHealthAtStart(
  engine: EngineContext,
  executionId: string,
  planId: string,
  startedAt: string,
): Promise<void> {
  const header = await engine.planHealth.header(planId);
  if (!header || Date.parse(header.evaluatedAt) > Date.parse(startedAt)) return;
  const findings = await engine.planHealth.findings(planId, { limit: FINDINGS_AT_START });
  const atStart: PlanHealthAtStart = {
    ...(header.planVersion !== undefined && { planVersion: header.planVersion }),
    evaluatedAt: header.evaluatedAt,
    verdict: header.verdict,
    counts: header.counts,
    findings,
    findingCount: header.counts.blockers + header.counts.warnings,
  };
  await engine.executions.create(keys.planHealth(executionId), atStart);
}
