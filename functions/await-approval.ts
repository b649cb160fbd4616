import { awaitApproval, awaitApprovalInput, stepHandler } from "@drs-orchestrator/engine";

/** The approval gate before each wave: lets the wave through at once, or records the gate and announces it. */
export const handler = stepHandler({
  what: "await-approval input",
  input: awaitApprovalInput,
  run: awaitApproval,
});
