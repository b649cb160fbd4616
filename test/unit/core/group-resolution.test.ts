import {
  type PlanInput,
  planSchema,
  resolveGroups,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

function server(n: number, tags: Record<string, string>): SourceServer {
  return sourceServerSchema.parse({ sourceServerID: sid(n), tags });
}

function plan(groups: PlanInput["groups"]) {
  return planSchema.parse({ id: "p", name: "P", rto: "45m", rpo: "5m", groups });
}

const fleet = [
  server(1, { app: "pay", tier: "db", env: "prod" }),
  server(2, { app: "pay", tier: "app", env: "prod" }),
  server(3, { app: "pay", tier: "db", env: "test" }),
  server(4, { app: "shop", tier: "db", env: "prod" }),
  server(5, { app: "pay", tier: "web" }),
];

describe("resolveGroups", () => {
  it("selects by tags with AND: a server must carry every tag", () => {
    const resolution = resolveGroups(
      plan([{ id: "db", select: { tags: { app: "pay", tier: "db", env: "prod" } } }]),
      fleet,
    );
    expect(resolution.groups).toEqual([{ groupId: "db", sourceServerIds: [sid(1)] }]);
    expect(resolution.emptyGroups).toEqual([]);
  });

  it("lists tag matches in fleet order", () => {
    const resolution = resolveGroups(plan([{ id: "pay", select: { tags: { app: "pay" } } }]), fleet);
    expect(resolution.groups[0]?.sourceServerIds).toEqual([sid(1), sid(2), sid(3), sid(5)]);
  });

  it("selects explicit IDs in listed order and reports the ones not in the fleet with their path", () => {
    const resolution = resolveGroups(
      plan([
        { id: "web", select: { tags: { tier: "web" } } },
        { id: "picked", select: { sourceServerIds: [sid(4), sid(99), sid(2), sid(98)] } },
      ]),
      fleet,
    );
    expect(resolution.groups[1]).toEqual({ groupId: "picked", sourceServerIds: [sid(4), sid(2)] });
    expect(resolution.unmatchedIds).toEqual([
      { groupId: "picked", sourceServerId: sid(99), path: "groups[1].select.sourceServerIds[1]" },
      { groupId: "picked", sourceServerId: sid(98), path: "groups[1].select.sourceServerIds[3]" },
    ]);
  });

  it("reports groups that select no server", () => {
    const resolution = resolveGroups(
      plan([
        { id: "db", select: { tags: { tier: "db" } } },
        { id: "cache", select: { tags: { tier: "cache" } } },
        { id: "gone", select: { sourceServerIds: [sid(77)] } },
      ]),
      fleet,
    );
    expect(resolution.emptyGroups).toEqual(["cache", "gone"]);
    expect(resolution.groups.map((g) => g.groupId)).toEqual(["db", "cache", "gone"]);
  });

  it("never lets an empty tag selector select the whole fleet", () => {
    const resolution = resolveGroups(plan([{ id: "all", select: { tags: {} } }]), fleet);
    expect(resolution.groups[0]?.sourceServerIds).toEqual([]);
    expect(resolution.emptyGroups).toEqual(["all"]);
  });

  it("takes the union when a group names both selectors, without listing a server twice", () => {
    const resolution = resolveGroups(
      plan([{ id: "mix", select: { sourceServerIds: [sid(4), sid(1)], tags: { tier: "db", env: "prod" } } }]),
      fleet,
    );
    expect(resolution.groups[0]?.sourceServerIds).toEqual([sid(4), sid(1)]);
  });

  it("reports a server selected by several groups, with the groups in plan order", () => {
    const resolution = resolveGroups(
      plan([
        { id: "prod", select: { tags: { env: "prod" } } },
        { id: "db", select: { tags: { tier: "db" } } },
        { id: "pinned", select: { sourceServerIds: [sid(1)] } },
      ]),
      fleet,
    );
    expect(resolution.overlaps).toEqual([
      { sourceServerId: sid(1), groupIds: ["prod", "db", "pinned"] },
      { sourceServerId: sid(4), groupIds: ["prod", "db"] },
    ]);
  });

  it("matches exactly the servers carrying every selector tag, for random fleets and selectors", () => {
    const tagArb = fc.dictionary(fc.constantFrom("app", "tier", "env"), fc.constantFrom("a", "b"), {
      maxKeys: 3,
    });
    fc.assert(
      fc.property(
        fc.array(tagArb, { maxLength: 30 }),
        fc.array(
          tagArb.filter((tags) => Object.keys(tags).length > 0),
          { minLength: 1, maxLength: 5 },
        ),
        (serverTags, selectors) => {
          const servers = serverTags.map((tags, i) => server(i, tags));
          const p = plan(selectors.map((tags, i) => ({ id: `g${i}`, select: { tags } })));
          const resolution = resolveGroups(p, servers);
          const owners = new Map<string, string[]>();
          resolution.groups.forEach(({ groupId, sourceServerIds }, i) => {
            const wanted = Object.entries(selectors[i] ?? {});
            const expected = servers
              .filter((s) => wanted.every(([key, value]) => s.tags[key] === value))
              .map((s) => s.sourceServerID);
            expect(sourceServerIds).toEqual(expected);
            for (const id of sourceServerIds) owners.set(id, [...(owners.get(id) ?? []), groupId]);
          });
          expect(resolution.emptyGroups).toEqual(
            resolution.groups.filter((g) => g.sourceServerIds.length === 0).map((g) => g.groupId),
          );
          const shared = [...owners].filter(([, groups]) => groups.length > 1);
          expect(resolution.overlaps.map((o) => [o.sourceServerId, o.groupIds]).sort()).toEqual(
            shared.sort(),
          );
          expect(resolution.unmatchedIds).toEqual([]);
          expect(resolveGroups(p, servers)).toEqual(resolution);
        },
      ),
    );
  });
});
