import { evaluatePlans, evaluatePlansInputSchema, stepHandler } from "@drs-orchestrator/engine";

/**
 * Evaluates every stored plan on the schedule rule's tick, records the results, announces changes
 * with `Plan Health Changed` and publishes each plan's metrics as EMF.
 */
export const handler = stepHandler({
  what: "scheduled event",
  input: evaluatePlansInputSchema,
  run: evaluatePlans,
});
