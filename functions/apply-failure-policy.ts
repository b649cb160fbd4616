import { applyFailurePolicy, applyFailurePolicyInputSchema, stepHandler } from "@drs-orchestrator/engine";

/** After a wave's health checks: continue, relaunch the failed servers, or abort the recovery. */
export const handler = stepHandler({
  what: "apply-failure-policy input",
  input: applyFailurePolicyInputSchema,
  run: applyFailurePolicy,
});
