import { handleDrillCleanupStart, stepHandler } from "@drs-orchestrator/engine";
import { z } from "zod";

/**
 * Starts a drill's cleanup, once per execution: from a request `{ executionId, delaySeconds? }`
 * (CLI, MCP), or from the rule on the recovery state machine's `Step Functions Execution Status
 * Change` events (a failed, aborted or timed-out drill at once, a successful one after its plan's
 * `drill.cleanupAfter`).
 */
export const handler = stepHandler({
  what: "drill cleanup start",
  input: z.unknown(),
  run: handleDrillCleanupStart,
});
