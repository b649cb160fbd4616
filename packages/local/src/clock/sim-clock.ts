/**
 * Simulated time shared by every emulator. Simulated time runs `speed` times faster than real time
 * from a fixed epoch, so a drill of tens of minutes runs in seconds while every timestamp a client
 * sees stays realistic. Timers are real timers scaled down by the current rate; `stop()` clears all
 * of them so a stopped runtime leaves no open handles.
 *
 * With `realTimeWhileBusy`, time runs at real speed while any work marked with `busy()` is in
 * progress (the local Lambda runtime marks every invocation): waiting is compressed, computing is
 * not, so a step that takes 40 ms adds 40 simulated ms, as it would on AWS, instead of `speed` × 40.
 */
export interface SimClockOptions {
  /** Simulated seconds per real second. Default 1. */
  speed?: number;
  /** Simulated time at start. Default: the real time at construction. */
  start?: Date;
  /** Run at real speed while work is in progress (see `busy`). Default false. */
  realTimeWhileBusy?: boolean;
}

/** A pending timer of the clock; pass it to `clearTimeout`. */
export interface SimTimer {
  readonly dueMs: number;
}

/** The longest delay a Node timer holds (about 24.8 days); longer ones are reached in steps. */
const MAX_TIMER_REAL_MS = 2_147_483_647;

interface ArmedTimer extends SimTimer {
  fn: () => void;
  handle?: NodeJS.Timeout;
}

export class SimClock {
  readonly speed: number;
  readonly realTimeWhileBusy: boolean;
  /** Simulated ms per real ms right now: `speed`, or 1 while busy in realTimeWhileBusy mode. */
  private rate: number;
  private anchorSim: number;
  private anchorReal: number;
  private busyCount = 0;
  private readonly timers = new Set<ArmedTimer>();
  private stopped = false;

  constructor(options: SimClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
    this.speed = speed;
    this.rate = speed;
    this.realTimeWhileBusy = options.realTimeWhileBusy ?? false;
    this.anchorSim = (options.start ?? new Date()).getTime();
    this.anchorReal = performance.now();
  }

  /** Simulated epoch milliseconds. */
  nowMs(): number {
    return this.anchorSim + (performance.now() - this.anchorReal) * this.rate;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** ISO-8601 without milliseconds, as AWS services print it (`2026-11-21T10:00:00Z`). */
  isoNow(): string {
    return toAwsIso(this.now());
  }

  /** Runs fn after `simMs` simulated milliseconds. */
  setTimeout(fn: () => void, simMs: number): SimTimer {
    if (this.stopped) throw new Error("clock stopped");
    const timer: ArmedTimer = { dueMs: this.nowMs() + Math.max(0, simMs), fn };
    this.timers.add(timer);
    this.arm(timer);
    return timer;
  }

  clearTimeout(timer: SimTimer): void {
    const armed = timer as ArmedTimer;
    clearTimeout(armed.handle);
    this.timers.delete(armed);
  }

  /** Resolves after `simMs` simulated milliseconds. */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, simMs));
  }

  /**
   * Marks work in progress until the returned function is called (more than once is harmless).
   * Changes nothing unless the clock was made with `realTimeWhileBusy`.
   */
  busy(): () => void {
    if (!this.realTimeWhileBusy) return () => {};
    if (++this.busyCount === 1) this.setRate(1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.busyCount === 0) this.setRate(this.speed);
    };
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer.handle);
    this.timers.clear();
  }

  private setRate(rate: number): void {
    if (this.stopped || rate === this.rate) return;
    this.anchorSim = this.nowMs();
    this.anchorReal = performance.now();
    this.rate = rate;
    for (const timer of this.timers) this.arm(timer);
  }

  /** A real timer fires up to a millisecond early (whole simulated seconds at high speeds): it re-arms until due. */
  private arm(timer: ArmedTimer): void {
    clearTimeout(timer.handle);
    const realMs = (timer.dueMs - this.nowMs()) / this.rate;
    timer.handle = setTimeout(
      () => {
        if (timer.dueMs > this.nowMs()) return this.arm(timer);
        this.timers.delete(timer);
        timer.fn();
      },
      Math.min(Math.max(0, realMs), MAX_TIMER_REAL_MS),
    );
  }
}

export function toAwsIso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
