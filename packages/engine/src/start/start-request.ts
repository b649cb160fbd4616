import { type FieldProblem, InvalidInputError } from "@drs-orchestrator/core";
import { z } from "zod";
import { parseRequest } from "../requests/parse-request";

const required = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected a non-empty string: ${what}`,
});

/**
 * A request to start a recovery, the same from every entry point (Lambda, CLI, MCP, EventBridge
 * triggers). Unknown fields are refused so that a misspelt `confirm` or `idempotencyKey` is
 * reported instead of silently ignored.
 */
export const startRecoveryRequestSchema = z.strictObject({
  planId: z
    .string(required("the ID of a plan stored with `drs-orchestrator plan apply`"))
    .trim()
    .min(1, { error: "must not be empty: give the ID of a plan stored with `drs-orchestrator plan apply`" }),
  mode: z
    .enum(["DRILL", "RECOVERY"], {
      error: "expected DRILL (the default: isolated drill instances) or RECOVERY (a real recovery)",
    })
    .default("DRILL"),
  reason: z
    .string(required('say why this recovery runs, e.g. "monthly DR drill"'))
    .trim()
    .min(1, { error: 'must not be empty: say why this recovery runs, e.g. "monthly DR drill"' }),
  requestedBy: z
    .string(required("name who asks for the recovery (a person or a system)"))
    .trim()
    .min(1, { error: "must not be empty: name who asks for the recovery (a person or a system)" }),
  idempotencyKey: z
    .string({ error: "expected a string: any value you repeat to get the same execution back" })
    .min(1, {
      error: "must not be empty: leave it out, or give any value you repeat to get the same execution back",
    })
    .max(256, { error: "must have at most 256 characters" })
    .optional(),
  confirm: z.string({ error: "expected a string: the plan ID, to confirm a real recovery" }).optional(),
  asOf: z.iso
    .datetime({
      offset: true,
      error:
        "expected an ISO-8601 date-time with a time zone, e.g. 2026-11-21T08:00:00Z or 2026-11-21T10:00:00+02:00: the time to recover each server to",
    })
    .optional(),
  replaceExisting: z
    .boolean({
      error: "expected true or false: true lets a RECOVERY replace the recovery instances of an earlier one",
    })
    .optional(),
});

export type StartRecoveryRequest = z.output<typeof startRecoveryRequestSchema>;
export type StartRecoveryRequestInput = z.input<typeof startRecoveryRequestSchema>;

/**
 * The request as the start needs it.
 * @throws InvalidInputError naming every bad field and how to fix it
 */
export function parseStartRecoveryRequest(request: unknown): StartRecoveryRequest {
  return parseRequest(startRecoveryRequestSchema, "start-recovery request", request);
}

/**
 * What the schema cannot check alone: `asOf` not after the start's clock (no snapshot exists of the
 * future) and `replaceExisting` only for a RECOVERY (a drill launches drill instances, which replace
 * no production instance).
 * @throws InvalidInputError naming the field and the fix
 */
export function checkStartRequest(request: StartRecoveryRequest, now: Date): void {
  const problems: FieldProblem[] = [];
  if (request.asOf !== undefined && Date.parse(request.asOf) > now.getTime()) {
    problems.push({
      path: "asOf",
      message: `${request.asOf} is in the future (now is ${now.toISOString()}): give a time at or before now`,
    });
  }
  if (request.replaceExisting === true && request.mode !== "RECOVERY") {
    problems.push({
      path: "replaceExisting",
      message: "only for mode RECOVERY: a drill replaces no production recovery instance, leave it out",
    });
  }
  if (problems.length > 0) throw new InvalidInputError("start-recovery request", problems);
}
