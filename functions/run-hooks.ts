import { runHooks, runHooksInputSchema, stepHandler } from "@drs-orchestrator/engine";

/** Runs a phase's hooks (before/after the recovery or a wave); a failed `abort` hook fails with HookFailedError. */
export const handler = stepHandler({
  what: "run-hooks input",
  input: runHooksInputSchema,
  run: runHooks,
});
