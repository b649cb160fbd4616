import { z } from "zod";
import { isoTime } from "../steps/launch/wave-step-input";

/** What the drill cleanup workflow passes to its steps: the execution and the state's entered time. */
export const drillCleanupStepInput = z.object({
  executionId: z.string().min(1, { error: "required: the execution ID of the drill to clean up" }),
  now: isoTime,
});
export type DrillCleanupStepInput = z.output<typeof drillCleanupStepInput>;

/** The termination poll also gets how long the cleanup may wait, counted from its start. */
export const awaitDrillTerminationInput = drillCleanupStepInput.extend({
  timeoutSeconds: z.number().int().positive({ error: "must be a whole number of seconds above 0" }),
});
export type AwaitDrillTerminationInput = z.output<typeof awaitDrillTerminationInput>;

export const completeDrillCleanupInput = drillCleanupStepInput.extend({
  outcome: z.enum(["SUCCEEDED", "FAILED"]),
  /** The error that ended the cleanup, as Step Functions caught it. */
  error: z.string().optional(),
  cause: z.string().optional(),
});
export type CompleteDrillCleanupInput = z.output<typeof completeDrillCleanupInput>;

/** The hold before a cleanup: how long, and the callback token that ends it early. */
export const holdDrillCleanupInput = drillCleanupStepInput.extend({
  delaySeconds: z.number().int().positive({ error: "must be a whole number of seconds above 0" }),
  taskToken: z.string().min(1, { error: "required: the task token of the hold ($$.Task.Token)" }),
});
export type HoldDrillCleanupInput = z.output<typeof holdDrillCleanupInput>;
