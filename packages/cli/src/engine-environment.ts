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

/**
 * Explains an AWS failure of a command that acts on a deployed app as what to check: a missing
 * table, an endpoint that does not answer. `requestErrors` are the product's own refusals, whose
 * message already says what to fix.
 */
export function explainEngineError(
  error: Error,
  table: "PLANS_TABLE" | "EXECUTIONS_TABLE",
  requestErrors: ReadonlySet<string> = new Set(),
): string {
  if (requestErrors.has(error.name)) return error.message;
  if (error.name === "ResourceNotFoundException") {
    return `table ${process.env[table]} does not exist (${error.message}): check ${table} and the endpoint`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ECONNREFUSED" || error.name === "TimeoutError") {
    const endpoint = process.env.AWS_ENDPOINT_URL ?? "AWS";
    return `cannot reach ${endpoint} (${error.message}): is \`drs-orchestrator local up\` still running?`;
  }
  return `${error.name}: ${error.message}`;
}
