import { z } from "zod";
import { parseRequest } from "../requests/parse-request";

/**
 * A request to resume an execution that stopped (failed, aborted or cancelled), the same from
 * every entry point (CLI, MCP). Unknown fields are refused, so a misspelt `skipFailed` is reported
 * instead of silently relaunching what the operator meant to skip.
 */
export const resumeRecoveryRequestSchema = z.strictObject({
  executionId: z
    .string({ error: "required: the execution ID (recover list shows them)" })
    .trim()
    .min(1, { error: "must not be empty: give the execution ID (recover list shows them)" }),
  skipFailed: z
    .boolean({
      error:
        "expected true or false: true accepts the stopped wave's failed servers as failed instead of relaunching them",
    })
    .default(false),
  requestedBy: z
    .string({ error: "required: name who resumes the recovery (a person or a system)" })
    .trim()
    .min(1, { error: "must not be empty: name who resumes the recovery (a person or a system)" }),
  reason: z
    .string({ error: "expected a string: why the recovery is resumed" })
    .trim()
    .min(1, { error: "must not be empty: say why the recovery is resumed, or leave it out" })
    .optional(),
});

export type ResumeRecoveryRequest = z.output<typeof resumeRecoveryRequestSchema>;
export type ResumeRecoveryRequestInput = z.input<typeof resumeRecoveryRequestSchema>;

/**
 * The request as the resume needs it.
 * @throws InvalidInputError naming every bad field and how to fix it
 */
export function parseResumeRecoveryRequest(request: unknown): ResumeRecoveryRequest {
  return parseRequest(resumeRecoveryRequestSchema, "resume request", request);
}
