import type { BusEvent } from "../runtime/contracts";
import { evaluateJsonPath, parseJsonPath } from "./json-path";

/**
 * Target input shaping as EventBridge does it: a constant `Input`, an `InputPath` selecting part of
 * the event, or an `InputTransformer` (InputPathsMap + InputTemplate with `<name>` placeholders).
 *
 * Placeholder substitution follows the documented rules of the real service:
 * - outside a JSON string literal a placeholder becomes the value as JSON (`"i-123"`, `3`, `{...}`);
 * - inside a string literal it becomes the value's text: strings are inserted without escaping
 *   (EventBridge does not escape extracted values), objects and arrays as JSON with their inner
 *   double quotes removed so the surrounding string stays valid;
 * - a path that finds nothing inserts nothing inside a string literal and `null` outside one;
 * - `<aws.events.event>` (the event without `detail`) and `<aws.events.event.json>` (the whole
 *   event) are only valid as JSON values, never inside a string.
 * `<...>` text whose name is neither mapped nor predefined is left as it is.
 */

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface TargetInputOptions {
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

export interface RuleIdentity {
  name: string;
  arn: string;
}

const PREDEFINED = [
  "aws.events.rule-arn",
  "aws.events.rule-name",
  "aws.events.event.ingestion-time",
  "aws.events.event",
  "aws.events.event.json",
] as const;
const JSON_ONLY = new Set<string>(["aws.events.event", "aws.events.event.json"]);
const MAX_VARIABLES = 100;
const MAX_TEMPLATE_LENGTH = 8192;
const PLACEHOLDER = /^[A-Za-z0-9_\-.]+$/;

/** The text EventBridge hands to the target for this event. */
export function renderTargetInput(
  options: TargetInputOptions,
  event: BusEvent,
  rule: RuleIdentity,
  ingestionTime: string,
): string {
  if (options.Input !== undefined) return options.Input;
  if (options.InputPath !== undefined)
    return JSON.stringify(evaluateJsonPath(event, options.InputPath) ?? null);
  if (options.InputTransformer)
    return applyInputTransformer(options.InputTransformer, event, rule, ingestionTime);
  return JSON.stringify(event);
}

export function applyInputTransformer(
  transformer: InputTransformer,
  event: BusEvent,
  rule: RuleIdentity,
  ingestionTime: string,
): string {
  const { detail: _detail, ...withoutDetail } = event;
  const values = new Map<string, unknown>([
    ["aws.events.rule-arn", rule.arn],
    ["aws.events.rule-name", rule.name],
    ["aws.events.event.ingestion-time", ingestionTime],
    ["aws.events.event", withoutDetail],
    ["aws.events.event.json", event],
  ]);
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    values.set(name, evaluateJsonPath(event, path));
  }
  return substitute(transformer.InputTemplate, (name, inString) => {
    if (!values.has(name)) return undefined;
    const value = values.get(name);
    if (inString) return value === undefined ? "" : textInString(value);
    return value === undefined ? "null" : JSON.stringify(value);
  });
}

/** Why a target's input options would be refused by PutTargets, or undefined when they are fine. */
export function validateTargetInput(options: TargetInputOptions): string | undefined {
  const given = [options.Input, options.InputPath, options.InputTransformer].filter(
    (value) => value !== undefined,
  );
  if (given.length > 1)
    return "Only one of Input, InputPath, or InputTransformer can be specified for a target.";
  if (options.Input !== undefined && !isJson(options.Input)) return "Input is not valid JSON text.";
  if (options.InputPath !== undefined && !parseJsonPath(options.InputPath)) {
    return `InputPath "${options.InputPath}" is not a valid JSON path (use dot notation from $, e.g. $.detail).`;
  }
  if (options.InputTransformer) return validateTransformer(options.InputTransformer);
  return undefined;
}

function validateTransformer(transformer: InputTransformer): string | undefined {
  const template = transformer.InputTemplate;
  if (typeof template !== "string" || template.length < 1 || template.length > MAX_TEMPLATE_LENGTH) {
    return `InputTransformer.InputTemplate must be 1 to ${MAX_TEMPLATE_LENGTH} characters.`;
  }
  const entries = Object.entries(transformer.InputPathsMap ?? {});
  if (entries.length > MAX_VARIABLES) return `InputPathsMap can hold at most ${MAX_VARIABLES} variables.`;
  for (const [name, path] of entries) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      return `InputPathsMap key "${name}" is not valid: use letters, digits, "_" and "-".`;
    }
    if (!parseJsonPath(path)) return `InputPathsMap value "${path}" for "${name}" is not a valid JSON path.`;
  }
  const names = new Set([...entries.map(([name]) => name), ...PREDEFINED]);
  let problem: string | undefined;
  const probe = substitute(template, (name, inString) => {
    if (!names.has(name)) return undefined;
    if (inString && JSON_ONLY.has(name))
      problem = `<${name}> can only be used as a JSON value, not inside a string.`;
    return inString ? "x" : "null";
  });
  if (problem) return problem;
  const trimmed = probe.trim();
  if ((trimmed.startsWith("{") || trimmed.startsWith("[")) && !isJson(trimmed)) {
    return "InputTransformer.InputTemplate is not valid JSON once its placeholders are filled in.";
  }
  return undefined;
}

/**
 * Replaces `<name>` placeholders, telling the replacer whether each sits inside a JSON string
 * literal; a replacer answering undefined leaves the text untouched.
 */
function substitute(
  template: string,
  replace: (name: string, inString: boolean) => string | undefined,
): string {
  let output = "";
  let inString = false;
  for (let index = 0; index < template.length; index++) {
    const char = template[index] as string;
    if (char === "\\" && inString) {
      output += template.slice(index, index + 2);
      index++;
      continue;
    }
    if (char === '"') inString = !inString;
    if (char === "<") {
      const end = template.indexOf(">", index + 1);
      const name = end > index ? template.slice(index + 1, end) : "";
      const replacement = PLACEHOLDER.test(name) ? replace(name, inString) : undefined;
      if (replacement !== undefined) {
        output += replacement;
        index = end;
        continue;
      }
    }
    output += char;
  }
  return output;
}

function textInString(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) return JSON.stringify(value).replaceAll('"', "");
  return JSON.stringify(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
