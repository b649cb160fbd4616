import { recoveryModeSchema } from "@drs-orchestrator/core";
import { z } from "zod";

/** What a resumed attempt adds to the execution's input: which attempt it is, and how it treats failures. */
export const resumeInputSchema = z.object({
  /** 2 for the first resume. */
  attempt: z.number().int().min(2),
  /** Accept the stopped wave's failed and unlaunched servers as failed instead of launching them. */
  skipFailed: z.boolean(),
});
export type ResumeInput = z.output<typeof resumeInputSchema>;

/**
 * The input of a recovery execution (StartExecution `input`): what Prepare reads through the
 * workflow, with the plan version pinned at start. A resumed attempt runs with the same input and
 * `resume`.
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
  resume: resumeInputSchema.optional(),
});

export type RecoveryExecutionInput = z.output<typeof recoveryExecutionInputSchema>;
