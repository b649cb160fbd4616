import { waveDecisionTool } from "./wave-decision";

export const approveWave = waveDecisionTool("APPROVE", {
  name: "approve_wave",
  title: "Approve a gated wave",
  description:
    "Approves the approval gate of a wave of a running recovery, so that the wave launches. Use it when " +
    "get_recovery_status lists the wave under pendingApprovals and the people responsible agree it may go on. " +
    "When the plan lists approvers for the gate, the caller (mcp:<identity>) must be one of them. Approving " +
    "again reports the decision already recorded; a gate rejected or expired cannot be approved.",
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  past: "approved",
  effect: "the wave launches",
});
