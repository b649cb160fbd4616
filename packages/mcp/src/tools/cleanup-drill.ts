import { startDrillCleanup } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { executionIdArgument, toolArguments } from "../server/tool-arguments";

export const cleanupDrill = defineTool({
  name: "cleanup_drill",
  title: "Clean up after a drill",
  description:
    "Starts the cleanup of an ended drill now: terminates the drill's recovery instances and restores the DRS " +
    "launch configurations and EC2 launch template default versions the drill changed. Use it when a drill " +
    "has ended and its instances are no longer needed; it ends the wait of a plan's drill.cleanupAfter early. " +
    "Refused for a real RECOVERY and for a drill still running. One cleanup per drill: calling again answers the " +
    "cleanup already started. Its progress shows in the execution's report resource.",
  inputSchema: toolArguments({ executionId: executionIdArgument }),
  outputSchema: z.object({
    executionId: z.string(),
    cleanupExecutionArn: z.string(),
    delaySeconds: z.number().describe("How long the cleanup waits before it terminates anything."),
    alreadyStarted: z.boolean().describe("True when the drill's cleanup had been started before this call."),
    status: z.string().optional().describe("The cleanup workflow's status when it had already been started."),
    holdEnded: z.boolean().optional().describe("True when this call ended a cleanupAfter wait early."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run({ executionId }, { engine }) {
    const result = await startDrillCleanup({ executionId }, engine);
    const report = `drs-orchestrator://executions/${executionId}/report`;
    return {
      result,
      text: result.alreadyStarted
        ? `the cleanup of ${executionId} was already started (${result.status ?? "status unknown"})` +
          `${result.holdEnded ? "; its cleanupAfter wait was ended so it runs now" : ""}. Its progress: ${report}`
        : `cleanup of ${executionId} started: terminating its drill instances and restoring launch settings. ` +
          `Its progress: ${report}`,
    };
  },
});
