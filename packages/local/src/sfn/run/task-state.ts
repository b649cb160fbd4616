import { setImmediate as nextTurn } from "node:timers/promises";
import type { SimClock } from "../../clock/sim-clock";
import type { TaskSpec } from "../definition/prepare-definition";
import type { TaskIntegrations } from "../integrations/task-integrations";
import { AttemptDeadline, sleepSim, untilClosed } from "./cancellation";
import type { ExecutionHistory } from "./execution-history";
import { decideRetry } from "./retry-policy";
import { StatesRuntimeFailure, TaskFailure } from "./task-failure";
import { type AttemptLimits, TaskHistory } from "./task-history";
import type { TaskTokens } from "./task-tokens";

export interface TaskRuntime {
  clock: SimClock;
  region: string;
  history: ExecutionHistory;
  /** Aborts when the execution ends. */
  signal: AbortSignal;
  tokens: TaskTokens;
  integrations: TaskIntegrations;
  /** A States.Timeout error the library's Catch recognises as a timeout. */
  timeoutError: () => Error;
}

/** What the library hands a Task state (see prepare-definition): the effective input and any dynamic timing. */
export interface TaskRequest {
  input: unknown;
  timeoutSeconds?: unknown;
  heartbeatSeconds?: unknown;
}

/**
 * Runs a Task state once the library has resolved its input: attempts with TimeoutSeconds and (for
 * callbacks) HeartbeatSeconds in simulated time, Retry with simulated pauses, and the task's history
 * events. The error that ends the last attempt goes back to the library, whose Catch handles it.
 */
export async function runTaskState(
  runtime: TaskRuntime,
  spec: TaskSpec,
  request: TaskRequest,
  mintedToken: string | undefined,
): Promise<unknown> {
  // The library logged this state's StateEntered just before calling; let the history take it in first.
  await nextTurn();
  const callback = spec.resource.kind !== "lambda-function" && spec.resource.callback;
  const limits: AttemptLimits = {};
  const timeoutSeconds = spec.timeoutSeconds ?? positiveInteger(request.timeoutSeconds, "TimeoutSecondsPath");
  if (timeoutSeconds !== undefined) limits.timeoutSeconds = timeoutSeconds;
  const heartbeatSeconds =
    spec.heartbeatSeconds ?? positiveInteger(request.heartbeatSeconds, "HeartbeatSecondsPath");
  if (callback && heartbeatSeconds !== undefined) limits.heartbeatSeconds = heartbeatSeconds;

  let token = callback ? (mintedToken ?? runtime.tokens.mint()) : undefined;
  let input = request.input;
  const attempts = spec.retry.map(() => 0);
  for (;;) {
    try {
      return await attempt(runtime, spec, input, token, limits);
    } catch (error) {
      if (runtime.signal.aborted || !(error instanceof Error) || error instanceof StatesRuntimeFailure)
        throw error;
      const decision = decideRetry(spec.retry, error.name, attempts);
      if (!decision) throw error;
      attempts[decision.retrierIndex] = (attempts[decision.retrierIndex] ?? 0) + 1;
      await sleepSim(runtime.clock, decision.delayMs, runtime.signal);
      if (token) {
        // A retried callback task waits on a fresh token, as AWS re-resolves $$.Task.Token per attempt.
        const next = runtime.tokens.mint();
        input = JSON.parse(
          JSON.stringify(input ?? null)
            .split(token)
            .join(next),
        );
        token = next;
      }
    }
  }
}

async function attempt(
  runtime: TaskRuntime,
  spec: TaskSpec,
  input: unknown,
  token: string | undefined,
  limits: AttemptLimits,
): Promise<unknown> {
  const events = new TaskHistory(runtime.history, spec.resource, runtime.region);
  events.scheduled(input, limits);
  events.started();
  const deadline = new AttemptDeadline(runtime.clock, {
    ...limits,
    timeoutError: runtime.timeoutError,
    heartbeatError: () =>
      new TaskFailure("States.HeartbeatTimeout", `no heartbeat within ${limits.heartbeatSeconds} seconds`),
  });
  const callback = token ? runtime.tokens.open(token, () => deadline.resetHeartbeat()) : undefined;
  try {
    const result = await untilClosed(
      deadline.race(runtime.integrations(spec.resource, input, runtime.signal)),
      runtime.signal,
    );
    if (!callback) {
      events.succeeded(result);
      return result;
    }
    events.submitted(result);
    const outcome = await untilClosed(deadline.race(callback), runtime.signal);
    if (!outcome.ok) throw new TaskFailure(outcome.error, outcome.cause);
    events.succeeded(outcome.output);
    return outcome.output;
  } catch (error) {
    const failure = error instanceof Error ? error : new TaskFailure("States.TaskFailed", String(error));
    if (!runtime.signal.aborted) events.failed(failure);
    throw failure;
  } finally {
    deadline.dispose();
    if (token) runtime.tokens.close(token);
  }
}

function positiveInteger(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new StatesRuntimeFailure(`${field} must point to a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}
