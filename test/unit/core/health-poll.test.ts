import { DEFAULT_HEALTH_POLL, nextHealthCheckSeconds } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const NOW = Date.parse("2026-11-21T10:00:00.000Z");
const at = (secondsBeforeNow: number) => new Date(NOW - secondsBeforeNow * 1000).toISOString();
const now = new Date(NOW).toISOString();

describe("nextHealthCheckSeconds", () => {
  it("waits the longest pause while every instance is far from its expected pass", () => {
    expect(nextHealthCheckSeconds([at(0), at(10)], now)).toBe(15);
  });

  it("waits only up to the moment the soonest instance is expected to pass", () => {
    // Launched 112 s ago: expected to pass in 8 s.
    expect(nextHealthCheckSeconds([at(30), at(112)], now)).toBe(8);
  });

  it("polls at the shortest pause around the expected moment and backs off while overdue", () => {
    expect(nextHealthCheckSeconds([at(120)], now)).toBe(2);
    expect(nextHealthCheckSeconds([at(150)], now)).toBe(2);
    expect(nextHealthCheckSeconds([at(180)], now)).toBe(3);
    expect(nextHealthCheckSeconds([at(500)], now)).toBe(8);
    expect(nextHealthCheckSeconds([at(900)], now)).toBe(15);
  });

  it("follows the soonest instance when several wait", () => {
    expect(nextHealthCheckSeconds([at(0), at(181)], now)).toBe(3);
  });

  it("answers the shortest pause when nothing waits", () => {
    expect(nextHealthCheckSeconds([], now)).toBe(DEFAULT_HEALTH_POLL.minSeconds);
  });

  it("honours other settings", () => {
    const settings = { minSeconds: 5, maxSeconds: 60, expectedSeconds: 300, backoffSeconds: 5 };
    expect(nextHealthCheckSeconds([at(0)], now, settings)).toBe(60);
    expect(nextHealthCheckSeconds([at(270)], now, settings)).toBe(30);
    expect(nextHealthCheckSeconds([at(310)], now, settings)).toBe(7);
  });

  const launches = fc.array(fc.integer({ min: 0, max: 7200 }), { maxLength: 50 });
  const settings = fc
    .record({
      minSeconds: fc.integer({ min: 1, max: 30 }),
      extra: fc.integer({ min: 0, max: 300 }),
      expectedSeconds: fc.integer({ min: 0, max: 900 }),
      backoffSeconds: fc.integer({ min: 1, max: 60 }),
    })
    .map(({ extra, ...rest }) => ({ ...rest, maxSeconds: rest.minSeconds + extra }));

  it("always answers whole seconds between the shortest and the longest pause", () => {
    fc.assert(
      fc.property(launches, settings, (ages, s) => {
        const wait = nextHealthCheckSeconds(ages.map(at), now, s);
        expect(Number.isInteger(wait)).toBe(true);
        expect(wait).toBeGreaterThanOrEqual(s.minSeconds);
        expect(wait).toBeLessThanOrEqual(s.maxSeconds);
      }),
    );
  });

  it("never sleeps past the soonest expected pass by more than the shortest pause", () => {
    fc.assert(
      fc.property(
        launches.filter((ages) => ages.length > 0),
        settings,
        (ages, s) => {
          const wait = nextHealthCheckSeconds(ages.map(at), now, s);
          const soonest = Math.min(...ages.map((age) => s.expectedSeconds - age));
          if (soonest > 0) expect(wait).toBeLessThanOrEqual(Math.max(s.minSeconds, Math.ceil(soonest)));
        },
      ),
    );
  });

  it("does not depend on the order the servers are listed in", () => {
    fc.assert(
      fc.property(launches, settings, (ages, s) => {
        const forward = nextHealthCheckSeconds(ages.map(at), now, s);
        const backward = nextHealthCheckSeconds([...ages].reverse().map(at), now, s);
        expect(backward).toBe(forward);
      }),
    );
  });
});
