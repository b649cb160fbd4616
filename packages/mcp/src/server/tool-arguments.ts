import { suggestSpelling } from "@drs-orchestrator/core";
import { z } from "zod";

/**
 * A tool's arguments as a strict object: a misspelt argument (`confrim`) is refused with the one
 * probably meant, instead of being dropped and the call going on without it.
 */
export function toolArguments<S extends z.ZodRawShape>(shape: S) {
  const fields = Object.keys(shape);
  const list = fields.length > 0 ? `the arguments are ${fields.join(", ")}` : "it takes no arguments";
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        const unknown = issue.keys.map((key) => {
          const meant = suggestSpelling(key, fields);
          return `"${key}"${meant ? ` (did you mean ${meant}?)` : ""}`;
        });
        return `unknown argument ${unknown.join(", ")}: ${list}`;
      }
      if (issue.code === "invalid_type") return `expected an object of arguments: ${list}`;
      return undefined;
    },
  });
}

const text = (what: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `required: ${what}` : `expected a non-empty string: ${what}`,
});

/** A required, non-empty string argument whose messages say what to give. */
export function requiredText(what: string) {
  return z
    .string(text(what))
    .trim()
    .min(1, { error: `must not be empty: ${what}` });
}

export const executionIdArgument = requiredText(
  "the execution ID that start_recovery or list_recoveries returned",
).describe("The recovery's execution ID, as start_recovery or list_recoveries return it.");

export const planIdArgument = requiredText(
  "the ID of a stored plan (list_recovery_plans lists them)",
).describe("The ID of a stored plan, as list_recovery_plans returns it.");

export const waveArgument = z
  .number({ error: "expected the number of the wave that waits for approval, from 1" })
  .int({ error: "expected a whole wave number, from 1" })
  .min(1, { error: "expected a wave number from 1" })
  .describe("The wave whose approval gate to decide (get_recovery_status lists pendingApprovals).");
