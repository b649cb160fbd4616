import type { EngineContext } from "@drs-orchestrator/engine";
import { type CommandIo, UsageError } from "./command";
import { readLocalState, simulatedNow } from "./local-state";
import { readStageOutputs, STAGE_OUTPUTS_FILE, STAGE_VARIABLES, stageEnvironment } from "./stage-outputs";

/** What each engine variable a command may need names, for the error that lists the missing ones. */
const ENGINE_VARIABLES = {
  PLANS_TABLE: "the plans table",
  EXECUTIONS_TABLE: "the executions table",
  RECOVERY_STATE_MACHINE_ARN: "the recovery state machine",
  CLEANUP_STATE_MACHINE_ARN: "the drill cleanup state machine",
} as const;

export type EngineVariable = keyof typeof ENGINE_VARIABLES;

/** The options every command that acts on an app takes to say which app. */
export const TARGET_OPTIONS = {
  local: {
    type: "boolean",
    description:
      "act on the local runtime `drs-orchestrator local up` is serving (found through its state file)",
  },
  stage: {
    type: "string",
    valueName: "name",
    description: `act on a deployed stage, named by the outputs \`sst deploy\` wrote to ${STAGE_OUTPUTS_FILE}`,
  },
} as const;

export interface TargetChoice {
  local: boolean;
  stage: string | undefined;
}

/** The app a command acts on, once its environment is in place. */
export interface Target {
  /** The same choice again, for the commands a message suggests: `--local`, `--stage prod` or nothing. */
  flag: string;
  /** The time on the app's clock: the local runtime's simulated time, else the real time. */
  now(): Date;
}

/**
 * Puts the environment of the app the command acts on into this process (the SDK clients read the
 * endpoint, region and credentials from it): the local runtime's with `--local`, a deployed stage's
 * with `--stage`, else the environment as it is (the variables `local up` prints, or a stage's set
 * by hand). Returns undefined after saying what is missing and how to get it.
 */
export async function selectTarget(
  choice: TargetChoice,
  required: readonly EngineVariable[],
  io: CommandIo,
): Promise<Target | undefined> {
  if (choice.local && choice.stage !== undefined) {
    throw new UsageError("--local and --stage name two different apps: give one of them");
  }
  let target: Target;
  if (choice.local) {
    const found = await localTarget(io);
    if (!found) return undefined;
    target = found;
  } else if (choice.stage !== undefined) {
    const read = await readStageOutputs(choice.stage);
    if (!read.ok) {
      io.err(read.problem);
      return undefined;
    }
    // A variable left from another app (a sourced `local up` environment) must not mix with the stage's.
    for (const name of STAGE_VARIABLES) delete process.env[name];
    Object.assign(process.env, stageEnvironment(read.outputs));
    target = { flag: `--stage ${choice.stage}`, now: () => new Date() };
  } else {
    target = { flag: "", now: () => new Date() };
  }
  return hasEngineEnvironment(required, io, choice) ? target : undefined;
}

async function localTarget(io: CommandIo): Promise<Target | undefined> {
  const read = await readLocalState();
  const start = "run `drs-orchestrator local up` in another terminal";
  if (!read.found) {
    io.err(`no local runtime: ${start} (it records where it listens in ${read.path})`);
    return undefined;
  }
  if ("problem" in read) {
    io.err(`the local runtime's state file ${read.path} is unusable (${read.problem}): ${start} again`);
    return undefined;
  }
  if (!read.running) {
    io.err(
      `the local runtime recorded in ${read.path} (pid ${read.state.pid}, ${read.state.endpoint}) is no longer ` +
        `running: ${start}`,
    );
    return undefined;
  }
  Object.assign(process.env, read.state.env);
  const { clock } = read.state;
  return { flag: "--local", now: () => simulatedNow(clock) };
}

/**
 * Whether the engine variables a command needs are set; when not, says which are missing and where
 * the chosen target (`--local`, `--stage`, or the environment as it is) should have got them.
 */
export function hasEngineEnvironment(
  required: readonly EngineVariable[],
  io: CommandIo,
  choice: TargetChoice = { local: false, stage: undefined },
): boolean {
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length === 0) return true;
  const names = missing.map((name) => `${name} (${ENGINE_VARIABLES[name]})`).join(", ");
  io.err(
    choice.local
      ? `the local runtime's state file lacks ${names}: restart \`drs-orchestrator local up\``
      : choice.stage !== undefined
        ? `stage ${choice.stage}'s outputs lack ${names}: deploy the stage again with \`npx sst deploy --stage ${choice.stage}\``
        : `missing engine environment: ${names}. Pass --local to act on the runtime \`drs-orchestrator local up\` ` +
          "serves, or --stage <name> for a deployed stage, or export the variables `local up` prints or your stage's resources.",
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

/**
 * Runs `use` with an engine context on the environment the target put in place, then closes its
 * SDK clients so the process can exit as soon as the command is done.
 */
export async function withEngine<T>(use: (engine: EngineContext) => Promise<T>): Promise<T> {
  const { createEngineContext } = await import("@drs-orchestrator/engine");
  const engine = createEngineContext(process.env);
  try {
    return await use(engine);
  } finally {
    const { dynamo, drs, ec2, sfn, events, lambda, ssm } = engine.aws;
    for (const client of [dynamo, drs, ec2, sfn, events, lambda, ssm]) client.destroy();
  }
}

/**
 * What a command that acts on an app does: find the app (`--local`, `--stage` or the environment),
 * then run with an engine for it. Exit 1 after saying what is missing when the app cannot be found.
 */
export async function actOnApp(
  choice: TargetChoice,
  required: readonly EngineVariable[],
  io: CommandIo,
  use: (engine: EngineContext, target: Target) => Promise<number>,
): Promise<number> {
  // Read before the target's environment (local up's functions' settings) is applied.
  const askedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  const target = await selectTarget(choice, required, io);
  if (!target) return 1;
  // The command reports what the engine did in its own words; the engine's logs are for the
  // functions' log groups, not the operator's terminal (unless asked for with POWERTOOLS_LOG_LEVEL).
  // The engine may be loaded already (its logger made), so its level is set, not its environment.
  if (askedLevel === undefined) {
    const { logger } = await import("@drs-orchestrator/engine");
    logger.setLogLevel("ERROR");
  }
  return withEngine((engine) => use(engine, target));
}
