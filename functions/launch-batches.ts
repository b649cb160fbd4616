import { launchBatches, launchBatchesInput, stepHandler } from "@drs-orchestrator/engine";

export const handler = stepHandler({
  what: "launch-batches input",
  input: launchBatchesInput,
  run: launchBatches,
});
