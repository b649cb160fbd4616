import type { SimClock, SimTimer } from "../clock/sim-clock";

/**
 * Sleeps on the simulated clock that one emulator can cancel all at once: after stop(), pending
 * sleeps never resolve and their timers are cleared, so nothing keeps the process alive.
 */
export class SimTimers {
  private readonly pending = new Set<SimTimer>();
  private stopped = false;

  constructor(private readonly clock: SimClock) {}

  get isStopped(): boolean {
    return this.stopped || this.clock.isStopped;
  }

  sleep(simMs: number): Promise<void> {
    if (this.isStopped) return new Promise(() => {});
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, simMs);
      this.pending.add(timer);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) this.clock.clearTimeout(timer);
    this.pending.clear();
  }
}
