import { decidePreemption, type Holder } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const holder: fc.Arbitrary<Holder> = fc
  .record({
    executionId: fc.constantFrom("p-drill-1", "q-drill-2", "r-recovery-3", "gone-4"),
    mode: fc.option(fc.constantFrom("DRILL" as const, "RECOVERY" as const), { nil: undefined }),
  })
  .map(({ executionId, mode }) => (mode === undefined ? { executionId } : { executionId, mode }));

describe("decidePreemption", () => {
  it("lets a RECOVERY stop drills only when drills alone hold what it needs, each drill once", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("DRILL" as const, "RECOVERY" as const),
        fc.array(holder, { maxLength: 8 }),
        (mode, holders) => {
          const decision = decidePreemption(mode, holders);
          const drillsOnly = holders.length > 0 && holders.every((h) => h.mode === "DRILL");
          if (mode === "RECOVERY" && drillsOnly) {
            expect(decision).toEqual({
              action: "PREEMPT",
              drillIds: [...new Set(holders.map((h) => h.executionId))],
            });
          } else {
            expect(decision.action).toBe("REFUSE");
          }
        },
      ),
    );
  });

  it("names the holders that are not drills", () => {
    expect(
      decidePreemption("RECOVERY", [
        { executionId: "p-drill-1", mode: "DRILL" },
        { executionId: "r-recovery-3", mode: "RECOVERY" },
        { executionId: "gone-4" },
      ]),
    ).toEqual({ action: "REFUSE", reason: "held by r-recovery-3, gone-4, which are not drills" });
    expect(decidePreemption("DRILL", [{ executionId: "p-drill-1", mode: "DRILL" }])).toEqual({
      action: "REFUSE",
      reason: "only a RECOVERY pre-empts running drills",
    });
  });
});
