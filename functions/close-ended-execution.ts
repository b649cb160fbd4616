import { executionStatusChangeSchema, onExecutionEnded, stepHandler } from "@drs-orchestrator/engine";

/**
 * Closes an execution whose recovery workflow ended without finalizing it (stopped in the console,
 * timed out, failed outside a step), from the rule on the recovery state machine's `Step Functions
 * Execution Status Change` events: its record takes the workflow's status, and its server locks and
 * plan are released.
 */
export const handler = stepHandler({
  what: "Step Functions Execution Status Change event",
  input: executionStatusChangeSchema,
  run: onExecutionEnded,
});
