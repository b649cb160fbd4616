import { awaitLaunchResults, awaitLaunchResultsInput, stepHandler } from "@drs-orchestrator/engine";

export const handler = stepHandler({
  what: "await-launch-results input",
  input: awaitLaunchResultsInput,
  run: awaitLaunchResults,
});
