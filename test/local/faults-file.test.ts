import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  StartRecoveryCommand,
} from "@aws-sdk/client-drs";
import { formatPlanIssue } from "@drs-orchestrator/core";
import {
  applyFaultsData,
  generateFleet,
  type LocalAws,
  loadFaultsFile,
  startLocalAws,
} from "@drs-orchestrator/local";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const fleet = generateFleet({ servers: 4, seed: 9 });
const [DB, APP, WEB, OTHER] = fleet.sourceServers.map((server) => server.sourceServerID) as [
  string,
  string,
  string,
  string,
];
const DIR = mkdtempSync(join(tmpdir(), "faults-file-"));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

let local: LocalAws | undefined;
afterEach(async () => {
  await local?.stop();
  local = undefined;
});

function problems(data: unknown, withFleet = true): string[] {
  const result = applyFaultsData(data, withFleet ? fleet : undefined);
  if (result.ok) throw new Error("expected the faults file to be refused");
  return result.issues.map((issue) => formatPlanIssue(issue));
}

describe("faults file", () => {
  it("maps every key onto the emulator's fault options and the fleet's replication", () => {
    const result = applyFaultsData(
      {
        seed: 7,
        replication: {
          [DB]: { state: "DISCONNECTED", lag: "PT3H" },
          [APP]: { state: "STALLED", lag: "45m" },
        },
        failLaunch: { [WEB]: 2 },
        dropEventsPercent: 50,
        delayEventsSeconds: 30,
        throttlePercent: 10,
        stall: { servers: [OTHER], after: "PT30M" },
      },
      fleet,
    );
    if (!result.ok) throw new Error(result.issues.map((issue) => formatPlanIssue(issue)).join("\n"));
    expect(result.faults).toEqual({
      seed: 7,
      throttle: { percent: 10 },
      failLaunch: { times: { [WEB]: 2 } },
      dropEvents: { percent: 50 },
      delayEvents: { seconds: 30 },
      stallReplication: { sourceServerIds: [OTHER], afterSeconds: 1800 },
    });
    const replication = Object.fromEntries(
      (result.fleet?.sourceServers ?? []).map((server) => [
        server.sourceServerID,
        server.dataReplicationInfo,
      ]),
    );
    expect(replication[DB]).toMatchObject({ dataReplicationState: "DISCONNECTED", lagDuration: "PT3H" });
    expect(replication[APP]).toMatchObject({ dataReplicationState: "STALLED", lagDuration: "PT45M" });
    expect(replication[WEB]).toEqual(fleet.sourceServers[2]?.dataReplicationInfo);
    // The fleet given is left as it was.
    expect(fleet.sourceServers[0]?.dataReplicationInfo?.dataReplicationState).toBe("CONTINUOUS");
    expect(applyFaultsData({}, undefined)).toEqual({ ok: true, file: {}, faults: {} });
  });

  it("starts the runtime on the bad day: DescribeSourceServers and the snapshots show the file's replication", async () => {
    const result = applyFaultsData(
      { replication: { [DB]: { state: "DISCONNECTED", lag: "PT3H" } }, failLaunch: { [APP]: 1 } },
      fleet,
    );
    if (!result.ok) throw new Error("expected the faults file to apply");
    local = await startLocalAws({
      fleet: result.fleet,
      faults: result.faults,
      start: new Date("2026-11-21T10:00:30Z"),
      speed: 600,
      timings: { jobStartSeconds: 1, snapshotSeconds: 1, conversionSeconds: 1, bootLinuxSeconds: 1 },
    });
    const drs = new DrsClient({
      endpoint: local.endpoint,
      region: local.region,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    try {
      const { items } = await drs.send(
        new DescribeSourceServersCommand({ filters: { sourceServerIDs: [DB, APP] } }),
      );
      const byId = Object.fromEntries(
        (items ?? []).map((item) => [item.sourceServerID, item.dataReplicationInfo]),
      );
      expect(byId[DB]).toMatchObject({
        dataReplicationState: "DISCONNECTED",
        // Three hours behind at start, and further behind as the clock runs.
        lagDuration: expect.stringMatching(/^PT3H/),
      });
      expect(byId[APP]?.dataReplicationState).toBe("CONTINUOUS");
      const { items: snapshots } = await drs.send(
        new DescribeRecoverySnapshotsCommand({ sourceServerID: DB, order: "DESC", maxResults: 1 }),
      );
      expect(snapshots?.[0]?.timestamp).toBe("2026-11-21T07:00:00Z");

      for (const expected of ["FAILED", "LAUNCHED"]) {
        const { job } = await drs.send(
          new StartRecoveryCommand({ isDrill: true, sourceServers: [{ sourceServerID: APP }] }),
        );
        await local.drs.idle();
        const done = local.drs.jobs().find((candidate) => candidate.jobID === job?.jobID);
        expect(done?.participatingServers?.[0]?.launchStatus).toBe(expected);
      }
    } finally {
      drs.destroy();
    }
  });

  it("names each problem of a bad file with its path and the fix", () => {
    expect(
      problems({
        replication: { [DB]: { state: "DISCONECTED", lag: "3 hours" }, [APP]: { lag: "PT1H" } },
        failLaunch: { [WEB]: 0 },
        dropEventPercent: 50,
        throttlePercent: 120,
        stall: { servers: [] },
      }),
    ).toEqual([
      `replication.${DB}.state: invalid value "DISCONECTED"; allowed values: STOPPED, INITIATING, INITIAL_SYNC, BACKLOG, CREATING_SNAPSHOT, CONTINUOUS, PAUSED, RESCAN, STALLED, DISCONNECTED (fix: did you mean DISCONNECTED?)`,
      `replication.${DB}.lag: "3 hours" is not a duration (fix: write an ISO-8601 duration such as PT3H or PT45M (or 3h, 45m, 1d))`,
      `replication.${APP}.state: missing required field "state" (fix: add state (a DRS data replication state such as CONTINUOUS or DISCONNECTED) to replication.${APP})`,
      `failLaunch.${WEB}: 0 is below the minimum of 1 (fix: use a value of 1 or more)`,
      "throttlePercent: 120 is above the maximum of 100 (fix: use a value of 100 or less)",
      "stall.servers: needs at least 1 entry (fix: add at least 1 entry)",
      'dropEventPercent: unknown key "dropEventPercent"; allowed keys here: seed, replication, failLaunch, dropEventsPercent, delayEventsSeconds, throttlePercent, stall, drift (fix: did you mean "dropEventsPercent"?)',
    ]);
    expect(problems(["DISCONNECTED"])).toEqual(["expected a mapping, got a list (fix: write a mapping)"]);
  });

  it("names every source server that is not in the fleet", () => {
    const file = {
      replication: { "s-0000000000000dead": { state: "DISCONNECTED" }, [DB]: { state: "STALLED" } },
      failLaunch: { "s-123": 1 },
      stall: { servers: [APP, "s-0000000000000beef"] },
    };
    expect(problems(file)).toEqual([
      `replication.s-0000000000000dead: source server "s-0000000000000dead" is not in the fleet (fix: use the sourceServerID of one of the fleet's 4 source servers)`,
      `failLaunch.s-123: source server "s-123" is not in the fleet (fix: use the sourceServerID of one of the fleet's 4 source servers)`,
      `stall.servers[1]: source server "s-0000000000000beef" is not in the fleet (fix: use the sourceServerID of one of the fleet's 4 source servers)`,
    ]);
    expect(problems({ failLaunch: { [DB]: 1 } }, false)).toEqual([
      `failLaunch.${DB}: source server "${DB}" is not in the fleet (fix: start the runtime with a fleet that has it)`,
    ]);
  });

  it("reads the file, reporting JSON syntax errors and unreadable files like any other problem", async () => {
    const good = join(DIR, "good.json");
    writeFileSync(good, JSON.stringify({ failLaunch: { [DB]: 1 } }));
    const loaded = await loadFaultsFile(good, fleet);
    expect(loaded.ok && loaded.faults).toEqual({ failLaunch: { times: { [DB]: 1 } } });

    const broken = join(DIR, "broken.json");
    writeFileSync(broken, '{ "dropEventsPercent": 50, }');
    const syntax = await loadFaultsFile(broken, fleet);
    expect(syntax.ok ? [] : syntax.issues.map((issue) => formatPlanIssue(issue))).toEqual([
      expect.stringMatching(/^JSON syntax error at line 1, column \d+: .* \(fix: correct the JSON there/),
    ]);
    const missing = await loadFaultsFile(join(DIR, "missing.json"), fleet);
    expect(missing.ok ? [] : missing.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/^cannot read the file: ENOENT/),
    ]);
  });
});
