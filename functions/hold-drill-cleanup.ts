import { holdDrillCleanup, holdDrillCleanupInput, stepHandler } from "@drs-orchestrator/engine";

/** Drill cleanup: records the hold before it (the plan's drill.cleanupAfter) and the token that ends it early. */
export const handler = stepHandler({
  what: "hold-drill-cleanup input",
  input: holdDrillCleanupInput,
  run: holdDrillCleanup,
});
