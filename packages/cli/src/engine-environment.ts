import type { CommandIo } from "./command";

/** What each engine variable a command may need names, for the error that lists the missing ones. */
const ENGINE_VARIABLES = {
  PLANS_TABLE: "the plans table",
  EXECUTIONS_TABLE: "the executions table",
  RECOVERY_STATE_MACHINE_ARN: "the recovery state machine",
  CLEANUP_STATE_MACHINE_ARN: "the drill cleanup state machine",
} as const;

export type EngineVariable = keyof typeof ENGINE_VARIABLES;

/**
 * Commands that act on a deployed app read the same environment as its functions. Returns false
 * after telling which variables are missing and where to get them.
 */
export function hasEngineEnvironment(required: readonly EngineVariable[], io: CommandIo): boolean {
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length === 0) return true;
  io.err(
    `missing engine environment: ${missing.map((name) => `${name} (${ENGINE_VARIABLES[name]})`).join(", ")}. ` +
      "Run `drs-orchestrator local up` and export the variables it prints, or set them to your stage's resources.",
  );
  return false;
}
