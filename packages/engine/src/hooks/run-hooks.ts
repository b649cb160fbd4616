import {
  ExecutionNotFoundError,
  HOOK_PHASES,
  type Hook,
  HookFailedError,
  type HookTemplateValues,
  hookTemplateValues,
  isWavePhase,
  renderHookTemplate,
} from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { isoTime } from "../steps/launch/wave-step-input";
import { type HookItem, keys } from "../stores/execution-items";
import { eventAction } from "./actions/event-action";
import { lambdaAction } from "./actions/lambda-action";
import { mcpAction } from "./actions/mcp-action";
import { ssmAction } from "./actions/ssm-action";
import { type HookAction, type HookActionShape, hookAction } from "./hook-action";
import { attemptHook, type HookAttemptsOutcome } from "./hook-attempts";
import { hookTemplateContext } from "./hook-context";

export const runHooksInputSchema = z
  .object({
    executionId: z.string().min(1, { error: "required: the execution ID" }),
    planId: z.string().min(1, { error: "required: the plan ID" }),
    phase: z.enum(HOOK_PHASES),
    wave: z.number().int().min(1, { error: "must be a wave number from 1" }).optional(),
    now: isoTime,
  })
  .superRefine((input, ctx) => {
    if (isWavePhase(input.phase) && input.wave === undefined) {
      ctx.addIssue({ code: "custom", path: ["wave"], message: `required for ${input.phase} hooks` });
    }
    if (!isWavePhase(input.phase) && input.wave !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["wave"],
        message: `${input.phase} hooks run for no wave: leave it out`,
      });
    }
  });
export type RunHooksInput = z.output<typeof runHooksInputSchema>;

/** Counters only, so the workflow payload stays small whatever the hooks returned. */
export interface RunHooksResult {
  hooks: number;
  succeeded: number;
  failed: number;
}

const ACTIONS: Record<HookItem["kind"], HookAction> = {
  mcp: mcpAction,
  lambda: lambdaAction,
  event: eventAction,
  ssm: ssmAction,
};

function location(input: RunHooksInput, index: number, hook: Hook): string {
  const where = `hooks.${input.phase}[${index}]${hook.name ? ` "${hook.name}"` : ""}`;
  return input.wave === undefined ? where : `${where} (wave ${input.wave})`;
}

async function runHook(
  engine: EngineContext,
  input: RunHooksInput,
  hook: Hook,
  action: HookActionShape,
  values: HookTemplateValues,
): Promise<HookAttemptsOutcome> {
  let rendered: unknown;
  try {
    rendered =
      action.template === undefined
        ? { ...values }
        : renderHookTemplate(action.template, values, action.path);
  } catch (error) {
    // The plan's arguments cannot be filled in: nothing was called.
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { status: "FAILED", attempts: 0, durationMs: 0, attemptLog: [], error: message };
  }
  return attemptHook(
    ACTIONS[action.kind],
    { engine, hook, input: rendered, now: input.now },
    { timeoutSeconds: hook.timeout, retries: hook.retries },
  );
}

/**
 * Runs the hooks of one phase (and wave) in plan order, each with its own timeout and retries,
 * and records each as a HOOK item. A hook already recorded (a retried invocation) is not run
 * again. A failed hook with `onFailure: continue` is recorded and the phase goes on; with `abort`
 * the phase stops there and HookFailedError (naming the hook) ends the recovery.
 */
export async function runHooks(input: RunHooksInput, engine: EngineContext): Promise<RunHooksResult> {
  const { executionId, phase } = input;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  const { plan } = await engine.plans.get(input.planId, meta.planVersion);
  const hooks = plan.hooks?.[phase] ?? [];
  const result: RunHooksResult = { hooks: hooks.length, succeeded: 0, failed: 0 };
  if (hooks.length === 0) return result;

  const values = hookTemplateValues(await hookTemplateContext(engine, meta, input));
  for (const [index, hook] of hooks.entries()) {
    const key = keys.hook(executionId, phase, input.wave, index);
    let item = await engine.executions.get<HookItem>(key);
    if (!item) {
      const action = hookAction(hook);
      const outcome = await runHook(engine, input, hook, action, values);
      const recorded: HookItem = {
        executionId,
        phase,
        ...(input.wave !== undefined && { wave: input.wave }),
        index,
        name: hook.name ?? `${action.kind} ${action.target}`,
        kind: action.kind,
        target: action.target,
        onFailure: hook.onFailure,
        startedAt: input.now,
        ...outcome,
      };
      const created = await engine.executions.create(key, recorded);
      item = created ? recorded : ((await engine.executions.get<HookItem>(key)) ?? recorded);
      const log = item.status === "SUCCEEDED" ? logger.info.bind(logger) : logger.warn.bind(logger);
      log(`hook ${location(input, index, hook)} ${item.status}`, {
        hook: item.name,
        target: item.target,
        attempts: item.attempts,
        durationMs: item.durationMs,
        ...(item.error !== undefined && { error: item.error }),
      });
    }
    if (item.status === "SUCCEEDED") {
      result.succeeded++;
      continue;
    }
    result.failed++;
    if (item.onFailure === "abort") {
      throw new HookFailedError(location(input, index, hook), item.attempts, item.error ?? "failed");
    }
  }
  return result;
}
