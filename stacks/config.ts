import { existsSync, readFileSync } from "node:fs";
import { loadPlanFile, type Plan, PlanValidationError } from "@drs-orchestrator/core";
import { type InfraConfig, parseInfraConfig } from "../packages/app/src/infra";

export interface StageSettings {
  config: InfraConfig;
  /** The plans the config names, parsed and validated. */
  plans: Plan[];
}

/** The stage's config (`stacks/stages/<stage>.json`, optional) and the plans it monitors. */
export async function loadStageSettings(stage: string): Promise<StageSettings> {
  const file = `stacks/stages/${stage}.json`;
  const config = parseInfraConfig(
    existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined,
    file,
  );
  const plans: Plan[] = [];
  for (const path of config.plans) {
    const result = await loadPlanFile(path);
    if (!result.ok) throw new PlanValidationError(result.issues, path);
    plans.push(result.plan);
  }
  return { config, plans };
}
