import type { SimClock } from "../../clock/sim-clock";
import type { PreparedDefinition } from "../definition/prepare-definition";
import type { TaskIntegrations } from "../integrations/task-integrations";
import {
  createLibraryMachine,
  type LibraryEvent,
  type RunOptions,
  statesTimeoutErrorClass,
  type TaskHandler,
} from "../library/asl-library";
import { afterSimulated } from "./cancellation";
import { withEntryHook } from "./entry-hook";
import { emulatedContext } from "./execution-context";
import { ExecutionHistory } from "./execution-history";
import { historyEntriesFor } from "./library-history";
import { runTaskState, type TaskRequest, type TaskRuntime } from "./task-state";
import type { TaskTokens } from "./task-tokens";
import { runWaitState, type WaitRequest } from "./wait-state";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionServices {
  clock: SimClock;
  region: string;
  tokens: TaskTokens;
  integrations: TaskIntegrations;
  /** Called on every status change, RUNNING included. */
  statusChanged(execution: Execution): void;
}

export interface ExecutionStateMachine {
  arn: string;
  name: string;
  roleArn: string;
  prepared: PreparedDefinition;
}

/** Step Functions' limit on a state's input or output. */
export const MAX_PAYLOAD_BYTES = 262_144;

const TERMINAL_EVENTS = {
  SUCCEEDED: ["ExecutionSucceeded", "executionSucceededEventDetails"],
  FAILED: ["ExecutionFailed", "executionFailedEventDetails"],
  TIMED_OUT: ["ExecutionTimedOut", "executionTimedOutEventDetails"],
  ABORTED: ["ExecutionAborted", "executionAbortedEventDetails"],
} as const;

interface Outcome {
  output?: string;
  error?: string;
  cause?: string;
}

/**
 * One Standard execution: the library runs the ASL, the emulator runs its tasks and waits in
 * simulated time, and the history, status and status-change notifications follow AWS.
 */
export class Execution {
  status: ExecutionStatus = "RUNNING";
  stopMs: number | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  readonly startMs: number;
  readonly history: ExecutionHistory;
  private readonly closing = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private abortRun = () => {};
  private cancelTimeout = () => {};
  private running: Promise<void> = Promise.resolve();

  private constructor(
    private readonly services: ExecutionServices,
    readonly stateMachine: ExecutionStateMachine,
    readonly arn: string,
    readonly name: string,
    readonly input: string,
  ) {
    const { clock } = services;
    this.startMs = Math.floor(clock.nowMs());
    this.history = new ExecutionHistory(() => Math.floor(clock.nowMs()));
  }

  static start(
    services: ExecutionServices,
    stateMachine: ExecutionStateMachine,
    arn: string,
    name: string,
    input: string,
  ): Execution {
    const execution = new Execution(services, stateMachine, arn, name, input);
    execution.history.record("ExecutionStarted", "executionStartedEventDetails", {
      input,
      inputDetails: { truncated: false },
      roleArn: stateMachine.roleArn,
    });
    services.statusChanged(execution);
    const { timeoutSeconds } = stateMachine.prepared;
    if (timeoutSeconds !== undefined) {
      execution.cancelTimeout = afterSimulated(services.clock, timeoutSeconds * 1000, () =>
        execution.end("TIMED_OUT", {
          error: "States.Timeout",
          cause: `exceeded TimeoutSeconds (${timeoutSeconds})`,
        }),
      );
    }
    execution.running = execution.run().catch((error: unknown) =>
      execution.end("FAILED", {
        error: "States.Runtime",
        cause: error instanceof Error ? error.message : String(error),
      }),
    );
    return execution;
  }

  /** StopExecution. */
  stop(error: string | undefined, cause: string | undefined): void {
    this.end("ABORTED", {
      ...(error === undefined ? {} : { error }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** Ends a running execution without notifying anyone (the runtime is stopping) and waits until nothing of it is left. */
  async shutdown(): Promise<void> {
    this.end("ABORTED", {}, false);
    await this.running;
    await Promise.allSettled([...this.inflight]);
  }

  private async run(): Promise<void> {
    const TimeoutError = await statesTimeoutErrorClass();
    if (this.status !== "RUNNING") return;
    const { clock, region, tokens, integrations } = this.services;
    const { prepared } = this.stateMachine;
    const enteredAt = new Map<string, number>();
    const pendingTokens = new Map<string, string>();
    const runtime: TaskRuntime = {
      clock,
      region,
      history: this.history,
      signal: this.closing.signal,
      tokens,
      integrations,
      timeoutError: () => new TimeoutError(),
    };

    const handlers: Record<string, TaskHandler> = {};
    const retryIntervalOverrides: Record<string, number[]> = {};
    for (const state of prepared.states.values()) {
      const task = state.task;
      if (task) {
        handlers[state.name] = (request) => {
          // Claimed in the same synchronous step in which the library resolved $$.Task.Token for this entry.
          const token = pendingTokens.get(state.name);
          pendingTokens.delete(state.name);
          return this.track(runTaskState(runtime, task, request as unknown as TaskRequest, token));
        };
      } else if (state.type === "Wait") {
        handlers[state.name] = (request) =>
          this.track(runWaitState(clock, this.closing.signal, request as unknown as WaitRequest));
      }
      if (state.libraryRetry?.length) {
        // Map and Parallel retries pause in the library, in real time: scale their intervals down.
        retryIntervalOverrides[state.name] = state.libraryRetry.map(
          (retrier) => ((retrier.IntervalSeconds ?? 1) * 1000) / clock.speed,
        );
      }
    }

    const input: unknown = JSON.parse(this.input);
    const context = emulatedContext({
      execution: {
        arn: this.arn,
        name: this.name,
        input,
        roleArn: this.stateMachine.roleArn,
        startMs: this.startMs,
      },
      stateMachine: { arn: this.stateMachine.arn, name: this.stateMachine.name },
      states: prepared.states.values(),
      enteredAt,
      nowMs: () => clock.nowMs(),
      taskToken: (stateName) => {
        let token = pendingTokens.get(stateName);
        if (!token) {
          token = tokens.mint();
          pendingTokens.set(stateName, token);
        }
        return token;
      },
    });
    const machine = createLibraryMachine(
      withEntryHook(prepared.library, (name) => enteredAt.set(name, Math.floor(clock.nowMs()))),
    );
    const options: RunOptions = {
      context,
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    };
    const run = machine.run(input as Parameters<typeof machine.run>[0], options);
    this.abortRun = () => run.abort();

    const consumed = this.consume(run.eventLogs);
    const result = await run.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await consumed;
    if (result.ok) this.end("SUCCEEDED", { output: JSON.stringify(result.output) });
    else this.end("FAILED", failureOf(result.error));
  }

  private async consume(logs: AsyncGenerator<LibraryEvent>): Promise<void> {
    const stateType = (name: string) => this.stateMachine.prepared.states.get(name)?.type;
    for await (const event of logs) {
      for (const entry of historyEntriesFor(event, stateType)) {
        this.history.record(entry.type, entry.member, entry.value);
        const output = entry.value?.output;
        if (typeof output === "string" && Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) {
          this.end("FAILED", {
            error: "States.DataLimitExceeded",
            cause: `The state '${String(entry.value?.name)}' returned a result with a size exceeding the maximum number of bytes service limit.`,
          });
        }
      }
    }
  }

  private end(status: Exclude<ExecutionStatus, "RUNNING">, outcome: Outcome, notify = true): void {
    if (this.status !== "RUNNING") return;
    const { clock } = this.services;
    this.status = status;
    this.stopMs = Math.floor(clock.nowMs());
    this.output = outcome.output;
    this.error = outcome.error;
    this.cause = outcome.cause;
    const [type, member] = TERMINAL_EVENTS[status];
    this.history.close(
      type,
      member,
      status === "SUCCEEDED"
        ? { output: outcome.output, outputDetails: { truncated: false } }
        : {
            ...(outcome.error === undefined ? {} : { error: outcome.error }),
            ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
          },
    );
    this.cancelTimeout();
    this.closing.abort();
    this.abortRun();
    if (notify) this.services.statusChanged(this);
  }

  private track(work: Promise<unknown>): ReturnType<TaskHandler> {
    this.inflight.add(work);
    work.then(
      () => this.inflight.delete(work),
      () => this.inflight.delete(work),
    );
    return work as ReturnType<TaskHandler>;
  }
}

/** The library rejects with an ExecutionError whose cause is the state's error (name = Error, message = Cause). */
function failureOf(error: unknown): Outcome {
  const failure = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) {
    return {
      error: failure.name,
      cause: typeof failure.cause === "string" ? failure.cause : failure.message,
    };
  }
  return { error: "States.Runtime", cause: String(failure) };
}
