import { drillCleanupStepInput, revertDrillLaunchSettings, stepHandler } from "@drs-orchestrator/engine";

/** Drill cleanup: restores the launch template default versions and launch configurations the drill changed. */
export const handler = stepHandler({
  what: "revert-launch-settings input",
  input: drillCleanupStepInput,
  run: revertDrillLaunchSettings,
});
