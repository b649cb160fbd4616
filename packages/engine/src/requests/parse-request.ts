import { type FieldProblem, InvalidInputError, suggestSpelling } from "@drs-orchestrator/core";
import type { z } from "zod";

/**
 * Parses a request to an entry point (start a recovery, decide an approval, …) with its strict
 * schema, or throws an InvalidInputError naming every bad field; an unknown field is answered with
 * the likely intended one and the list of fields the request takes.
 */
export function parseRequest<S extends z.ZodObject>(schema: S, what: string, request: unknown): z.output<S> {
  const parsed = schema.safeParse(request);
  if (parsed.success) return parsed.data;
  const fields = Object.keys(schema.shape);
  const problems: FieldProblem[] = parsed.error.issues.flatMap((issue): FieldProblem[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const meant = suggestSpelling(key, fields);
        return {
          path: key,
          message: `unknown field${meant ? `; did you mean ${meant}?` : ""} (fields: ${fields.join(", ")})`,
        };
      });
    }
    if (issue.path.length === 0) {
      return [{ path: "", message: `expected an object with the fields ${fields.join(", ")}` }];
    }
    return [{ path: issue.path.join("."), message: issue.message }];
  });
  throw new InvalidInputError(what, problems);
}
