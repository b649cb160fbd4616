import {
  type FindingSeverity,
  healthChange,
  OUTBOUND_ID_LIST_CAP,
  type PlanFinding,
  type PlanHealth,
  PlanHealthBlockedError,
  planHealthChangedDetail,
  planHealthChangedSchema,
  planHealthMetrics,
  planHealthScheduleExpression,
  planVerdict,
  sortFindings,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * What the surfaces derive from an evaluation: the `Plan Health Changed` detail, the metrics, the
 * schedule expression and the refusal of a start.
 */

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

const finding = (n: number, severity: FindingSeverity = "WARNING"): PlanFinding => ({
  code: severity === "WARNING" ? "SERVER_JOINED_GROUP" : "REPLICATION_DISCONNECTED",
  severity,
  category: severity === "WARNING" ? "selection" : "readiness",
  groupId: "db",
  sourceServerId: sid(n),
  message: `${sid(n)} finding`,
  fix: "do something",
});

function health(findings: PlanFinding[], extra: Partial<PlanHealth> = {}): PlanHealth {
  const sorted = sortFindings(findings);
  const blockers = sorted.filter((item) => item.severity !== "WARNING").length;
  return {
    planId: "shop",
    planVersion: 2,
    evaluatedAt: "2026-11-21T10:30:00.000Z",
    verdict: planVerdict(sorted),
    findings: sorted,
    counts: { blockers, warnings: sorted.length - blockers, servers: 9 },
    members: { db: [sid(1)] },
    ...extra,
  };
}

describe("Plan Health Changed", () => {
  it("carries the verdicts, the counts and what was added and removed, valid by its schema", () => {
    const before = health([finding(1)]);
    const after = health([finding(2, "BLOCKS_DRILL")]);
    const change = healthChange(before, after);
    if (!change) throw new Error("expected a change");
    const detail = planHealthChangedDetail(after, change);
    expect(planHealthChangedSchema.parse(detail)).toEqual(detail);
    expect(detail).toEqual({
      planId: "shop",
      planVersion: 2,
      evaluatedAt: "2026-11-21T10:30:00.000Z",
      verdict: "DRILL_BLOCKED",
      previousVerdict: "READY",
      counts: { blockers: 1, warnings: 0, servers: 9 },
      added: [finding(2, "BLOCKS_DRILL")],
      addedCount: 1,
      removed: [finding(1)],
      removedCount: 1,
    });
  });

  it("has no previous verdict on a plan's first recorded evaluation, and no version for a document", () => {
    const first = health([finding(1)], { planVersion: undefined });
    const detail = planHealthChangedDetail(
      first,
      healthChange(undefined, first) as NonNullable<ReturnType<typeof healthChange>>,
    );
    expect(detail).not.toHaveProperty("previousVerdict");
    expect(detail).not.toHaveProperty("planVersion");
    expect(planHealthChangedSchema.safeParse(detail).success).toBe(true);
  });

  it("caps both lists for any plan size, keeping the most severe first and the full counts", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 600 }), (gone, come) => {
        const before = health(Array.from({ length: gone }, (_, i) => finding(i)));
        const after = health(
          Array.from({ length: come }, (_, i) =>
            finding(10_000 + i, i % 3 === 0 ? "BLOCKS_DRILL" : "WARNING"),
          ),
        );
        const change = healthChange(before, after);
        if (!change) return gone === 0 && come === 0;
        const detail = planHealthChangedDetail(after, change);
        expect(planHealthChangedSchema.safeParse(detail).success).toBe(true);
        expect(detail.addedCount).toBe(come);
        expect(detail.removedCount).toBe(gone);
        expect(detail.added).toHaveLength(Math.min(come, OUTBOUND_ID_LIST_CAP));
        expect(detail.removed).toHaveLength(Math.min(gone, OUTBOUND_ID_LIST_CAP));
        expect(detail.added).toEqual(sortFindings(change.added).slice(0, OUTBOUND_ID_LIST_CAP));
        expect(Buffer.byteLength(JSON.stringify(detail))).toBeLessThan(256 * 1024);
        return true;
      }),
      { numRuns: 25 },
    );
  });

  it("refuses a detail that breaks the contract", () => {
    const detail = planHealthChangedDetail(health([finding(1)]), {
      verdict: "READY",
      added: [finding(1)],
      removed: [],
    });
    expect(planHealthChangedSchema.safeParse({ ...detail, verdict: "FINE" }).success).toBe(false);
    expect(
      planHealthChangedSchema.safeParse({ ...detail, added: [{ ...finding(1), severity: "MAYBE" }] }).success,
    ).toBe(false);
    expect(planHealthChangedSchema.safeParse({ ...detail, extra: 1 }).success).toBe(false);
  });
});

describe("planHealthMetrics", () => {
  it("publishes blockers, warnings and ready (1 only when nothing blocks) under the plan's dimension", () => {
    expect(
      planHealthMetrics(health([finding(1), finding(2, "BLOCKS_DRILL"), finding(3, "BLOCKS_RECOVERY")])),
    ).toEqual({
      dimensions: { PlanId: "shop" },
      metrics: [
        { name: "PlanBlockers", unit: "Count", value: 2 },
        { name: "PlanWarnings", unit: "Count", value: 1 },
        { name: "PlanReady", unit: "Count", value: 0 },
      ],
    });
    expect(planHealthMetrics(health([finding(1)])).metrics.at(-1)).toEqual({
      name: "PlanReady",
      unit: "Count",
      value: 1,
    });
  });
});

describe("the plan health schedule", () => {
  it("is an EventBridge rate in minutes", () => {
    expect(planHealthScheduleExpression(30)).toBe("rate(30 minutes)");
    expect(planHealthScheduleExpression(1440)).toBe("rate(1440 minutes)");
  });
});

describe("PlanHealthBlockedError", () => {
  it("names the plan, the mode, the evaluation and each blocking finding with its fix, the first ten of them", () => {
    const findings = Array.from({ length: 12 }, (_, i) => finding(i, "BLOCKS_RECOVERY"));
    const error = new PlanHealthBlockedError("shop", "RECOVERY", "2026-11-21T10:30:00.000Z", findings);
    expect(error.name).toBe("PlanHealthBlockedError");
    expect(error.findings).toHaveLength(12);
    expect(error.message).toMatch(
      /^plan "shop" cannot start a RECOVERY: its evaluation of 2026-11-21T10:30:00.000Z found 12 finding\(s\) that block it: REPLICATION_DISCONNECTED: s-0+ finding \(fix: do something\); /,
    );
    expect(error.message).toContain(
      "; and 2 more — fix them, then record a new evaluation with `drs-orchestrator plan check shop`",
    );
    expect(error.message.split("(fix: do something)")).toHaveLength(11);
  });
});
