import type { z } from "zod";
import { allowedKeysAt, type DocumentPath } from "./schema-path";

/** One problem in a plan (or fleet) document: where it is, what is wrong, and how to fix it. */
export interface PlanIssue {
  /** Where in the document, written like `groups[2].dependsOn[0]`; empty for the document as a whole. */
  path: string;
  message: string;
  fix: string;
}

/** A plan was rejected; `issues` lists every problem found, not only the first. */
export class PlanValidationError extends Error {
  override readonly name = "PlanValidationError";
  readonly issues: readonly PlanIssue[];

  constructor(issues: readonly PlanIssue[], source = "plan") {
    const count = issues.length === 1 ? "1 issue" : `${issues.length} issues`;
    super(
      `${source} is invalid (${count}):\n${issues.map((issue) => `  ${formatPlanIssue(issue)}`).join("\n")}`,
    );
    this.issues = issues;
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Renders a path the way people write it: `groups[2].servers.s-0123…` or `tags["a.b"]`. */
export function formatDocumentPath(path: DocumentPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else {
      const key = String(segment);
      if (IDENTIFIER.test(key)) text += text ? `.${key}` : key;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

/** `file: path: message (fix: ...)`, leaving out the parts that are empty. */
export function formatPlanIssue(issue: PlanIssue, fileName?: string): string {
  const where = [fileName, issue.path].filter(Boolean).join(": ");
  return `${where ? `${where}: ` : ""}${issue.message} (fix: ${issue.fix})`;
}

/** A short, readable rendering of a value for an error message. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  }
  return String(value);
}

function valueAt(root: unknown, path: DocumentPath): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

/** Messages the schema wrote itself start with "expected ..."; zod's defaults do not. */
function schemaExpectation(message: string): string | undefined {
  return message.startsWith("expected ") ? message.slice("expected ".length) : undefined;
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The allowed word closest to a mistyped one, when it is close enough to be a likely typo. */
export function suggestSpelling(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function missingField(path: DocumentPath, expectation: string): PlanIssue {
  const key = String(path[path.length - 1]);
  const parent = formatDocumentPath(path.slice(0, -1));
  return {
    path: formatDocumentPath(path),
    message: `missing required field "${key}"`,
    fix: `add ${key} (${expectation}) ${parent ? `to ${parent}` : "at the top level"}`,
  };
}

function unionIssues(
  issue: Extract<z.core.$ZodIssue, { code: "invalid_union" }>,
  root: z.ZodType,
  input: unknown,
): PlanIssue[] {
  const path = issue.path;
  const value = valueAt(input, path);
  // A branch that got past the type check matched the shape the author meant: report its problems.
  const meant = issue.errors.find(
    (branch) => !branch.some((inner) => inner.path.length === 0 && inner.code === "invalid_type"),
  );
  if (meant && meant.length > 0) {
    return meant.flatMap((inner) =>
      convertIssue({ ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, root, input),
    );
  }
  const expected =
    schemaExpectation(issue.message) ??
    issue.errors
      .flatMap((branch) =>
        branch.map((inner) => (inner.code === "invalid_type" ? inner.expected : undefined)),
      )
      .filter((word): word is string => word !== undefined)
      .flatMap((word) => (word === "boolean" ? ["true", "false"] : [TYPE_WORDS[word] ?? word]))
      .reduce(
        (text, word, i, words) =>
          i === 0 ? word : `${text}${i === words.length - 1 ? " or " : ", "}${word}`,
        "",
      );
  if (value === undefined && path.length > 0) return [missingField(path, expected)];
  return [
    {
      path: formatDocumentPath(path),
      message: `expected ${expected}, got ${describeValue(value)}`,
      fix: `write ${expected}`,
    },
  ];
}

function convertIssue(issue: z.core.$ZodIssue, root: z.ZodType, input: unknown): PlanIssue[] {
  const path = issue.path;
  const at = formatDocumentPath(path);
  const value = valueAt(input, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(root, path);
      return issue.keys.map((key) => {
        const suggestion = suggestSpelling(key, allowed);
        return {
          path: formatDocumentPath([...path, key]),
          message: `unknown key "${key}"; allowed keys here: ${allowed.join(", ")}`,
          fix: suggestion
            ? `did you mean "${suggestion}"?`
            : `remove "${key}" or use one of the allowed keys`,
        };
      });
    }
    case "invalid_union":
      return unionIssues(issue, root, input);
    case "invalid_type": {
      const expected = schemaExpectation(issue.message) ?? TYPE_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined && path.length > 0) return [missingField(path, expected)];
      return [
        { path: at, message: `expected ${expected}, got ${describeValue(value)}`, fix: `write ${expected}` },
      ];
    }
    case "invalid_value": {
      const allowed = issue.values.map((allowedValue) => String(allowedValue));
      const suggestion = typeof value === "string" ? suggestSpelling(value, allowed) : undefined;
      return [
        {
          path: at,
          message: `invalid value ${describeValue(value)}; allowed values: ${allowed.join(", ")}`,
          fix: suggestion ? `did you mean ${suggestion}?` : `use one of ${allowed.join(" | ")}`,
        },
      ];
    }
    case "invalid_format": {
      const expected = schemaExpectation(issue.message) ?? `text matching ${issue.pattern ?? issue.format}`;
      return [
        { path: at, message: `expected ${expected}, got ${describeValue(value)}`, fix: `write ${expected}` },
      ];
    }
    case "too_small": {
      const minimum = Number(issue.minimum);
      if (issue.origin === "array") {
        const entries = `${minimum} ${minimum === 1 ? "entry" : "entries"}`;
        const message = issue.message.startsWith("Too small") ? `needs at least ${entries}` : issue.message;
        return [{ path: at, message, fix: `add at least ${entries}` }];
      }
      if (issue.origin === "string") {
        const message = minimum === 1 ? "must not be empty" : `is shorter than ${minimum} characters`;
        return [{ path: at, message, fix: `write at least ${minimum} character${minimum === 1 ? "" : "s"}` }];
      }
      return [
        {
          path: at,
          message: `${describeValue(value)} is below the minimum of ${minimum}`,
          fix: `use a value of ${minimum} or more`,
        },
      ];
    }
    case "too_big": {
      const maximum = Number(issue.maximum);
      if (issue.origin === "array") {
        return [
          {
            path: at,
            message: `lists ${(value as unknown[]).length} entries; at most ${maximum} are allowed`,
            fix: `keep at most ${maximum} entries`,
          },
        ];
      }
      if (issue.origin === "string") {
        return [
          {
            path: at,
            message: `is longer than ${maximum} characters`,
            fix: `shorten it to ${maximum} characters or fewer`,
          },
        ];
      }
      return [
        {
          path: at,
          message: `${describeValue(value)} is above the maximum of ${maximum}`,
          fix: `use a value of ${maximum} or less`,
        },
      ];
    }
    case "custom": {
      const fix = (issue.params as { fix?: unknown } | undefined)?.fix;
      return [
        { path: at, message: issue.message, fix: typeof fix === "string" ? fix : "correct this value" },
      ];
    }
    default:
      return [{ path: at, message: issue.message, fix: "correct this value" }];
  }
}

/**
 * Turns zod's issues into PlanIssues with messages people can act on: unknown keys name the
 * allowed ones (and the likely intended one), enums list their values, missing fields say what to
 * add. `root` is the schema that was parsed and `input` the data it was given.
 */
export function planIssuesFromZod(
  issues: readonly z.core.$ZodIssue[],
  root: z.ZodType,
  input: unknown,
): PlanIssue[] {
  return issues.flatMap((issue) => convertIssue(issue, root, input));
}
