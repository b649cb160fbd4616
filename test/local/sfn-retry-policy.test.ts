import { describe, expect, it } from "vitest";
import { decideRetry } from "../../packages/local/src/sfn/run/retry-policy";

describe("decideRetry", () => {
  it("backs off exponentially and stops after MaxAttempts", () => {
    const retriers = [{ ErrorEquals: ["Busy"], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 3 }];
    expect([0, 1, 2, 3].map((attempt) => decideRetry(retriers, "Busy", [attempt])?.delayMs)).toEqual([
      3000,
      6000,
      12000,
      undefined,
    ]);
  });

  it("uses the defaults and caps the delay at MaxDelaySeconds", () => {
    expect(decideRetry([{ ErrorEquals: ["States.ALL"] }], "X", [2])).toEqual({
      retrierIndex: 0,
      delayMs: 4000,
    });
    expect(decideRetry([{ ErrorEquals: ["States.ALL"] }], "X", [3])).toBeUndefined();
    const capped = [
      { ErrorEquals: ["X"], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 10, MaxDelaySeconds: 60 },
    ];
    expect(decideRetry(capped, "X", [5])?.delayMs).toBe(60_000);
  });

  it("draws from [0, delay] with full jitter", () => {
    const retriers = [{ ErrorEquals: ["X"], IntervalSeconds: 10, JitterStrategy: "FULL" as const }];
    expect(decideRetry(retriers, "X", [0], () => 0.25)?.delayMs).toBe(2500);
  });

  it("lets the first matching retrier decide, even when it is exhausted", () => {
    const retriers = [
      { ErrorEquals: ["Busy"], MaxAttempts: 1 },
      { ErrorEquals: ["States.ALL"], MaxAttempts: 5 },
    ];
    expect(decideRetry(retriers, "Busy", [1, 0])).toBeUndefined();
    expect(decideRetry(retriers, "Other", [1, 0])).toEqual({ retrierIndex: 1, delayMs: 1000 });
    expect(decideRetry([{ ErrorEquals: ["Busy"], MaxAttempts: 0 }], "Busy", [0])).toBeUndefined();
  });

  it("matches States.TaskFailed to everything but timeouts and never retries States.Runtime by wildcard", () => {
    const taskFailed = [{ ErrorEquals: ["States.TaskFailed"] }];
    expect(decideRetry(taskFailed, "Lambda.ServiceException", [0])).toBeDefined();
    expect(decideRetry(taskFailed, "States.HeartbeatTimeout", [0])).toBeDefined();
    expect(decideRetry(taskFailed, "States.Timeout", [0])).toBeUndefined();
    expect(decideRetry([{ ErrorEquals: ["States.ALL"] }], "States.Timeout", [0])).toBeDefined();
    expect(decideRetry([{ ErrorEquals: ["States.ALL"] }], "States.Runtime", [0])).toBeUndefined();
  });
});
