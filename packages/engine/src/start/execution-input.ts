import { recoveryModeSchema } from "@drs-orchestrator/core";
import { z } from "zod";

/**
 * The input of a recovery execution (StartExecution `input`): what Prepare reads through the
 * workflow, with the plan version pinned at start.
 */
export const recoveryExecutionInputSchema = z.object({
  executionId: z.string().min(1),
  planId: z.string().min(1),
  planVersion: z.number().int().positive(),
  mode: recoveryModeSchema,
  requestedBy: z.string().min(1),
  reason: z.string().min(1),
  /** Recover each server as it was at this time: from its newest PIT snapshot at or before it. */
  asOf: z.iso.datetime({ offset: true }).optional(),
  /** A RECOVERY may replace the live recovery instances of an earlier recovery. */
  replaceExisting: z.boolean().optional(),
});

export type RecoveryExecutionInput = z.output<typeof recoveryExecutionInputSchema>;
