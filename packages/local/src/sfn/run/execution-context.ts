import { EMULATED_CONTEXT_KEY } from "../definition/context-paths";
import type { PreparedState } from "../definition/prepare-definition";

export interface ContextSources {
  execution: { arn: string; name: string; input: unknown; roleArn: string; startMs: number };
  stateMachine: { arn: string; name: string };
  states: Iterable<PreparedState>;
  /** Simulated entry time of each state's latest entry. */
  enteredAt: ReadonlyMap<string, number>;
  nowMs: () => number;
  /** The task token for a state's current entry, minted on first read (see context-paths). */
  taskToken: (stateName: string) => string;
}

/** The Context Object branch that redirected `$$.` references read, with simulated times. */
export function emulatedContext(sources: ContextSources): Record<string, unknown> {
  const { execution, stateMachine, enteredAt, nowMs, taskToken } = sources;
  const emulated: Record<string, unknown> = {
    Execution: {
      Id: execution.arn,
      Input: execution.input,
      Name: execution.name,
      RoleArn: execution.roleArn,
      StartTime: new Date(execution.startMs).toISOString(),
      RedriveCount: 0,
    },
    StateMachine: { Id: stateMachine.arn, Name: stateMachine.name },
  };
  for (const state of sources.states) {
    emulated[state.key] = {
      State: {
        Name: state.name,
        get EnteredTime() {
          return new Date(enteredAt.get(state.name) ?? nowMs()).toISOString();
        },
        RetryCount: 0,
      },
      Task: {
        get Token() {
          return taskToken(state.name);
        },
      },
    };
  }
  return { [EMULATED_CONTEXT_KEY]: emulated };
}
