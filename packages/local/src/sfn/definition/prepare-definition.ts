import { redirectChoiceRule, redirectContextPaths, redirectTemplate } from "./context-paths";
import { DefinitionError } from "./definition-error";
import { parseTaskResource, type TaskResource } from "./task-resource";

export type StateType = "Task" | "Wait" | "Choice" | "Pass" | "Succeed" | "Fail" | "Map" | "Parallel";

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

export interface TaskSpec {
  resource: TaskResource;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  retry: Retrier[];
}

export interface PreparedState {
  name: string;
  /** This state's branch of the emulated Context Object (see context-paths). */
  key: string;
  type: StateType;
  /** Task states run by the emulator (integrations, timeouts, heartbeats, callbacks, Retry). */
  task?: TaskSpec;
  /** Retry of Map and Parallel states, which the library applies itself. */
  libraryRetry?: Retrier[];
}

export interface PreparedDefinition {
  /** Every state, nested ones included, by name. */
  states: ReadonlyMap<string, PreparedState>;
  /** The definition the library runs. */
  library: Record<string, unknown>;
  /** Execution timeout, enforced in simulated time. */
  timeoutSeconds?: number;
}

/**
 * Task states keep their ASL data flow (InputPath, Parameters, ResultSelector, ResultPath, OutputPath,
 * Catch) in the library, but what runs is ours: the library's task timer is pushed out of the way
 * (its default is 60 real seconds) because timeouts run in simulated time.
 */
const LIBRARY_TASK_TIMEOUT_SECONDS = 2_000_000;

/** Wait states become tasks that wait in simulated time; the library would sleep in real time. */
export const WAIT_RESOURCE = "arn:aws:states:::local:wait";

const PATH_FIELDS = [
  "InputPath",
  "OutputPath",
  "ItemsPath",
  "MaxConcurrencyPath",
  "ErrorPath",
  "CausePath",
  "SecondsPath",
  "TimestampPath",
  "TimeoutSecondsPath",
  "HeartbeatSecondsPath",
];
const TEMPLATE_FIELDS = ["Parameters", "ResultSelector", "ItemSelector"];

/**
 * Turns a validated ASL (JSONPath) definition into what the library runs: context references
 * redirected, Wait states and Task timing/Retry taken over by the emulator, Map and Parallel
 * branches prepared the same way. State names must be unique across the whole definition because
 * the library addresses task overrides by state name.
 */
export function prepareDefinition(definition: Record<string, unknown>): PreparedDefinition {
  if (definition.QueryLanguage === "JSONata") {
    throw new DefinitionError(
      'QueryLanguage "JSONata" is not supported locally; define the state machine in JSONPath',
    );
  }
  const states = new Map<string, PreparedState>();
  const library = prepareMachine(definition, states);
  const timeoutSeconds =
    typeof definition.TimeoutSeconds === "number" ? definition.TimeoutSeconds : undefined;
  return { states, library, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

function prepareMachine(
  machine: Record<string, unknown>,
  states: Map<string, PreparedState>,
): Record<string, unknown> {
  const prepared: Record<string, unknown> = {};
  for (const [name, state] of Object.entries(record(machine.States))) {
    if (states.has(name)) {
      throw new DefinitionError(
        `state name "${name}" is used more than once; use names unique across the whole definition, Map and Parallel branches included`,
      );
    }
    const entry: PreparedState = { name, key: `s${states.size}`, type: record(state).Type as StateType };
    states.set(name, entry);
    prepared[name] = prepareState(record(state), entry, states);
  }
  return { StartAt: machine.StartAt, States: prepared };
}

function prepareState(
  state: Record<string, unknown>,
  entry: PreparedState,
  states: Map<string, PreparedState>,
): Record<string, unknown> {
  if (state.QueryLanguage === "JSONata") {
    throw new DefinitionError(`state "${entry.name}": QueryLanguage "JSONata" is not supported locally`);
  }
  const out: Record<string, unknown> = { ...state };
  for (const field of PATH_FIELDS) {
    const path = out[field];
    if (typeof path === "string") out[field] = redirectContextPaths(path, entry.key);
  }
  for (const field of TEMPLATE_FIELDS) {
    if (field in out) out[field] = redirectTemplate(out[field], entry.key);
  }
  if (Array.isArray(out.Choices)) out.Choices = redirectChoiceRule(out.Choices, entry.key);
  setResultPath(out);
  if (Array.isArray(out.Catch)) {
    out.Catch = out.Catch.map((catcher) => setResultPath({ ...record(catcher) }));
  }

  switch (entry.type) {
    case "Task":
      return taskForLibrary(out, entry);
    case "Wait":
      return waitForLibrary(out);
    case "Map": {
      const processor = "ItemProcessor" in out ? "ItemProcessor" : "Iterator";
      out[processor] = prepareMachine(record(out[processor]), states);
      entry.libraryRetry = retriers(out.Retry);
      return out;
    }
    case "Parallel":
      out.Branches = (out.Branches as unknown[]).map((branch) => prepareMachine(record(branch), states));
      entry.libraryRetry = retriers(out.Retry);
      return out;
    default:
      return out;
  }
}

function taskForLibrary(state: Record<string, unknown>, entry: PreparedState): Record<string, unknown> {
  const task: TaskSpec = {
    resource: parseTaskResource(String(state.Resource), entry.name),
    retry: retriers(state.Retry),
  };
  if (typeof state.TimeoutSeconds === "number") task.timeoutSeconds = state.TimeoutSeconds;
  if (typeof state.HeartbeatSeconds === "number") task.heartbeatSeconds = state.HeartbeatSeconds;
  entry.task = task;

  // The task runner receives the effective input plus any dynamic timing the library resolved for it.
  const parameters: Record<string, unknown> =
    "Parameters" in state ? { input: state.Parameters } : { "input.$": "$" };
  if (typeof state.TimeoutSecondsPath === "string") parameters["timeoutSeconds.$"] = state.TimeoutSecondsPath;
  if (typeof state.HeartbeatSecondsPath === "string")
    parameters["heartbeatSeconds.$"] = state.HeartbeatSecondsPath;
  return {
    ...omit(state, [
      "Retry",
      "TimeoutSecondsPath",
      "HeartbeatSeconds",
      "HeartbeatSecondsPath",
      "Credentials",
    ]),
    Parameters: parameters,
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
}

function waitForLibrary(state: Record<string, unknown>): Record<string, unknown> {
  const parameters: Record<string, unknown> = { "input.$": "$" };
  if ("Seconds" in state) parameters.seconds = state.Seconds;
  if ("SecondsPath" in state) parameters["seconds.$"] = state.SecondsPath;
  if ("Timestamp" in state) parameters.timestamp = state.Timestamp;
  if ("TimestampPath" in state) parameters["timestamp.$"] = state.TimestampPath;
  return {
    ...omit(state, ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]),
    Type: "Task",
    Resource: WAIT_RESOURCE,
    Parameters: parameters,
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
}

/**
 * The library stores ResultPath "$" under a key named "$" and misreads a leading bracket
 * ("$['a']"); "$" is its default anyway, and "$.['a']" is read as intended.
 */
function setResultPath(target: Record<string, unknown>): Record<string, unknown> {
  const path = target.ResultPath;
  if (path === "$") delete target.ResultPath;
  else if (typeof path === "string" && path.startsWith("$[")) target.ResultPath = `$.${path.slice(1)}`;
  return target;
}

function retriers(value: unknown): Retrier[] {
  return Array.isArray(value) ? (value as Retrier[]) : [];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function omit(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !keys.includes(key)));
}
