/**
 * The library builds the Context Object itself and pins `$$.Execution.StartTime` to the real clock;
 * it has no `$$.State` or `$$.Task` at all. So context references in a definition are redirected
 * into a branch of the context we supply (`$$.Emulated`), where execution fields hold simulated
 * time and each state has its own `State` and `Task` (the task token) under a per-state key.
 */
export const EMULATED_CONTEXT_KEY = "Emulated";

const CONTEXT_REFERENCE = /\$\$\.(Execution|StateMachine|State|Task)\b/g;

/** Rewrites context references in a path or intrinsic-function expression used by the state with `stateKey`. */
export function redirectContextPaths(expression: string, stateKey: string): string {
  return expression.replace(CONTEXT_REFERENCE, (_match, field: string) =>
    field === "Execution" || field === "StateMachine"
      ? `$$.${EMULATED_CONTEXT_KEY}.${field}`
      : `$$.${EMULATED_CONTEXT_KEY}.${stateKey}.${field}`,
  );
}

/** Rewrites every `"<key>.$"` expression of a payload template (Parameters, ResultSelector, ItemSelector). */
export function redirectTemplate(template: unknown, stateKey: string): unknown {
  if (Array.isArray(template)) return template.map((item) => redirectTemplate(item, stateKey));
  if (template === null || typeof template !== "object") return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [
      key,
      key.endsWith(".$") && typeof value === "string"
        ? redirectContextPaths(value, stateKey)
        : redirectTemplate(value, stateKey),
    ]),
  );
}

/** Rewrites a Choice rule: `Variable`, every `*Path` comparison, and nested And/Or/Not rules. */
export function redirectChoiceRule(rule: unknown, stateKey: string): unknown {
  if (Array.isArray(rule)) return rule.map((item) => redirectChoiceRule(item, stateKey));
  if (rule === null || typeof rule !== "object") return rule;
  return Object.fromEntries(
    Object.entries(rule).map(([key, value]) => {
      if (typeof value === "string" && (key === "Variable" || key.endsWith("Path"))) {
        return [key, redirectContextPaths(value, stateKey)];
      }
      if (key === "And" || key === "Or" || key === "Not") return [key, redirectChoiceRule(value, stateKey)];
      return [key, value];
    }),
  );
}
