import { expireApproval, expireApprovalInput, stepHandler } from "@drs-orchestrator/engine";

/** After an approval wait timed out: the gate expires and the recovery aborts with the reason. */
export const handler = stepHandler({
  what: "expire-approval input",
  input: expireApprovalInput,
  run: expireApproval,
});
