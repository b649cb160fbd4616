import { completeDrillCleanup, completeDrillCleanupInput, stepHandler } from "@drs-orchestrator/engine";

/** Drill cleanup: records the outcome and publishes `Drill Cleanup Completed`. */
export const handler = stepHandler({
  what: "complete-drill-cleanup input",
  input: completeDrillCleanupInput,
  run: completeDrillCleanup,
});
