import { loadDocumentFile, parseDocumentText } from "./parse-document";
import { type PlanIssue, PlanValidationError, planIssuesFromZod } from "./plan-issues";
import { semanticIssuesDespite } from "./plan-salvage";
import { type Plan, planSchema } from "./plan-schema";
import { validatePlan } from "./validate-plan";

export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; issues: PlanIssue[] };

/**
 * Checks an already-decoded plan document (from YAML, JSON, a database item or a tool call):
 * the schema, then the semantic checks. Every issue is reported, not only the first.
 */
export function parsePlanData(data: unknown): PlanParseResult {
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      issues: [
        ...planIssuesFromZod(parsed.error.issues, planSchema, data),
        ...semanticIssuesDespite(data, parsed.error.issues),
      ],
    };
  }
  const issues = validatePlan(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, plan: parsed.data };
}

/** Parses a plan written in YAML or JSON (`*.json` files are read as strict JSON). */
export function parsePlanText(text: string, fileName?: string): PlanParseResult {
  const document = parseDocumentText(text, fileName);
  return document.ok ? parsePlanData(document.data) : document;
}

/** Reads and parses a plan file; an unreadable file is reported as an issue like any other. */
export async function loadPlanFile(path: string): Promise<PlanParseResult> {
  const document = await loadDocumentFile(path);
  return document.ok ? parsePlanData(document.data) : document;
}

/**
 * The plan in `data`, for callers that cannot go on without one.
 * @throws PlanValidationError listing every issue
 */
export function parsePlan(data: unknown): Plan {
  const result = parsePlanData(data);
  if (!result.ok) throw new PlanValidationError(result.issues);
  return result.plan;
}
