/**
 * Simulated time shared by every emulator. Simulated time runs `speed` times faster than real time
 * from a fixed epoch, so a drill of tens of minutes runs in seconds while every timestamp a client
 * sees stays realistic. Timers are real timers scaled down by the speed factor; `stop()` clears all
 * of them so a stopped runtime leaves no open handles.
 */
export interface SimClockOptions {
  /** Simulated seconds per real second. Default 1. */
  speed?: number;
  /** Simulated time at start. Default: the real time at construction. */
  start?: Date;
}

export class SimClock {
  readonly speed: number;
  private readonly startSim: number;
  private readonly startReal: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(options: SimClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
    this.speed = speed;
    this.startSim = (options.start ?? new Date()).getTime();
    this.startReal = performance.now();
  }

  /** Simulated epoch milliseconds. */
  nowMs(): number {
    return this.startSim + (performance.now() - this.startReal) * this.speed;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** ISO-8601 without milliseconds, as AWS services print it (`2026-11-21T10:00:00Z`). */
  isoNow(): string {
    return toAwsIso(this.now());
  }

  /** Runs fn after `simMs` simulated milliseconds. */
  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout {
    if (this.stopped) throw new Error("clock stopped");
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        fn();
      },
      Math.max(0, simMs / this.speed),
    );
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Resolves after `simMs` simulated milliseconds. */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, simMs));
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

export function toAwsIso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
