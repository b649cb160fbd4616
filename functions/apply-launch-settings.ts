import { applyLaunchSettings, applyLaunchSettingsInput, stepHandler } from "@drs-orchestrator/engine";

export const handler = stepHandler({
  what: "apply-launch-settings input",
  input: applyLaunchSettingsInput,
  run: applyLaunchSettings,
});
