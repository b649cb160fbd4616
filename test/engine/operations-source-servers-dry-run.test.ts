import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type Fleet, InvalidInputError, PlanNotFoundError } from "@drs-orchestrator/core";
import { describeSourceServersView, dryRunPlan, type EngineContext } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFile } from "../support/local-app";
import { exampleFleet, type LocalEngine, startLocalEngine } from "../support/local-engine";
import { rejection } from "../support/waiting";

/**
 * The read-only operations an operator runs before a recovery, on the local runtime with the
 * example fleet: the source servers with lag and readiness, and a plan's dry run over them.
 */

/** In the example fleet: replication STALLED, CONTINUOUS with a 25-minute lag, still in INITIAL_SYNC. */
const STALLED = "s-675ba4564873e1849";
const LAGGING = "s-b9865b8aa14ef6f1d";
const SYNCING = "s-c1aedaf321441933d";

let env: LocalEngine;
let engine: EngineContext;
let fleet: Fleet;

beforeAll(async () => {
  env = await startLocalEngine();
  engine = env.engine;
  fleet = await exampleFleet();
}, 30_000);

afterAll(() => env?.stop());

const now = () => env.local.clock.now();

async function itemCount(table: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await engine.aws.dynamo.send(
      new ScanCommand({ TableName: table, Select: "COUNT", ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

describe("describeSourceServersView", () => {
  it("lists every source server by ID with its replication, and without an RPO judges replication state only", async () => {
    const at = now();
    const servers = await describeSourceServersView(engine, {}, at);
    expect(servers).toHaveLength(fleet.sourceServers.length);
    expect(servers.map((server) => server.sourceServerId)).toEqual(
      fleet.sourceServers.map((server) => server.sourceServerID).sort(),
    );

    const byId = new Map(servers.map((server) => [server.sourceServerId, server]));
    expect(byId.get(LAGGING)).toEqual({
      sourceServerId: LAGGING,
      hostname: "estate-reporting-04",
      tags: { app: "estate", tier: "reporting", env: "prod" },
      replicationState: "CONTINUOUS",
      lagSeconds: 1500,
      replicatedUpTo: new Date(at.getTime() - 1_500_000).toISOString(),
      ready: true,
    });
    expect(byId.get(STALLED)).toMatchObject({
      replicationState: "STALLED",
      // A stalled server's lag grows with the (simulated) time since it stalled at 41 minutes.
      lagSeconds: expect.toSatisfy((lag: number) => lag >= 2460),
      ready: false,
      notReadyReason: expect.stringContaining("STALLED"),
    });
    expect(byId.get(SYNCING)).toMatchObject({
      replicationState: "INITIAL_SYNC",
      ready: false,
      notReadyReason: expect.stringContaining("INITIAL_SYNC, not CONTINUOUS"),
    });
    expect(
      servers
        .filter((server) => !server.ready)
        .map((server) => server.sourceServerId)
        .sort(),
    ).toEqual([STALLED, SYNCING].sort());
  });

  it("judges lag against an RPO the way Prepare does, and filters by tags and IDs", async () => {
    const reporting = await describeSourceServersView(
      engine,
      { rpoSeconds: 300, tags: { app: "estate", tier: "reporting" } },
      now(),
    );
    const expected = fleet.sourceServers.filter(
      (server) => server.tags.app === "estate" && server.tags.tier === "reporting",
    );
    expect(reporting).toHaveLength(expected.length);
    expect(reporting.filter((server) => !server.ready)).toEqual([
      expect.objectContaining({
        sourceServerId: LAGGING,
        notReadyReason: `${LAGGING} replication lag 25m exceeds the RPO of 5m`,
      }),
    ]);

    const listed = await describeSourceServersView(
      engine,
      { sourceServerIds: [STALLED, LAGGING], rpoSeconds: 3600 },
      now(),
    );
    expect(listed.map((server) => [server.sourceServerId, server.ready])).toEqual([
      [STALLED, false],
      [LAGGING, true],
    ]);
  });

  it("names each bad option and each listed ID DRS does not know", async () => {
    const unknown = await rejection(
      describeSourceServersView(engine, { sourceServerIds: [LAGGING, "s-00000000000000000"] }, now()),
    );
    expect(unknown).toBeInstanceOf(InvalidInputError);
    expect((unknown as InvalidInputError).problems).toEqual([
      {
        path: "sourceServerIds[1]",
        message: "s-00000000000000000 is not a DRS source server in this account and region",
      },
    ]);

    const bad = await rejection(
      describeSourceServersView(engine, { rpoSeconds: -5, tag: {} } as never, now()),
    );
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).problems.map((problem) => problem.path).sort()).toEqual([
      "rpoSeconds",
      "tag",
    ]);
  });
});

describe("dryRunPlan", () => {
  it("lays a stored plan over the live servers: waves, batches and readiness, and writes nothing", async () => {
    await engine.plans.apply(await planFile("three-tier.yaml"), "ops-tests", now());
    const before = [
      await itemCount(engine.config.plansTable),
      await itemCount(engine.config.executionsTable),
    ];

    const at = now();
    const dryRun = await dryRunPlan(engine, { planId: "shop" }, at);
    expect(dryRun.ok).toBe(true);
    expect(dryRun.issues).toEqual([]);
    expect(dryRun.checkedAt).toBe(at.toISOString());
    expect(dryRun.plan).toEqual({ id: "shop", name: "Three-tier web shop", rto: 2700, rpo: 300, version: 1 });
    expect(dryRun.layout?.waves.map((wave) => wave.groups.map((group) => group.id))).toEqual([
      ["db"],
      ["app"],
      ["web"],
    ]);
    for (const wave of dryRun.layout?.waves ?? []) {
      expect(wave.groups[0]?.servers).toHaveLength(3);
      expect(wave.batches.flatMap((batch) => batch.sourceServerIds)).toHaveLength(3);
    }
    expect(dryRun.layout?.notReady).toEqual([]);
    expect(await dryRunPlan(engine, { planId: "shop", version: 1 }, at)).toEqual(dryRun);

    expect([
      await itemCount(engine.config.plansTable),
      await itemCount(engine.config.executionsTable),
    ]).toEqual(before);
  });

  it("reports what Prepare would refuse a document for: unknown servers, empty groups, servers not ready", async () => {
    const document = {
      id: "reporting-check",
      name: "Reporting check",
      rto: "1h",
      rpo: "5m",
      launch: { subnetId: "subnet-0a1b2c3d4e5f60001", securityGroupIds: ["sg-0a1b2c3d4e5f60001"] },
      groups: [
        { id: "reporting", select: { tags: { app: "estate", tier: "reporting" } } },
        { id: "ghosts", select: { sourceServerIds: ["s-00000000000000000"] }, dependsOn: ["reporting"] },
        { id: "nothing", select: { tags: { app: "nowhere" } } },
      ],
      failure: { notReady: "abort" },
    };
    const dryRun = await dryRunPlan(engine, { document }, now());
    expect(dryRun.ok).toBe(false);
    expect(dryRun.plan).toEqual({ id: "reporting-check", name: "Reporting check", rto: 3600, rpo: 300 });
    expect(dryRun.layout?.notReady.map((server) => server.sourceServerId)).toEqual([LAGGING]);
    expect(dryRun.issues.map(({ path, message }) => ({ path, message }))).toEqual([
      {
        path: "groups[1].select.sourceServerIds[0]",
        message: "s-00000000000000000 (group ghosts) is not a DRS source server in this account and region",
      },
      { path: "groups[1].select", message: "group ghosts selects no DRS source server" },
      { path: "groups[2].select", message: "group nothing selects no DRS source server" },
      {
        path: "failure.notReady",
        message: `${LAGGING} replication lag 25m exceeds the RPO of 5m; a start would be refused`,
      },
    ]);
    expect(dryRun.issues.every((issue) => issue.fix)).toBe(true);
  });

  it("answers an invalid document with its issues by path, and a missing stored plan with PlanNotFoundError", async () => {
    const dryRun = await dryRunPlan(
      engine,
      { document: { id: "broken", name: "Broken", rto: "soon", groups: [{ id: "a", dependsOn: ["b"] }] } },
      now(),
    );
    expect(dryRun.ok).toBe(false);
    expect(dryRun.layout).toBeUndefined();
    expect(dryRun.plan).toBeUndefined();
    const paths = dryRun.issues.map((issue) => issue.path);
    expect(paths).toContain("rto");
    expect(paths.some((path) => path.startsWith("groups[0]"))).toBe(true);
    for (const issue of dryRun.issues) expect(issue.message.length).toBeGreaterThan(0);

    expect(await rejection(dryRunPlan(engine, { planId: "no-such-plan" }, now()))).toBeInstanceOf(
      PlanNotFoundError,
    );
    expect(await rejection(dryRunPlan(engine, { planId: "shop", version: 9 }, now()))).toBeInstanceOf(
      PlanNotFoundError,
    );
  });
});
