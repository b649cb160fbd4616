import { drillCleanupStepInput, stepHandler, terminateDrillInstances } from "@drs-orchestrator/engine";

/** Drill cleanup: asks DRS to terminate the drill's recovery instances (and only those). */
export const handler = stepHandler({
  what: "terminate-drill-instances input",
  input: drillCleanupStepInput,
  run: terminateDrillInstances,
});
