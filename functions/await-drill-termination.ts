import { awaitDrillTermination, awaitDrillTerminationInput, stepHandler } from "@drs-orchestrator/engine";

/** Drill cleanup: polls the TERMINATE jobs and terminates what could not be terminated before. */
export const handler = stepHandler({
  what: "await-drill-termination input",
  input: awaitDrillTerminationInput,
  run: awaitDrillTermination,
});
