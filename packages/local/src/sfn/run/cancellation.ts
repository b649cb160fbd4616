import type { SimClock } from "../../clock/sim-clock";

/** Rejects work that was still pending when its execution ended (stopped, timed out, failed or the runtime stopped). */
export class ExecutionClosedError extends Error {
  override readonly name = "ExecutionClosedError";

  constructor() {
    super("the execution has ended");
  }
}

/** Runs `fn` once `simMs` simulated milliseconds have passed; returns a function that cancels it. */
export function afterSimulated(clock: SimClock, simMs: number, fn: () => void): () => void {
  const timer = clock.setTimeout(fn, simMs);
  return () => clock.clearTimeout(timer);
}

/** Waits `simMs` simulated milliseconds; rejects with ExecutionClosedError as soon as `signal` aborts. */
export function sleepSim(clock: SimClock, simMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ExecutionClosedError());
      return;
    }
    const onAbort = () => {
      cancel();
      reject(new ExecutionClosedError());
    };
    const cancel = afterSimulated(clock, simMs, () => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** `work`, or ExecutionClosedError as soon as `signal` aborts (the work itself cannot always be cancelled). */
export function untilClosed<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ExecutionClosedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ExecutionClosedError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The simulated-time limits of one task attempt: TimeoutSeconds caps the whole attempt, HeartbeatSeconds
 * the time between heartbeats. `race` settles with the first of the work and an expired limit.
 */
export class AttemptDeadline {
  private readonly expired: Promise<never>;
  private fail: (error: Error) => void = () => {};
  private cancelTimeout = () => {};
  private cancelHeartbeat = () => {};
  private disposed = false;

  constructor(
    private readonly clock: SimClock,
    private readonly limits: {
      timeoutSeconds?: number;
      heartbeatSeconds?: number;
      timeoutError: () => Error;
      heartbeatError: () => Error;
    },
  ) {
    this.expired = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    // Attached once so an expiry nobody races against is never an unhandled rejection.
    this.expired.catch(() => {});
    if (limits.timeoutSeconds !== undefined) {
      this.cancelTimeout = afterSimulated(clock, limits.timeoutSeconds * 1000, () =>
        this.fail(limits.timeoutError()),
      );
    }
    this.resetHeartbeat();
  }

  race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  resetHeartbeat(): void {
    const { heartbeatSeconds, heartbeatError } = this.limits;
    if (heartbeatSeconds === undefined || this.disposed) return;
    this.cancelHeartbeat();
    this.cancelHeartbeat = afterSimulated(this.clock, heartbeatSeconds * 1000, () =>
      this.fail(heartbeatError()),
    );
  }

  dispose(): void {
    this.cancelTimeout();
    this.cancelHeartbeat();
    this.disposed = true;
  }
}
