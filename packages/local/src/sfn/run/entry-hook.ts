/**
 * The library looks a state up in its machine's `States` exactly when it transitions into it, in the
 * same synchronous step that evaluates the state's Parameters. Observing that lookup gives each state's
 * entry time (`$$.State.EnteredTime`) in simulated time, which the library's own log cannot give in time.
 */
export function withEntryHook(
  machine: Record<string, unknown>,
  onEnter: (stateName: string) => void,
): Record<string, unknown> {
  const states = Object.fromEntries(
    Object.entries(machine.States as Record<string, Record<string, unknown>>).map(([name, state]) => [
      name,
      hookBranches(state, onEnter),
    ]),
  );
  return {
    ...machine,
    States: new Proxy(states, {
      get(target, property, receiver) {
        if (typeof property === "string" && Object.hasOwn(target, property)) onEnter(property);
        return Reflect.get(target, property, receiver);
      },
    }),
  };
}

function hookBranches(
  state: Record<string, unknown>,
  onEnter: (stateName: string) => void,
): Record<string, unknown> {
  if (state.Type === "Map") {
    const processor = "ItemProcessor" in state ? "ItemProcessor" : "Iterator";
    return { ...state, [processor]: withEntryHook(state[processor] as Record<string, unknown>, onEnter) };
  }
  if (state.Type === "Parallel") {
    const branches = state.Branches as Record<string, unknown>[];
    return { ...state, Branches: branches.map((branch) => withEntryHook(branch, onEnter)) };
  }
  return state;
}
