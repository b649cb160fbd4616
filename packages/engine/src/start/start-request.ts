import { type FieldProblem, InvalidInputError, suggestSpelling } from "@drs-orchestrator/core";
import { z } from "zod";

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
});

export type StartRecoveryRequest = z.output<typeof startRecoveryRequestSchema>;
export type StartRecoveryRequestInput = z.input<typeof startRecoveryRequestSchema>;

const FIELDS = Object.keys(startRecoveryRequestSchema.shape);

/**
 * The request as the start needs it.
 * @throws InvalidInputError naming every bad field and how to fix it
 */
export function parseStartRecoveryRequest(request: unknown): StartRecoveryRequest {
  const parsed = startRecoveryRequestSchema.safeParse(request);
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = parsed.error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const meant = suggestSpelling(key, FIELDS);
        return {
          path: key,
          message: `unknown field${meant ? `; did you mean ${meant}?` : ""} (fields: ${FIELDS.join(", ")})`,
        };
      });
    }
    if (issue.path.length === 0) {
      return [{ path: "", message: `expected an object with the fields ${FIELDS.join(", ")}` }];
    }
    return [{ path: issue.path.join("."), message: issue.message }];
  });
  throw new InvalidInputError("start-recovery request", problems);
}
