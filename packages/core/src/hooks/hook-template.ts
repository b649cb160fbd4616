import { HookTemplateError } from "../common/errors";
import type { RecoveryMode } from "../plan/plan-schema";
import type { HookPhase } from "./hook-phase";

/** A value a placeholder stands for: text, a count, or a list (the wave's group IDs). */
export type HookTemplateValue = string | number | readonly string[];
export type HookTemplateValues = Readonly<Record<string, HookTemplateValue>>;

/** What a hook knows about the recovery when it runs. */
export interface HookTemplateContext {
  executionId: string;
  planId: string;
  planVersion: number;
  planName: string;
  mode: RecoveryMode;
  phase: HookPhase;
  /** When the hook state was entered (the workflow's clock). */
  now: string;
  waveCount: number;
  /** Servers of the wave in wave phases, of the whole recovery otherwise. */
  servers: number;
  /** Only in beforeWave / afterWave. */
  wave?: { wave: number; groupIds: readonly string[] };
  /** Only in afterWave / afterRecovery: how those servers came out. */
  outcome?: { healthy: number; failed: number };
}

/**
 * The placeholders a hook can use, by name: `{{executionId}}`, `{{planId}}`, `{{planVersion}}`,
 * `{{planName}}`, `{{mode}}`, `{{phase}}`, `{{now}}`, `{{waveCount}}`, `{{servers}}`; in wave
 * phases also `{{wave}}` and `{{groups}}`; after a wave or the recovery also `{{healthy}}` and
 * `{{failed}}`.
 */
export function hookTemplateValues(context: HookTemplateContext): HookTemplateValues {
  return {
    executionId: context.executionId,
    planId: context.planId,
    planVersion: context.planVersion,
    planName: context.planName,
    mode: context.mode,
    phase: context.phase,
    now: context.now,
    waveCount: context.waveCount,
    servers: context.servers,
    ...(context.wave && { wave: context.wave.wave, groups: [...context.wave.groupIds] }),
    ...(context.outcome && { healthy: context.outcome.healthy, failed: context.outcome.failed }),
  };
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([^{}]*)\}\}$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function asText(value: HookTemplateValue): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : value.join(", ");
}

/**
 * Fills `{{name}}` placeholders in every string of a hook's arguments (payload, detail,
 * parameters) from `values`; keys, numbers and booleans are left as they are. A string that is a
 * single placeholder takes the value itself (a count stays a number, the groups a list); inside
 * text, lists are joined with ", ". Substitution is one pass over the plan's text: a value that
 * itself contains `{{...}}` is inserted literally, never expanded. A name not in `values` (own
 * keys only) fails with HookTemplateError naming each unknown placeholder and where it is.
 */
export function renderHookTemplate(value: unknown, values: HookTemplateValues, path = "arguments"): unknown {
  const unknown: { name: string; path: string }[] = [];
  const lookup = (name: string, at: string): HookTemplateValue | undefined => {
    const key = name.trim();
    if (Object.hasOwn(values, key)) return values[key];
    unknown.push({ name: key, path: at });
    return undefined;
  };

  const render = (node: unknown, at: string): unknown => {
    if (typeof node === "string") {
      const whole = WHOLE_PLACEHOLDER.exec(node);
      if (whole) {
        const found = lookup(whole[1] as string, at);
        return Array.isArray(found) ? [...found] : found;
      }
      return node.replace(PLACEHOLDER, (text, name: string) => {
        const found = lookup(name, at);
        return found === undefined ? text : asText(found);
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => render(item, `${at}[${i}]`));
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, render(item, childPath(at, key))]),
      );
    }
    return node;
  };

  const rendered = render(value, path);
  if (unknown.length > 0) throw new HookTemplateError(unknown, Object.keys(values));
  return rendered;
}
