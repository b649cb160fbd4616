import type { SimClock } from "../../clock/sim-clock";
import { sleepSim } from "./cancellation";
import { StatesRuntimeFailure } from "./task-failure";

/** What the library hands a Wait state (see prepare-definition): the effective input and one of the durations. */
export interface WaitRequest {
  input: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

/** A Wait state, in simulated time; its output is its effective input. */
export async function runWaitState(
  clock: SimClock,
  signal: AbortSignal,
  request: WaitRequest,
): Promise<unknown> {
  await sleepSim(clock, waitMs(request, clock.nowMs()), signal);
  return request.input;
}

/** How long a Wait state waits from `nowMs`: Seconds(Path) must be a non-negative integer, Timestamp(Path) an RFC 3339 time. */
export function waitMs(request: WaitRequest, nowMs: number): number {
  if (request.seconds !== undefined) {
    const seconds = request.seconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesRuntimeFailure(
        `Wait seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`,
      );
    }
    return seconds * 1000;
  }
  const timestamp = request.timestamp;
  const at = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new StatesRuntimeFailure(
      `Wait timestamp must be an RFC 3339 time, got ${JSON.stringify(timestamp)}`,
    );
  }
  return Math.max(0, at - nowMs);
}
