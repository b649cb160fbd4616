/**
 * EventBridge event patterns: validation and matching, as described in the EventBridge user guide
 * ("Amazon EventBridge event patterns" and "Content filtering in Amazon EventBridge event patterns").
 * Pure and independent of the emulator so infrastructure tests can check deployed rule patterns too.
 *
 * Semantics:
 * - Keys at one level are ANDed; the values of a leaf array are ORed; `$or` ORs whole sub-patterns.
 * - A nested pattern object descends into the event; when the event holds an array of objects
 *   there, one element must satisfy the whole nested pattern (matches never mix array elements).
 * - When the event value at a leaf is an array, the leaf matches if any element matches
 *   (the intersection of the pattern array and the event array is non-empty).
 * - Only `{"exists": false}` matches a missing field.
 *
 * Not supported: IPv6 `cidr` (validation says so rather than silently never matching).
 */

export type EventPattern = { [key: string]: unknown };

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const NUMERIC_LIMIT = 5e9;
const LOWER_BOUNDS = [">", ">="];
const UPPER_BOUNDS = ["<", "<="];

/** Every problem in a pattern, each naming the field path; empty when the pattern is valid. */
export function validateEventPattern(pattern: unknown): string[] {
  const errors: string[] = [];
  if (!isPlainObject(pattern)) {
    errors.push("the event pattern must be a JSON object");
    return errors;
  }
  if (Object.keys(pattern).length === 0) errors.push("the event pattern must not be empty");
  validateObject(pattern, "", errors);
  return errors;
}

/** Parses pattern JSON text; returns the pattern or the reasons it is invalid. */
export function parseEventPattern(text: string): { pattern: EventPattern } | { errors: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { errors: [`the event pattern is not valid JSON: ${(error as Error).message}`] };
  }
  const errors = validateEventPattern(parsed);
  return errors.length > 0 ? { errors } : { pattern: parsed as EventPattern };
}

/** True when `event` matches `pattern`. Throws on an invalid pattern instead of silently not matching. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const errors = validateEventPattern(pattern);
  if (errors.length > 0) throw new Error(`invalid event pattern: ${errors.join("; ")}`);
  return matchObject(pattern, event);
}

// ---------------------------------------------------------------------------------------------
// validation

function validateObject(pattern: Record<string, unknown>, path: string, errors: string[]) {
  for (const [key, value] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        errors.push(`${at}: "$or" must be an array of at least two pattern objects`);
        continue;
      }
      value.forEach((alternative, index) => {
        if (Object.keys(alternative).length === 0) errors.push(`${at}[${index}]: must not be empty`);
        validateObject(alternative, `${at}[${index}]`, errors);
      });
    } else if (Array.isArray(value)) {
      if (value.length === 0) errors.push(`${at}: a leaf array must not be empty`);
      value.forEach((matcher, index) => {
        validateMatcher(matcher, `${at}[${index}]`, errors);
      });
    } else if (isPlainObject(value)) {
      if (Object.keys(value).length === 0) errors.push(`${at}: a nested pattern must not be empty`);
      validateObject(value, at, errors);
    } else {
      errors.push(`${at}: must be an object or an array (wrap single values: ["${String(value)}"])`);
    }
  }
}

function validateMatcher(matcher: unknown, at: string, errors: string[]) {
  if (matcher === null || typeof matcher === "string" || typeof matcher === "boolean") return;
  if (typeof matcher === "number") {
    if (!Number.isFinite(matcher)) errors.push(`${at}: numbers must be finite`);
    return;
  }
  if (Array.isArray(matcher)) {
    errors.push(`${at}: nested arrays are not allowed in a leaf array`);
    return;
  }
  if (!isPlainObject(matcher)) {
    errors.push(`${at}: unsupported value`);
    return;
  }
  const keys = Object.keys(matcher);
  if (keys.length !== 1) {
    errors.push(`${at}: a filter object must have exactly one operator, got ${keys.length}`);
    return;
  }
  const operator = keys[0] as string;
  const operand = matcher[operator];
  const problem = operandProblem(operator, operand);
  if (problem) errors.push(`${at}: ${problem}`);
}

function operandProblem(operator: string, operand: unknown): string | undefined {
  switch (operator) {
    case "prefix":
    case "suffix":
      return typeof operand === "string" || isIgnoreCaseOperand(operand)
        ? undefined
        : `"${operator}" takes a string or {"equals-ignore-case": string}`;
    case "equals-ignore-case":
      return typeof operand === "string" ? undefined : `"equals-ignore-case" takes a string`;
    case "wildcard":
      return typeof operand === "string" ? wildcardProblem(operand) : `"wildcard" takes a string`;
    case "exists":
      return typeof operand === "boolean" ? undefined : `"exists" takes true or false`;
    case "cidr":
      return typeof operand === "string" && parseIpv4Cidr(operand)
        ? undefined
        : `"cidr" takes an IPv4 CIDR block such as "10.0.0.0/24" (IPv6 is not supported by the local runtime)`;
    case "numeric":
      return numericProblem(operand);
    case "anything-but":
      return anythingButProblem(operand);
    default:
      return `unknown operator "${operator}"`;
  }
}

function anythingButProblem(operand: unknown): string | undefined {
  if (typeof operand === "string" || (typeof operand === "number" && Number.isFinite(operand)))
    return undefined;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((value) => typeof value === "string");
    const allNumbers = operand.every((value) => typeof value === "number" && Number.isFinite(value));
    if (operand.length > 0 && (allStrings || allNumbers)) return undefined;
    return `"anything-but" lists must be non-empty and hold only strings or only numbers`;
  }
  if (isPlainObject(operand) && Object.keys(operand).length === 1) {
    const [inner, value] = Object.entries(operand)[0] as [string, unknown];
    const stringOrStrings =
      typeof value === "string" ||
      (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string"));
    if ((inner === "prefix" || inner === "suffix") && typeof value === "string") return undefined;
    if (inner === "equals-ignore-case" && stringOrStrings) return undefined;
    if (inner === "wildcard" && stringOrStrings) {
      const patterns = typeof value === "string" ? [value] : (value as string[]);
      return patterns.map(wildcardProblem).find(Boolean);
    }
  }
  return `"anything-but" takes a string, a number, a list of strings or numbers, or one of {"prefix"|"suffix": string}, {"equals-ignore-case"|"wildcard": string or string list}`;
}

function numericProblem(operand: unknown): string | undefined {
  const usage = `"numeric" takes ["=", n], or a lower bound (">" | ">=", n) and/or an upper bound ("<" | "<=", n)`;
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return usage;
  for (let index = 0; index < operand.length; index += 2) {
    const value = operand[index + 1];
    if (typeof value !== "number" || !Number.isFinite(value)) return `${usage}; bounds must be numbers`;
    if (Math.abs(value) > NUMERIC_LIMIT) return `numeric bounds must lie within ±${NUMERIC_LIMIT}`;
  }
  const [first, , second] = operand as [unknown, number, unknown, number | undefined];
  if (operand.length === 2) {
    return first === "=" || LOWER_BOUNDS.includes(first as string) || UPPER_BOUNDS.includes(first as string)
      ? undefined
      : usage;
  }
  if (!LOWER_BOUNDS.includes(first as string) || !UPPER_BOUNDS.includes(second as string)) return usage;
  if ((operand[1] as number) >= (operand[3] as number))
    return `the lower numeric bound must be below the upper`;
  return undefined;
}

function wildcardProblem(pattern: string): string | undefined {
  if (/(^|[^\\])\*\*/.test(pattern)) return `"wildcard" must not contain consecutive "*" characters`;
  return undefined;
}

function isIgnoreCaseOperand(operand: unknown): boolean {
  return (
    isPlainObject(operand) &&
    Object.keys(operand).length === 1 &&
    typeof operand["equals-ignore-case"] === "string"
  );
}

// ---------------------------------------------------------------------------------------------
// matching

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!(value as Record<string, unknown>[]).some((alternative) => matchObject(alternative, event))) {
        return false;
      }
      continue;
    }
    const field = isPlainObject(event) ? event[key] : undefined;
    if (Array.isArray(value)) {
      if (!matchLeaf(value, field)) return false;
    } else if (!matchNested(value as Record<string, unknown>, field)) {
      return false;
    }
  }
  return true;
}

function matchNested(pattern: Record<string, unknown>, field: unknown): boolean {
  if (Array.isArray(field)) return field.some((element) => matchNested(pattern, element));
  return isPlainObject(field) && matchObject(pattern, field);
}

function matchLeaf(matchers: unknown[], field: unknown): boolean {
  return matchers.some((matcher) => {
    if (isPlainObject(matcher) && "exists" in matcher) return matchExists(matcher.exists as boolean, field);
    if (field === undefined) return false;
    const values = Array.isArray(field) ? field : [field];
    return values.some((value) => matchValue(matcher, value as Json));
  });
}

function matchExists(expected: boolean, field: unknown): boolean {
  const present =
    field !== undefined && !isPlainObject(field) && !(Array.isArray(field) && field.length === 0);
  return expected ? present : field === undefined;
}

function matchValue(matcher: unknown, value: Json): boolean {
  if (!isPlainObject(matcher)) return equalsExactly(matcher, value);
  const [operator, operand] = Object.entries(matcher)[0] as [string, unknown];
  switch (operator) {
    case "prefix":
      return (
        typeof value === "string" && affixMatches(operand, value, (text, affix) => text.startsWith(affix))
      );
    case "suffix":
      return typeof value === "string" && affixMatches(operand, value, (text, affix) => text.endsWith(affix));
    case "equals-ignore-case":
      return typeof value === "string" && sameIgnoringCase(value, operand as string);
    case "wildcard":
      return typeof value === "string" && wildcardRegex(operand as string).test(value);
    case "cidr":
      return typeof value === "string" && ipv4InCidr(value, operand as string);
    case "numeric":
      return typeof value === "number" && numericMatches(operand as (string | number)[], value);
    case "anything-but":
      return anythingButMatches(operand, value);
    default:
      throw new Error(`unknown operator "${operator}"`);
  }
}

function equalsExactly(expected: unknown, value: Json): boolean {
  if (typeof expected === "number") return typeof value === "number" && expected === value;
  return expected === value;
}

function affixMatches(
  operand: unknown,
  text: string,
  test: (text: string, affix: string) => boolean,
): boolean {
  if (typeof operand === "string") return test(text, operand);
  const affix = (operand as { "equals-ignore-case": string })["equals-ignore-case"];
  return test(text.toLowerCase(), affix.toLowerCase());
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function anythingButMatches(operand: unknown, value: Json): boolean {
  if (typeof operand === "string" || typeof operand === "number") return !equalsExactly(operand, value);
  if (Array.isArray(operand)) return !operand.some((excluded) => equalsExactly(excluded, value));
  if (typeof value !== "string") return false;
  const [inner, excluded] = Object.entries(operand as Record<string, unknown>)[0] as [string, unknown];
  const list = Array.isArray(excluded) ? (excluded as string[]) : [excluded as string];
  switch (inner) {
    case "prefix":
      return !value.startsWith(excluded as string);
    case "suffix":
      return !value.endsWith(excluded as string);
    case "equals-ignore-case":
      return !list.some((item) => sameIgnoringCase(value, item));
    default:
      return !list.some((item) => wildcardRegex(item).test(value));
  }
}

function numericMatches(conditions: (string | number)[], value: number): boolean {
  for (let index = 0; index < conditions.length; index += 2) {
    const bound = conditions[index + 1] as number;
    switch (conditions[index]) {
      case "=":
        if (!(value === bound)) return false;
        break;
      case ">":
        if (!(value > bound)) return false;
        break;
      case ">=":
        if (!(value >= bound)) return false;
        break;
      case "<":
        if (!(value < bound)) return false;
        break;
      case "<=":
        if (!(value <= bound)) return false;
        break;
    }
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
function wildcardRegex(pattern: string): RegExp {
  let regex = wildcardCache.get(pattern);
  if (regex) return regex;
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    if (char === "\\" && (pattern[index + 1] === "*" || pattern[index + 1] === "\\")) {
      source += escapeRegex(pattern[index + 1] as string);
      index++;
    } else if (char === "*") {
      source += "[\\s\\S]*";
    } else {
      source += escapeRegex(char);
    }
  }
  regex = new RegExp(`^${source}$`);
  wildcardCache.set(pattern, regex);
  return regex;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function parseIpv4Cidr(text: string): { base: number; bits: number } | undefined {
  const [address, bitsText] = text.split("/");
  const base = address === undefined ? undefined : parseIpv4(address);
  const bits = Number(bitsText);
  if (base === undefined || !/^\d{1,2}$/.test(bitsText ?? "") || bits > 32) return undefined;
  return { base, bits };
}

function ipv4InCidr(ip: string, cidr: string): boolean {
  const address = parseIpv4(ip);
  const block = parseIpv4Cidr(cidr);
  if (address === undefined || !block) return false;
  const size = 2 ** (32 - block.bits);
  return Math.floor(address / size) === Math.floor(block.base / size);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
