import "./promise-with-resolvers";
import { type RunOptions, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";

export type { RunOptions };
export type LibraryRun = ReturnType<StateMachine["run"]>;
export type LibraryEvent = LibraryRun["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
export type TaskHandler = NonNullable<
  NonNullable<RunOptions["overrides"]>["taskResourceLocalHandlers"]
>[string];

/** Runs an already validated definition: the library re-validating our rewritten copy would reject its internals. */
export function createLibraryMachine(definition: Record<string, unknown>): StateMachine {
  return new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
}

/** The library's ASL validation (asl-validator); the problems as text, or undefined when the definition is valid. */
export function libraryValidationProblems(definition: Record<string, unknown>): string | undefined {
  try {
    new StateMachine(definition as unknown as StateMachineDefinition);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

type ErrorClass = new () => Error;
let timeoutErrorClass: Promise<ErrorClass> | undefined;

/**
 * The library's own States.Timeout error class. Its Catch treats that class specially (as in AWS,
 * `States.TaskFailed` does not match a timeout), so the timeouts we raise in simulated time must be
 * instances of it. The class is not exported; it is taken once from a one-state run that times out at once.
 */
export function statesTimeoutErrorClass(): Promise<ErrorClass> {
  timeoutErrorClass ??= (async () => {
    let release = () => {};
    const machine = createLibraryMachine({
      StartAt: "T",
      States: {
        T: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:000000000000:function:timeout",
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    });
    const run = machine.run(null, {
      overrides: {
        taskResourceLocalHandlers: {
          T: () =>
            new Promise((resolve) => {
              release = () => resolve(null);
            }),
        },
      },
    });
    try {
      await run.result;
    } catch (error) {
      release();
      const cause = error instanceof Error ? error.cause : undefined;
      if (cause instanceof Error && cause.name === "States.Timeout") return cause.constructor as ErrorClass;
    }
    throw new Error("aws-local-stepfunctions did not raise States.Timeout for an expired task");
  })();
  return timeoutErrorClass;
}
