import { DependencyCycleError, type PlanInput, planSchema, planWaves } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

function group(id: string, dependsOn?: string[]): PlanInput["groups"][number] {
  return { id, select: { tags: { app: id } }, ...(dependsOn && { dependsOn }) };
}

function plan(groups: PlanInput["groups"], waves?: string[][]) {
  return planSchema.parse({ id: "p", name: "P", rto: "45m", rpo: "5m", groups, ...(waves && { waves }) });
}

describe("planWaves", () => {
  it("orders a three-tier application db → app → web, counting waves from 1", () => {
    expect(planWaves(plan([group("web", ["app"]), group("app", ["db"]), group("db")]))).toEqual([
      { index: 1, groupIds: ["db"] },
      { index: 2, groupIds: ["app"] },
      { index: 3, groupIds: ["web"] },
    ]);
  });

  it("lets independent groups share a wave, in plan order", () => {
    expect(
      planWaves(
        plan([group("search"), group("db"), group("app", ["db", "search"]), group("reports", ["db"])]),
      ),
    ).toEqual([
      { index: 1, groupIds: ["search", "db"] },
      { index: 2, groupIds: ["app", "reports"] },
    ]);
  });

  it("puts a group in the earliest wave after its deepest dependency", () => {
    expect(
      planWaves(plan([group("db"), group("cache"), group("app", ["db"]), group("web", ["app", "cache"])])),
    ).toEqual([
      { index: 1, groupIds: ["db", "cache"] },
      { index: 2, groupIds: ["app"] },
      { index: 3, groupIds: ["web"] },
    ]);
  });

  it("takes explicit waves as written", () => {
    const explicit = [["app", "db"], ["web"]];
    expect(planWaves(plan([group("db"), group("app", ["db"]), group("web")], explicit))).toEqual([
      { index: 1, groupIds: ["app", "db"] },
      { index: 2, groupIds: ["web"] },
    ]);
  });

  it("throws DependencyCycleError on a dependency cycle", () => {
    expect(() => planWaves(plan([group("db", ["app"]), group("app", ["db"])]))).toThrow(DependencyCycleError);
  });

  it("places each group of a random DAG once, in the earliest wave later than all its dependencies", () => {
    const planArb = fc
      .integer({ min: 1, max: 20 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.uniqueArray(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
          fc.shuffledSubarray(
            Array.from({ length: n }, (_, i) => i),
            { minLength: n, maxLength: n },
          ),
        ),
      )
      .map(([picks, order]) =>
        plan(
          order.map((i) =>
            group(`g${i}`, i === 0 ? undefined : [...new Set((picks[i] ?? []).map((k) => `g${k % i}`))]),
          ),
        ),
      );
    fc.assert(
      fc.property(planArb, (p) => {
        const waves = planWaves(p);
        const waveOf = new Map<string, number>();
        for (const [i, wave] of waves.entries()) {
          expect(wave.index).toBe(i + 1);
          for (const id of wave.groupIds) {
            expect(waveOf.has(id)).toBe(false);
            waveOf.set(id, wave.index);
          }
          const planOrder = wave.groupIds.map((id) => p.groups.findIndex((g) => g.id === id));
          expect(planOrder).toEqual([...planOrder].sort((a, b) => a - b));
        }
        expect([...waveOf.keys()].sort()).toEqual(p.groups.map((g) => g.id).sort());
        for (const g of p.groups) {
          const depWaves = (g.dependsOn ?? []).map((dep) => waveOf.get(dep) as number);
          for (const depWave of depWaves) expect(waveOf.get(g.id)).toBeGreaterThan(depWave);
          expect(waveOf.get(g.id)).toBe(Math.max(0, ...depWaves) + 1);
        }
        expect(planWaves(p)).toEqual(waves);
      }),
    );
  });
});
