import { checkHealth, checkHealthInputSchema, stepHandler } from "@drs-orchestrator/engine";

/** After a wave launched: judges its instances by their EC2 status checks until none is left waiting. */
export const handler = stepHandler({
  what: "check-health input",
  input: checkHealthInputSchema,
  run: checkHealth,
});
