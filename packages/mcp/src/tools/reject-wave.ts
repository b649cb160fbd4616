import { waveDecisionTool } from "./wave-decision";

export const rejectWave = waveDecisionTool("REJECT", {
  name: "reject_wave",
  title: "Reject a gated wave (aborts the recovery)",
  description:
    "Rejects the approval gate of a wave of a running recovery: the wave does not launch and the whole " +
    "recovery is aborted (a drill is then cleaned up). Use it when get_recovery_status lists the wave under " +
    "pendingApprovals and it must not go on; say why in comment. When the plan lists approvers for the gate, " +
    "the caller (mcp:<identity>) must be one of them. Rejecting again reports the decision already recorded.",
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  past: "rejected",
  effect: "the recovery is aborted (a drill is cleaned up)",
});
