import { finalizeExecution, finalizeInputSchema, stepHandler } from "@drs-orchestrator/engine";

/** Ends an execution: recovery summary, final status, released locks, and the recovery metrics as EMF. */
export const handler = stepHandler({
  what: "finalize input",
  input: finalizeInputSchema,
  run: finalizeExecution,
  publishesMetrics: true,
});
