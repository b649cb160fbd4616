import { reconcileLaunches, reconcileLaunchesInput, stepHandler } from "@drs-orchestrator/engine";

export const handler = stepHandler({
  what: "reconcile-launches input",
  input: reconcileLaunchesInput,
  run: reconcileLaunches,
});
