import { DependencyCycleError, findDependencyCycle, topologicalLevels } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Node = { id: string; dependsOn?: string[] };

/** Random DAGs: node i may only depend on nodes before it, then the input order is shuffled. */
const dagArb = fc
  .integer({ min: 1, max: 25 })
  .chain((n) =>
    fc.tuple(
      fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
    ),
  )
  .map(([picks, order]): Node[] =>
    order.map((i) => ({ id: `g${i}`, dependsOn: i === 0 ? [] : (picks[i] ?? []).map((k) => `g${k % i}`) })),
  );

/** Random graphs of any shape, cycles and self-dependencies included, plus unknown IDs. */
const graphArb = fc
  .integer({ min: 1, max: 15 })
  .chain((n) => fc.array(fc.array(fc.nat({ max: n + 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }))
  .map((picks): Node[] => picks.map((deps, i) => ({ id: `g${i}`, dependsOn: deps.map((k) => `g${k}`) })));

function expectRealCycle(nodes: readonly Node[], cycle: readonly string[]): void {
  const deps = new Map(nodes.map((node) => [node.id, node.dependsOn ?? []]));
  expect(cycle.length).toBeGreaterThanOrEqual(2);
  expect(cycle[0]).toBe(cycle[cycle.length - 1]);
  const inner = cycle.slice(0, -1);
  expect(new Set(inner).size).toBe(inner.length);
  for (let i = 0; i + 1 < cycle.length; i++) {
    expect(deps.get(cycle[i] as string)).toContain(cycle[i + 1]);
  }
}

function reaches(nodes: readonly Node[], from: string, to: string): boolean {
  const deps = new Map(nodes.map((node) => [node.id, node.dependsOn ?? []]));
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(deps.get(id) ?? []));
  }
  return false;
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("findDependencyCycle", () => {
  it("finds nothing in an acyclic graph", () => {
    expect(
      findDependencyCycle([
        { id: "db" },
        { id: "app", dependsOn: ["db"] },
        { id: "web", dependsOn: ["app", "db"] },
      ]),
    ).toBeUndefined();
  });

  it("returns a two-node cycle with its first node repeated at the end", () => {
    expect(
      findDependencyCycle([
        { id: "db", dependsOn: ["app"] },
        { id: "app", dependsOn: ["db"] },
      ]),
    ).toEqual(["db", "app", "db"]);
  });

  it("reports a self-dependency as a one-node cycle", () => {
    expect(findDependencyCycle([{ id: "x" }, { id: "a", dependsOn: ["a"] }])).toEqual(["a", "a"]);
  });

  it("leaves out the nodes that only lead into the cycle", () => {
    expect(
      findDependencyCycle([
        { id: "web", dependsOn: ["app"] },
        { id: "app", dependsOn: ["db"] },
        { id: "db", dependsOn: ["cache"] },
        { id: "cache", dependsOn: ["app"] },
      ]),
    ).toEqual(["app", "db", "cache", "app"]);
  });

  it("returns the first cycle in input order when there are several", () => {
    const nodes = [
      { id: "c", dependsOn: ["d"] },
      { id: "d", dependsOn: ["c"] },
      { id: "a", dependsOn: ["b"] },
      { id: "b", dependsOn: ["a"] },
    ];
    expect(findDependencyCycle(nodes)).toEqual(["c", "d", "c"]);
    expect(findDependencyCycle([...nodes.slice(2), ...nodes.slice(0, 2)])).toEqual(["a", "b", "a"]);
  });

  it("ignores dependencies on unknown IDs", () => {
    expect(
      findDependencyCycle([
        { id: "a", dependsOn: ["ghost"] },
        { id: "b", dependsOn: ["a"] },
      ]),
    ).toBeUndefined();
  });

  it("handles a 20,000-node chain without overflowing the stack", () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) => ({ id: `n${i}`, dependsOn: [`n${i + 1}`] }));
    expect(findDependencyCycle(nodes)).toBeUndefined();
    const looped = [...nodes.slice(0, -1), { id: "n19999", dependsOn: ["n0"] }];
    expect(findDependencyCycle(looped)).toHaveLength(20_001);
  });

  it("finds no cycle in any DAG", () => {
    fc.assert(fc.property(dagArb, (nodes) => findDependencyCycle(nodes) === undefined));
  });

  it("finds a real cycle once a back edge closes a path", () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), (nodes, pick) => {
        // g0 has no dependencies; any node reaching g0 closes a loop once g0 depends on it.
        const from = nodes[pick % nodes.length] as Node;
        const closed = nodes.map((node) =>
          node.id === "g0" ? { ...node, dependsOn: [...(node.dependsOn ?? []), from.id] } : node,
        );
        const cycle = findDependencyCycle(closed);
        if (reaches(closed, from.id, "g0")) {
          expect(cycle).toBeDefined();
          expectRealCycle(closed, cycle as string[]);
        } else {
          expect(cycle).toBeUndefined();
        }
      }),
    );
  });

  it("always returns a real cycle or proves there is none, the same way every time", () => {
    fc.assert(
      fc.property(graphArb, (nodes) => {
        const cycle = findDependencyCycle(nodes);
        expect(findDependencyCycle(nodes)).toEqual(cycle);
        if (cycle) {
          expectRealCycle(nodes, cycle);
          expect(() => topologicalLevels(nodes)).toThrow(DependencyCycleError);
        } else {
          expect(topologicalLevels(nodes).flat().sort()).toEqual(nodes.map((n) => n.id).sort());
        }
      }),
    );
  });
});

describe("topologicalLevels", () => {
  it("puts independent nodes on the same level, in input order", () => {
    expect(
      topologicalLevels([
        { id: "web", dependsOn: ["app"] },
        { id: "db" },
        { id: "app", dependsOn: ["db", "cache"] },
        { id: "cache" },
        { id: "batch", dependsOn: ["db"] },
      ]),
    ).toEqual([["db", "cache"], ["app", "batch"], ["web"]]);
  });

  it("places a node one level after its deepest dependency", () => {
    expect(
      topologicalLevels([
        { id: "a" },
        { id: "b", dependsOn: ["a"] },
        { id: "c", dependsOn: ["b"] },
        { id: "d", dependsOn: ["a", "c"] },
      ]),
    ).toEqual([["a"], ["b"], ["c"], ["d"]]);
  });

  it("treats unknown dependencies as absent", () => {
    expect(topologicalLevels([{ id: "a", dependsOn: ["nope"] }, { id: "b" }])).toEqual([["a", "b"]]);
  });

  it("throws a DependencyCycleError that carries the cycle", () => {
    const nodes = [
      { id: "db", dependsOn: ["app"] },
      { id: "app", dependsOn: ["db"] },
    ];
    const error = thrownBy(() => topologicalLevels(nodes));
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect((error as DependencyCycleError).name).toBe("DependencyCycleError");
    expect((error as DependencyCycleError).cycle).toEqual(["db", "app", "db"]);
    expect((error as DependencyCycleError).message).toContain("db → app → db");
  });

  it("places every node of a DAG exactly once, at the earliest level after all its dependencies", () => {
    fc.assert(
      fc.property(dagArb, (nodes) => {
        const levels = topologicalLevels(nodes);
        const levelOf = new Map<string, number>();
        levels.forEach((level, i) => {
          expect(level.length).toBeGreaterThan(0);
          for (const id of level) {
            expect(levelOf.has(id)).toBe(false);
            levelOf.set(id, i);
          }
        });
        expect(levelOf.size).toBe(nodes.length);
        const position = new Map(nodes.map((node, i) => [node.id, i]));
        for (const node of nodes) {
          const depLevels = (node.dependsOn ?? []).map((dep) => levelOf.get(dep) as number);
          expect(levelOf.get(node.id)).toBe(depLevels.length === 0 ? 0 : Math.max(...depLevels) + 1);
        }
        for (const level of levels) {
          const order = level.map((id) => position.get(id) as number);
          expect(order).toEqual([...order].sort((a, b) => a - b));
        }
        expect(topologicalLevels(nodes)).toEqual(levels);
      }),
    );
  });
});
