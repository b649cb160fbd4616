import type { StateType } from "../definition/prepare-definition";
import type { LibraryEvent } from "../library/asl-library";
import { inputDetails, outputDetails } from "./execution-history";

export interface HistoryEntry {
  type: string;
  member?: string;
  value?: Record<string, unknown>;
}

/**
 * The history events AWS records for an event of the library's log. State types come from the
 * original definition (the library runs Wait states as tasks). Execution start and end, and task
 * events, are recorded by the emulator itself; retries and catches have no event of their own.
 */
export function historyEntriesFor(
  event: LibraryEvent,
  stateType: (name: string) => StateType | undefined,
): HistoryEntry[] {
  switch (event.type) {
    case "StateEntered":
      return [
        {
          type: `${stateType(event.state.name) ?? event.state.type}StateEntered`,
          member: "stateEnteredEventDetails",
          value: { name: event.state.name, ...inputDetails(event.state.input) },
        },
      ];
    case "StateExited":
      return [
        {
          type: `${stateType(event.state.name) ?? event.state.type}StateExited`,
          member: "stateExitedEventDetails",
          value: { name: event.state.name, ...outputDetails(event.state.output) },
        },
      ];
    case "StateFailed": {
      const type = stateType(event.state.name);
      return type === "Map" || type === "Parallel" ? [{ type: `${type}StateFailed` }] : [];
    }
    case "MapIterationStarted":
    case "MapIterationSucceeded":
    case "MapIterationFailed":
      return [
        {
          type: event.type,
          member: `mapIteration${event.type.slice("MapIteration".length)}EventDetails`,
          value: { name: event.parentState.name, index: event.index },
        },
      ];
    default:
      return [];
  }
}
