import type { ParsedFaultOptions } from "./fault-options";
import { SeededRandom } from "./seeded-random";

/** One injected fault, recorded so tests can assert what happened and compare runs. */
export type FaultRecord =
  | { fault: "throttle"; call: number; operation: string }
  | { fault: "serverError"; call: number; operation: string }
  | { fault: "launchFailure"; jobID: string; sourceServerID: string }
  | { fault: "eventDropped"; detailType: string; resource: string }
  | { fault: "eventDelayed"; detailType: string; resource: string; delaySeconds: number }
  | { fault: "replicationStalled"; sourceServerID: string };

export type RequestFault =
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "serverError"; retryAfterSeconds: number };

/**
 * Decides which faults happen. Request faults follow call order; launch and event faults are
 * keyed by job, server and event kind, so they do not depend on the order timers fire in.
 */
export class FaultInjector {
  readonly trace: FaultRecord[] = [];
  private calls = 0;
  private readonly throttleStream: SeededRandom;

  constructor(readonly options: ParsedFaultOptions) {
    this.throttleStream = SeededRandom.stream(options.seed, "throttle");
  }

  /** A stream of its own for one keyed decision (jitter, IDs) of the emulator. */
  stream(label: string): SeededRandom {
    return SeededRandom.stream(this.options.seed, label);
  }

  onRequest(operation: string): RequestFault | undefined {
    const call = ++this.calls;
    const burst = this.options.serverErrors;
    if (burst && call > burst.afterCalls && call <= burst.afterCalls + burst.count) {
      this.trace.push({ fault: "serverError", call, operation });
      return { kind: "serverError", retryAfterSeconds: burst.retryAfterSeconds };
    }
    const throttle = this.options.throttle;
    if (throttle && (!throttle.operations || throttle.operations.includes(operation))) {
      if (this.throttleStream.chance(throttle.percent)) {
        this.trace.push({ fault: "throttle", call, operation });
        return { kind: "throttle", retryAfterSeconds: throttle.retryAfterSeconds };
      }
    }
    return undefined;
  }

  /** Whether this server's launch in this job, its `launch`-th (from 1), fails by injection. */
  launchFails(jobID: string, sourceServerID: string, launch: number): boolean {
    const failLaunch = this.options.failLaunch;
    if (!failLaunch) return false;
    const fails =
      failLaunch.sourceServerIds.includes(sourceServerID) ||
      launch <= (failLaunch.times[sourceServerID] ?? 0) ||
      this.stream(`launch/${jobID}/${sourceServerID}`).chance(failLaunch.percent);
    if (fails) this.trace.push({ fault: "launchFailure", jobID, sourceServerID });
    return fails;
  }

  /** What happens to an event: dropped, or delivered after `delayMs` simulated milliseconds. */
  eventFate(
    key: string,
    detailType: string,
    resource: string,
  ): { drop: true } | { drop: false; delayMs: number } {
    const random = this.stream(`event/${key}/${detailType}`);
    if (this.options.dropEvents && random.chance(this.options.dropEvents.percent)) {
      this.trace.push({ fault: "eventDropped", detailType, resource });
      return { drop: true };
    }
    const delay = this.options.delayEvents;
    if (!delay) return { drop: false, delayMs: 0 };
    const delaySeconds = Math.max(0, delay.seconds + delay.jitterSeconds * (2 * random.next() - 1));
    this.trace.push({ fault: "eventDelayed", detailType, resource, delaySeconds });
    return { drop: false, delayMs: delaySeconds * 1000 };
  }

  recordStall(sourceServerID: string): void {
    this.trace.push({ fault: "replicationStalled", sourceServerID });
  }
}
