import { InvalidInputError } from "@drs-orchestrator/core";
import { z } from "zod";

/** The plan a checking tool reads: a stored plan by ID, or a document not stored yet (exactly one). */
export const planTargetArguments = {
  planId: z
    .string({ error: "expected a string: the ID of a stored plan" })
    .trim()
    .min(1, { error: "must not be empty: the ID of a stored plan" })
    .optional()
    .describe("A stored plan to check (list_recovery_plans lists them)."),
  document: z
    .union([z.string(), z.record(z.string(), z.unknown())], {
      error: "expected a plan document: YAML or JSON text, or the plan as an object",
    })
    .optional()
    .describe("A plan document to check instead of a stored plan: YAML or JSON text, or the object."),
};

/**
 * @throws InvalidInputError unless exactly one of planId and document is given
 */
export function requireOnePlanTarget(tool: string, planId: unknown, document: unknown): void {
  if ((planId === undefined) !== (document === undefined)) return;
  throw new InvalidInputError(`${tool} arguments`, [
    {
      path: planId === undefined ? "planId" : "document",
      message: "give either planId (a stored plan) or document (a plan not stored yet), not both",
    },
  ]);
}
