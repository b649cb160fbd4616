import {
  DependencyCycleError,
  layoutRecovery,
  type PlanInput,
  planSchema,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

function server(
  n: number,
  tags: Record<string, string>,
  replication = { state: "CONTINUOUS", lag: "PT2S" },
): SourceServer {
  return sourceServerSchema.parse({
    sourceServerID: sid(n),
    tags,
    dataReplicationInfo: { dataReplicationState: replication.state, lagDuration: replication.lag },
    sourceProperties: { identificationHints: { hostname: `host-${n}` } },
  });
}

function plan(input: Partial<PlanInput> & Pick<PlanInput, "groups">) {
  return planSchema.parse({ id: "payments", name: "Payments", rto: "45m", rpo: "5m", ...input });
}

const threeTierFleet = [
  ...[1, 2, 3].map((n) => server(n, { app: "pay", tier: "web" })),
  ...[4, 5, 6].map((n) => server(n, { app: "pay", tier: "app" })),
  ...[7, 8, 9].map((n) => server(n, { app: "pay", tier: "db" })),
];

const threeTier = plan({
  launch: {
    instanceType: "m6i.large",
    rightSizing: "NONE",
    subnetId: "subnet-0aaa1111",
    tags: { "recovered-by": "drs" },
  },
  groups: [
    {
      id: "db",
      select: { tags: { app: "pay", tier: "db" } },
      critical: true,
      launch: { instanceType: "r6i.xlarge" },
      servers: { [sid(7)]: { privateIp: "10.0.1.15" } },
    },
    { id: "app", select: { tags: { app: "pay", tier: "app" } }, dependsOn: ["db"] },
    { id: "web", select: { tags: { app: "pay", tier: "web" } }, dependsOn: ["app"], approval: true },
  ],
});

describe("layoutRecovery", () => {
  it("lays out a three-tier plan wave by wave with settings, changes, readiness and batches", () => {
    const layout = layoutRecovery(threeTier, threeTierFleet);
    expect(layout.waves.map((w) => [w.index, w.groups.map((g) => g.id)])).toEqual([
      [1, ["db"]],
      [2, ["app"]],
      [3, ["web"]],
    ]);
    const db = layout.waves[0]?.groups[0];
    expect(db).toMatchObject({ id: "db", critical: true, approval: false });
    expect(db?.servers.map((s) => s.sourceServerId)).toEqual([sid(7), sid(8), sid(9)]);
    expect(db?.servers[0]).toEqual({
      sourceServerId: sid(7),
      hostname: "host-7",
      settings: {
        instanceType: "r6i.xlarge",
        rightSizing: "NONE",
        subnetId: "subnet-0aaa1111",
        privateIp: "10.0.1.15",
        tags: { "recovered-by": "drs" },
      },
      changes: {
        updateLaunchConfiguration: {
          sourceServerID: sid(7),
          targetInstanceTypeRightSizingMethod: "NONE",
          copyPrivateIp: false,
        },
        launchTemplateData: {
          InstanceType: "r6i.xlarge",
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: "subnet-0aaa1111", PrivateIpAddress: "10.0.1.15" }],
          TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "recovered-by", Value: "drs" }] }],
        },
        warnings: [],
      },
      readiness: { sourceServerId: sid(7), ready: true, lagSeconds: 2 },
    });
    expect(layout.waves[2]?.groups[0]).toMatchObject({ id: "web", critical: false, approval: true });
    expect(layout.waves.map((w) => w.batches)).toEqual([
      [{ id: "w1-b1", waveIndex: 1, sourceServerIds: [sid(7), sid(8), sid(9)] }],
      [{ id: "w2-b1", waveIndex: 2, sourceServerIds: [sid(4), sid(5), sid(6)] }],
      [{ id: "w3-b1", waveIndex: 3, sourceServerIds: [sid(1), sid(2), sid(3)] }],
    ]);
    expect(layout.notReady).toEqual([]);
    expect(layout.warnings).toEqual([]);
    expect(layout.resolution.overlaps).toEqual([]);
  });

  it("batches a large wave within the quotas", () => {
    const fleet = Array.from({ length: 250 }, (_, i) => server(i, { tier: "app" }));
    const layout = layoutRecovery(
      plan({ groups: [{ id: "app", select: { tags: { tier: "app" } } }] }),
      fleet,
    );
    expect(layout.waves[0]?.batches.map((b) => b.sourceServerIds.length)).toEqual([84, 83, 83]);
    const small = layoutRecovery(
      plan({ groups: [{ id: "app", select: { tags: { tier: "app" } } }] }),
      fleet,
      {
        maxServersPerJob: 50,
        maxConcurrentJobs: 2,
        maxServersInActiveJobs: 100,
      },
    );
    expect(small.waves[0]?.batches.map((b) => b.id)).toEqual(["w1-b1", "w1-b2", "w1-b3", "w1-b4", "w1-b5"]);
  });

  const mixedFleet = [
    server(1, { tier: "db" }),
    server(2, { tier: "db" }, { state: "STALLED", lag: "PT1S" }),
    server(3, { tier: "app" }, { state: "CONTINUOUS", lag: "PT10M" }),
    server(4, { tier: "app" }),
  ];
  const mixedGroups: PlanInput["groups"] = [
    { id: "db", select: { tags: { tier: "db" } } },
    { id: "app", select: { tags: { tier: "app" } }, dependsOn: ["db"] },
  ];

  it("keeps not-ready servers in their batches and says the recovery will not start when notReady is abort", () => {
    const layout = layoutRecovery(plan({ groups: mixedGroups }), mixedFleet);
    expect(layout.notReady.map((r) => [r.sourceServerId, r.code])).toEqual([
      [sid(2), "STALLED"],
      [sid(3), "LAG_OVER_RPO"],
    ]);
    expect(layout.waves.map((w) => w.batches.flatMap((b) => b.sourceServerIds))).toEqual([
      [sid(1), sid(2)],
      [sid(3), sid(4)],
    ]);
    expect(layout.warnings).toEqual([
      "2 servers not ready: the recovery will not start until they are (failure.notReady: abort)",
    ]);
  });

  it("leaves not-ready servers out of the batches when notReady is skip", () => {
    const layout = layoutRecovery(plan({ groups: mixedGroups, failure: { notReady: "skip" } }), mixedFleet);
    expect(layout.waves.map((w) => w.batches.flatMap((b) => b.sourceServerIds))).toEqual([
      [sid(1)],
      [sid(4)],
    ]);
    expect(layout.waves[0]?.groups[0]?.servers.map((s) => s.sourceServerId)).toEqual([sid(1), sid(2)]);
    expect(layout.warnings).toEqual([
      "2 servers not ready will be left out of the launch (failure.notReady: skip)",
    ]);
  });

  it("launches a server selected by two groups once, with the group that launches first", () => {
    const fleet = [server(1, { tier: "db", env: "prod" }), server(2, { tier: "app", env: "prod" })];
    const layout = layoutRecovery(
      plan({
        groups: [
          { id: "prod", select: { tags: { env: "prod" } }, dependsOn: ["db"] },
          { id: "db", select: { tags: { tier: "db" } } },
        ],
      }),
      fleet,
    );
    expect(
      layout.waves.map((w) => w.groups.map((g) => [g.id, g.servers.map((s) => s.sourceServerId)])),
    ).toEqual([[["db", [sid(1)]]], [["prod", [sid(2)]]]]);
    expect(layout.resolution.overlaps).toEqual([{ sourceServerId: sid(1), groupIds: ["prod", "db"] }]);
    expect(layout.warnings).toEqual([
      `${sid(1)} is selected by groups prod, db; it launches once, with group db`,
    ]);
  });

  it("warns about IDs not in the fleet, empty groups and groups an explicit wave order leaves out", () => {
    const layout = layoutRecovery(
      plan({
        groups: [
          { id: "db", select: { sourceServerIds: [sid(1), sid(42)] } },
          { id: "cache", select: { tags: { tier: "cache" } } },
          { id: "app", select: { tags: { tier: "app" } } },
        ],
        waves: [
          ["db", "ghost"],
          ["cache", "db"],
        ],
      }),
      [server(1, { tier: "db" }), server(2, { tier: "app" })],
    );
    expect(layout.warnings).toEqual([
      `groups[0].select.sourceServerIds[1]: ${sid(42)} of group db is not in the fleet`,
      "group cache selects no server",
      "wave 1 lists unknown group ghost",
      "wave 2 lists group db again; it launches only once",
      "group app is in no wave; its servers do not launch",
    ]);
    expect(layout.waves.map((w) => w.batches.flatMap((b) => b.sourceServerIds))).toEqual([[sid(1)], []]);
    expect(layout.resolution.unmatchedIds).toEqual([
      { groupId: "db", sourceServerId: sid(42), path: "groups[0].select.sourceServerIds[1]" },
    ]);
  });

  it("passes on the launch warnings of each server", () => {
    const layout = layoutRecovery(
      plan({
        groups: [
          {
            id: "db",
            select: { tags: { tier: "db" } },
            launch: { instanceType: "r6i.large", rightSizing: "BASIC" },
          },
        ],
      }),
      [server(1, { tier: "db" })],
    );
    expect(layout.warnings).toEqual([
      `${sid(1)}: instanceType r6i.large is ignored because rightSizing is BASIC (DRS picks the type); set rightSizing: NONE to launch r6i.large`,
    ]);
    expect(layout.waves[0]?.groups[0]?.servers[0]?.changes.warnings).toEqual(layout.warnings);
  });

  it("throws DependencyCycleError for a plan whose groups depend on each other in a loop", () => {
    expect(() =>
      layoutRecovery(
        plan({
          groups: [
            { id: "db", select: { tags: { tier: "db" } }, dependsOn: ["app"] },
            { id: "app", select: { tags: { tier: "app" } }, dependsOn: ["db"] },
          ],
        }),
        threeTierFleet,
      ),
    ).toThrow(DependencyCycleError);
  });

  it("launches every selected server exactly once, after every group it depends on, the same way every time", () => {
    const scenarioArb = fc.integer({ min: 1, max: 8 }).chain((groupCount) =>
      fc.record({
        deps: fc.array(fc.uniqueArray(fc.nat(), { maxLength: 3 }), {
          minLength: groupCount,
          maxLength: groupCount,
        }),
        serverTiers: fc.array(
          fc.record({ tier: fc.nat({ max: groupCount }), ready: fc.boolean(), prod: fc.boolean() }),
          {
            maxLength: 120,
          },
        ),
        prodGroup: fc.boolean(),
        skip: fc.boolean(),
        perJob: fc.integer({ min: 1, max: 30 }),
      }),
    );
    fc.assert(
      fc.property(scenarioArb, ({ deps, serverTiers, prodGroup, skip, perJob }) => {
        const groups: PlanInput["groups"] = deps.map((picks, i) => ({
          id: `g${i}`,
          select: { tags: { tier: `t${i}` } },
          ...(i > 0 && { dependsOn: [...new Set(picks.map((k) => `g${k % i}`))] }),
        }));
        // A group overlapping all the others by tag, to exercise one-launch-per-server.
        if (prodGroup) groups.push({ id: "prod", select: { tags: { env: "prod" } } });
        const fleet = serverTiers.map(({ tier, ready, prod }, n) =>
          server(
            n,
            { tier: `t${tier}`, ...(prod && { env: "prod" }) },
            ready ? { state: "CONTINUOUS", lag: "PT3S" } : { state: "BACKLOG", lag: "PT3S" },
          ),
        );
        const p = plan({ groups, failure: { notReady: skip ? "skip" : "abort" } });
        const quotas = { maxServersPerJob: perJob, maxConcurrentJobs: 3, maxServersInActiveJobs: 40 };
        const layout = layoutRecovery(p, fleet, quotas);

        const waveOfGroup = new Map<string, number>();
        const placed = new Map<string, number>();
        for (const wave of layout.waves) {
          for (const group of wave.groups) {
            waveOfGroup.set(group.id, wave.index);
            for (const s of group.servers) {
              expect(placed.has(s.sourceServerId)).toBe(false);
              placed.set(s.sourceServerId, wave.index);
            }
          }
          const launching = wave.groups
            .flatMap((g) => g.servers)
            .filter((s) => s.readiness.ready || !skip)
            .map((s) => s.sourceServerId);
          expect(wave.batches.flatMap((b) => b.sourceServerIds)).toEqual(launching);
          for (const b of wave.batches) {
            expect(b.waveIndex).toBe(wave.index);
            expect(b.sourceServerIds.length).toBeLessThanOrEqual(perJob);
          }
        }
        const selected = new Set(layout.resolution.groups.flatMap((g) => g.sourceServerIds));
        expect(new Set(placed.keys())).toEqual(selected);
        for (const g of p.groups) {
          for (const dep of g.dependsOn ?? []) {
            expect(waveOfGroup.get(g.id)).toBeGreaterThan(waveOfGroup.get(dep) as number);
          }
        }
        expect(layout.notReady.map((r) => r.sourceServerId).sort()).toEqual(
          fleet
            .filter(
              (s) =>
                selected.has(s.sourceServerID) &&
                s.dataReplicationInfo?.dataReplicationState !== "CONTINUOUS",
            )
            .map((s) => s.sourceServerID)
            .sort(),
        );
        expect(layoutRecovery(p, fleet, quotas)).toEqual(layout);
      }),
      { numRuns: 60 },
    );
  });
});
