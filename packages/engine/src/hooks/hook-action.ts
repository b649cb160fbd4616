import type { Hook, HookKind } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";

/** One call of a hook's action, with its arguments already templated. */
export interface HookCall {
  engine: EngineContext;
  hook: Hook;
  /** The action's templated arguments (MCP arguments, Lambda payload, event detail, SSM parameters). */
  input: unknown;
  /** The workflow's time when the hook state was entered. */
  now: string;
  /** Aborted when the attempt's time is up; SDK calls pass it on. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** What an attempt returned: a short account of the result, and for MCP whether the tool reported an error. */
export interface HookCallResult {
  result?: string;
  isError?: boolean;
}

export type HookAction = (call: HookCall) => Promise<HookCallResult>;

export interface HookActionShape {
  kind: HookKind;
  /** What it calls, for the record: `server/tool`, function, detail-type, document. */
  target: string;
  /** The plan's arguments before templating; undefined: the action receives the hook's context values. */
  template: unknown;
  /** Where the arguments are in the hook, for template errors. */
  path: string;
}

/** What a hook does and where its arguments are; the plan validator ensures exactly one action is set. */
export function hookAction(hook: Hook): HookActionShape {
  if (hook.mcp) {
    return {
      kind: "mcp",
      target: `${hook.mcp.server}/${hook.mcp.tool}`,
      template: hook.mcp.arguments ?? {},
      path: "mcp.arguments",
    };
  }
  if (hook.lambda) {
    return {
      kind: "lambda",
      target: hook.lambda.functionName,
      template: hook.lambda.payload,
      path: "lambda.payload",
    };
  }
  if (hook.event) {
    return {
      kind: "event",
      target: hook.event.detailType,
      template: hook.event.detail,
      path: "event.detail",
    };
  }
  if (hook.ssm) {
    return {
      kind: "ssm",
      target: hook.ssm.documentName,
      template: hook.ssm.parameters ?? {},
      path: "ssm.parameters",
    };
  }
  throw new Error("hook has no action: add one of mcp, lambda, event, ssm");
}

const MAX_RESULT_CHARS = 1000;

/** Keeps a recorded result small: hook items stay far below DynamoDB's item limit. */
export function shortText(text: string): string {
  return text.length <= MAX_RESULT_CHARS ? text : `${text.slice(0, MAX_RESULT_CHARS - 1)}…`;
}
