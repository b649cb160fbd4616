import type { FaultInjector } from "../faults/fault-injector";
import type { BusEventInput, EventPublisher } from "../runtime/contracts";
import type { DrsCounters } from "./drs-counters";
import type { SimTimers } from "./sim-timers";

/**
 * Puts DRS events on the bus as DRS does: best effort. Injected faults drop some and delay
 * others; every outcome is counted.
 */
export class DrsEventPublisher {
  constructor(
    private readonly bus: EventPublisher,
    private readonly faults: FaultInjector,
    private readonly timers: SimTimers,
    private readonly counters: DrsCounters,
    private readonly track: (work: Promise<void>) => void,
  ) {}

  /** `key` identifies the occurrence (job and server, or a server's n-th stall change) for the fault draw. */
  emit(key: string, event: BusEventInput): void {
    const fate = this.faults.eventFate(key, event.detailType, event.resources?.[0] ?? "");
    if (fate.drop) {
      this.counters.eventsDropped++;
      return;
    }
    if (fate.delayMs > 0) {
      this.counters.eventsDelayed++;
      this.track(this.timers.sleep(fate.delayMs).then(() => this.deliver(event)));
      return;
    }
    this.track(this.deliver(event));
  }

  private async deliver(event: BusEventInput): Promise<void> {
    this.counters.eventsPublished++;
    try {
      await this.bus.publish(event);
    } catch {
      this.counters.eventsFailed++;
    }
  }
}
