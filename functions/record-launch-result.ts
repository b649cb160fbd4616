import { recordLaunchResult, recordLaunchResultInput, stepHandler } from "@drs-orchestrator/engine";

export const handler = stepHandler({
  what: "DRS Source Server Launch Result event",
  input: recordLaunchResultInput,
  run: recordLaunchResult,
});
