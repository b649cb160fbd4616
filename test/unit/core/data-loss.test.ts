import {
  dataLossSeconds,
  liveRecoveryInstances,
  recoveryMetrics,
  summarizeRpo,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const START = "2026-11-21T10:00:00Z";
const minus = (seconds: number) => new Date(Date.parse(START) - seconds * 1000).toISOString();

describe("dataLossSeconds", () => {
  it("runs from the point in time to the execution's start, never below 0", () => {
    expect(dataLossSeconds(START, minus(10_800))).toBe(10_800);
    expect(dataLossSeconds(START, "2026-11-21T12:00:00+02:00")).toBe(0);
    expect(dataLossSeconds(START, "2026-11-21T10:05:00Z")).toBe(0);
    expect(dataLossSeconds(START, "yesterday")).toBeUndefined();
  });
});

describe("summarizeRpo", () => {
  it("is the largest data-loss window against the target, with the spread of the points in time", () => {
    expect(
      summarizeRpo(
        [
          { sourceServerId: "s-a", pointInTime: minus(3600), dataLossSeconds: 3600 },
          { sourceServerId: "s-b", pointInTime: minus(4200), dataLossSeconds: 4200 },
          { sourceServerId: "s-c" },
        ],
        300,
      ),
    ).toEqual({
      targetSeconds: 300,
      achievedSeconds: 4200,
      worstServerId: "s-b",
      breached: true,
      breachedBySeconds: 3900,
      servers: 2,
      oldestPointInTime: minus(4200),
      newestPointInTime: minus(3600),
      spreadSeconds: 600,
    });
    expect(
      summarizeRpo([{ sourceServerId: "s-a", pointInTime: START, dataLossSeconds: 0 }], 300),
    ).toMatchObject({
      achievedSeconds: 0,
      breached: false,
      spreadSeconds: 0,
    });
    expect(summarizeRpo([{ sourceServerId: "s-a" }], 300)).toEqual({
      targetSeconds: 300,
      breached: false,
      servers: 0,
    });
  });

  it("achieves the largest window, breaches exactly above the target, and spreads newest − oldest", () => {
    const server = fc.record({
      sourceServerId: fc.constantFrom("s-a", "s-b", "s-c", "s-d"),
      loss: fc.integer({ min: 0, max: 7 * 86_400 }),
    });
    fc.assert(
      fc.property(
        fc.array(server, { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 86_400 }),
        (list, target) => {
          const records = list.map((s) => ({
            sourceServerId: s.sourceServerId,
            pointInTime: minus(s.loss),
            dataLossSeconds: s.loss,
          }));
          const rpo = summarizeRpo(records, target);
          const losses = list.map((s) => s.loss);
          expect(rpo.achievedSeconds).toBe(Math.max(...losses));
          expect(rpo.breached).toBe(Math.max(...losses) > target);
          expect(rpo.spreadSeconds).toBe(Math.max(...losses) - Math.min(...losses));
          expect(rpo.servers).toBe(list.length);
        },
      ),
    );
  });
});

describe("recoveryMetrics", () => {
  it("publishes RpoAchievedSeconds once a server came back to a point in time", () => {
    const summary = {
      planId: "shop",
      mode: "RECOVERY",
      rto: { targetSeconds: 2700, breached: false },
      counts: { launched: 1, failed: 0 },
      waves: [],
      rpo: { targetSeconds: 300, achievedSeconds: 4200, breached: true, servers: 1 },
    } as unknown as Parameters<typeof recoveryMetrics>[0];
    expect(recoveryMetrics(summary).metrics).toContainEqual({
      name: "RpoAchievedSeconds",
      unit: "Seconds",
      value: 4200,
    });
    const none = { ...summary, rpo: { targetSeconds: 300, breached: false, servers: 0 } };
    expect(recoveryMetrics(none).metrics.map((metric) => metric.name)).not.toContain("RpoAchievedSeconds");
  });
});

describe("liveRecoveryInstances", () => {
  const instance = (over: Record<string, unknown>) => ({
    recoveryInstanceId: "i-0123456789abcdef0",
    sourceServerId: "s-a",
    jobId: "drsjob-1",
    isDrill: false,
    ec2InstanceState: "RUNNING",
    ...over,
  });

  it("keeps the production instances of these servers that are alive (or say nothing of it)", () => {
    const instances = [
      instance({}),
      instance({ sourceServerId: "s-b", isDrill: true }),
      instance({ sourceServerId: "s-c", ec2InstanceState: "TERMINATED" }),
      instance({ sourceServerId: "s-d", ec2InstanceState: "SHUTTING-DOWN" }),
      instance({ sourceServerId: "s-e", ec2InstanceState: "NOT_FOUND" }),
      instance({ sourceServerId: "s-f", ec2InstanceState: "STOPPED" }),
      instance({ sourceServerId: "s-g", isDrill: undefined, ec2InstanceState: undefined }),
      instance({ sourceServerId: "s-other" }),
    ];
    expect(
      liveRecoveryInstances(instances, ["s-a", "s-b", "s-c", "s-d", "s-e", "s-f", "s-g"]).map(
        (i) => i.sourceServerId,
      ),
    ).toEqual(["s-a", "s-f", "s-g"]);
  });
});
