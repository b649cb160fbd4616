import { cancelRecovery } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { executionIdArgument, requiredText, toolArguments } from "../server/tool-arguments";

export const cancelRecoveryTool = defineTool({
  name: "cancel_recovery",
  title: "Cancel a running recovery",
  description:
    "Stops a running recovery or drill for good: no further wave launches, the execution ends ABORTED with " +
    "the reason and the caller recorded, and the plan may be started again. Instances already launched are " +
    "kept; a cancelled drill is then cleaned up automatically (its instances terminated, launch settings " +
    "restored). Use it when a recovery must not go on; to stop before a gated wave, reject_wave does the same " +
    "with the gate's decision recorded. Cancelling an execution that already ended changes nothing.",
  inputSchema: toolArguments({
    executionId: executionIdArgument,
    reason: requiredText('say why it is cancelled, e.g. "wrong plan started"').describe(
      "Why the recovery is cancelled; kept with the execution.",
    ),
  }),
  outputSchema: z.object({
    executionId: z.string(),
    status: z.literal("ABORTED"),
    alreadyEnded: z.boolean().describe("The execution had already ended: nothing was changed."),
    endedStatus: z.string().optional().describe("How it had ended, when alreadyEnded."),
    cleanupExpected: z.boolean().describe("A cleanup of the drill's instances follows automatically."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run({ executionId, reason }, { engine, caller, now }) {
    const result = await cancelRecovery(engine, { executionId, reason, requestedBy: caller }, now());
    const text = result.alreadyEnded
      ? `${executionId} had already ended ${result.endedStatus ?? ""}: nothing changed`
      : `${executionId} cancelled by ${caller}: ABORTED${
          result.cleanupExpected ? "; the drill's instances will be cleaned up automatically" : ""
        }`;
    return { result, text };
  },
});
