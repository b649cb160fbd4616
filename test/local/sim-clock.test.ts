import { describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createLambdaRuntime } from "../../packages/local/src/lambda/lambda-runtime";

const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("SimClock", () => {
  it("runs `speed` times faster than real time and fires timers in simulated time", async () => {
    const clock = new SimClock({ speed: 1000, start: new Date("2026-11-21T10:00:00Z") });
    const before = clock.nowMs();
    const fired = new Promise<number>((resolve) => clock.setTimeout(() => resolve(clock.nowMs()), 30_000));
    const at = await fired;
    expect(at - before).toBeGreaterThanOrEqual(30_000);
    // 30 simulated seconds is 30 real ms; timer slack is a few real ms, i.e. a few simulated seconds.
    expect(at - before).toBeLessThan(60_000);
    clock.stop();
  });

  it("ignores busy() unless made with realTimeWhileBusy", async () => {
    const clock = new SimClock({ speed: 1000 });
    const done = clock.busy();
    const before = clock.nowMs();
    await realSleep(20);
    expect(clock.nowMs() - before).toBeGreaterThan(10_000);
    done();
    clock.stop();
  });

  it("with realTimeWhileBusy runs at real speed while busy and compresses the rest", async () => {
    const clock = new SimClock({ speed: 1000, realTimeWhileBusy: true });
    const done = clock.busy();
    const busyStart = clock.nowMs();
    await realSleep(50);
    const busyElapsed = clock.nowMs() - busyStart;
    expect(busyElapsed).toBeGreaterThanOrEqual(45);
    expect(busyElapsed).toBeLessThan(1_000);
    done();
    done(); // a second release changes nothing
    const idleStart = clock.nowMs();
    await realSleep(20);
    expect(clock.nowMs() - idleStart).toBeGreaterThan(10_000);
    clock.stop();
  });

  it("stays at real speed until every busy mark is released", async () => {
    const clock = new SimClock({ speed: 1000, realTimeWhileBusy: true });
    const first = clock.busy();
    const second = clock.busy();
    first();
    const start = clock.nowMs();
    await realSleep(20);
    expect(clock.nowMs() - start).toBeLessThan(1_000);
    second();
    clock.stop();
  });

  it("re-arms pending timers when the rate changes, so they fire at their simulated time", async () => {
    const clock = new SimClock({ speed: 1000, realTimeWhileBusy: true });
    let firedAt: number | undefined;
    const due = clock.nowMs() + 5_000;
    clock.setTimeout(() => {
      firedAt = clock.nowMs();
    }, 5_000);
    const done = clock.busy();
    // At 1000× it would fire after 5 real ms; at real speed it needs 5 real seconds.
    await realSleep(60);
    expect(firedAt).toBeUndefined();
    done();
    await realSleep(60);
    expect(firedAt).toBeGreaterThanOrEqual(due);
    clock.stop();
  });

  it("is made busy by every Lambda invocation of the local runtime", async () => {
    const clock = new SimClock({ speed: 1000, realTimeWhileBusy: true });
    const lambda = createLambdaRuntime({ clock, accountId: "123456789012", region: "us-east-1" });
    lambda.register({
      name: "compute",
      timeoutSeconds: 10,
      memorySize: 128,
      environment: {},
      handler: async () => {
        const start = clock.nowMs();
        await realSleep(40);
        return { simulatedMs: clock.nowMs() - start };
      },
    });
    const result = (await lambda.invoke("compute", {})) as { simulatedMs: number };
    expect(result.simulatedMs).toBeGreaterThanOrEqual(35);
    expect(result.simulatedMs).toBeLessThan(1_000);
    lambda.stop();
    clock.stop();
  });
});
