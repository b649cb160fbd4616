import {
  DescribeRecoverySnapshotsCommand,
  type DescribeRecoverySnapshotsCommandInput,
  DescribeSourceServersCommand,
  DrsClient,
  paginateDescribeRecoverySnapshots,
  type RecoverySnapshot,
  ResourceNotFoundException,
  ValidationException,
} from "@aws-sdk/client-drs";
import { fleetSchema } from "@drs-orchestrator/core";
import {
  generateFleet,
  type LocalAws,
  type StartLocalAwsOptions,
  startLocalAws,
} from "@drs-orchestrator/local";
import { afterEach, describe, expect, it } from "vitest";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Just past a 10-minute mark: at 10× real time the next snapshot is a real minute away. */
const START = "2026-11-21T10:00:30Z";

const generated = generateFleet({ servers: 4, seed: 3 });
const [HEALTHY, DISCONNECTED, STALLED, SYNCING] = generated.sourceServers.map(
  (server) => server.sourceServerID,
) as [string, string, string, string];
const fleet = fleetSchema.parse({
  ...generated,
  sourceServers: generated.sourceServers.map((server, index) => ({
    ...server,
    dataReplicationInfo: [
      { dataReplicationState: "CONTINUOUS", lagDuration: "PT1S" },
      { dataReplicationState: "DISCONNECTED", lagDuration: "PT3H" },
      { dataReplicationState: "STALLED", lagDuration: "PT20M" },
      { dataReplicationState: "INITIAL_SYNC" },
    ][index],
  })),
});

let local: LocalAws | undefined;
let client: DrsClient | undefined;
afterEach(async () => {
  client?.destroy();
  await local?.stop();
  local = undefined;
  client = undefined;
});

async function start(options: StartLocalAwsOptions = {}) {
  local = await startLocalAws({ fleet, speed: 10, start: new Date(START), ...options });
  client = new DrsClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return { local, client };
}

async function all(drs: DrsClient, input: DescribeRecoverySnapshotsCommandInput, pageSize?: number) {
  const snapshots: RecoverySnapshot[] = [];
  let pages = 0;
  for await (const page of paginateDescribeRecoverySnapshots({ client: drs, pageSize }, input)) {
    snapshots.push(...(page.items ?? []));
    pages++;
  }
  return { snapshots, pages };
}

async function failure<T>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error(`expected ${type.name}`);
}

const times = (snapshots: RecoverySnapshot[]) => snapshots.map((snapshot) => snapshot.timestamp);

describe("DRS emulator: DescribeRecoverySnapshots", () => {
  it("lists a healthy server's week of snapshots in either order, page by page, as the accessor does", async () => {
    const { local, client } = await start();
    const newestFirst = local.drs.recoverySnapshots(HEALTHY);
    expect(newestFirst).toHaveLength(6 + 23 + 6);
    expect(times(newestFirst).slice(0, 3)).toEqual([
      "2026-11-21T10:00:00Z",
      "2026-11-21T09:50:00Z",
      "2026-11-21T09:40:00Z",
    ]);
    expect(newestFirst.at(-1)?.timestamp).toBe("2026-11-15T00:00:00Z");
    for (const snapshot of newestFirst) {
      expect(snapshot).toEqual({
        snapshotID: expect.stringMatching(/^pit-[0-9a-zA-Z]{17}$/),
        sourceServerID: HEALTHY,
        expectedTimestamp: snapshot.timestamp,
        timestamp: expect.stringMatching(/^2026-11-\d\dT\d\d:\d0:00Z$/),
        ebsSnapshots: [expect.stringMatching(/^snap-[0-9a-zA-Z]{17}$/)],
      });
    }

    const desc = await all(client, { sourceServerID: HEALTHY, order: "DESC" }, 4);
    expect(desc.snapshots).toEqual(newestFirst);
    expect(desc.pages).toBe(Math.ceil(newestFirst.length / 4));
    const asc = await all(client, { sourceServerID: HEALTHY, order: "ASC" }, 7);
    expect(asc.snapshots).toEqual([...newestFirst].reverse());
    // No order given: oldest first.
    const { items, nextToken } = await client.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: HEALTHY }),
    );
    expect(items).toEqual([...newestFirst].reverse());
    expect(nextToken).toBeUndefined();
    // The same snapshot keeps its ID from one call to the next.
    expect(local.drs.recoverySnapshots(HEALTHY).map((snapshot) => snapshot.snapshotID)).toEqual(
      newestFirst.map((snapshot) => snapshot.snapshotID),
    );
  });

  it("filters by time, both ends inclusive", async () => {
    const { client } = await start();
    const { items } = await client.send(
      new DescribeRecoverySnapshotsCommand({
        sourceServerID: HEALTHY,
        filters: { fromDateTime: "2026-11-21T06:00:00Z", toDateTime: "2026-11-21T09:30:00Z" },
        order: "DESC",
      }),
    );
    expect(times(items ?? [])).toEqual([
      "2026-11-21T09:30:00Z",
      "2026-11-21T09:20:00Z",
      "2026-11-21T09:10:00Z",
      "2026-11-21T09:00:00Z",
      "2026-11-21T08:00:00Z",
      "2026-11-21T07:00:00Z",
      "2026-11-21T06:00:00Z",
    ]);
    // The newest snapshot at or before a time: what a recovery "as of" that time launches from.
    const asOf = await client.send(
      new DescribeRecoverySnapshotsCommand({
        sourceServerID: HEALTHY,
        filters: { toDateTime: "2026-11-21T08:15:00Z" },
        order: "DESC",
        maxResults: 1,
      }),
    );
    expect(times(asOf.items ?? [])).toEqual(["2026-11-21T08:00:00Z"]);
    expect(asOf.nextToken).toEqual(expect.any(String));
  });

  it("has no snapshot newer than now − lag for disconnected and stalled servers, and none before initial sync", async () => {
    const { local, client } = await start();
    const list = async (sourceServerID: string) =>
      (await all(client, { sourceServerID, order: "DESC" })).snapshots;
    const disconnected = await list(DISCONNECTED);
    // Three hours behind at 10:00:30: the newest is the hourly snapshot of 07:00.
    expect(disconnected[0]?.timestamp).toBe("2026-11-21T07:00:00Z");
    // Hourly from 07:00 back to 11:00 the day before, then daily.
    expect(disconnected).toHaveLength(21 + 6);
    const stalled = await list(STALLED);
    expect(stalled[0]?.timestamp).toBe("2026-11-21T09:40:00Z");
    expect(await list(SYNCING)).toEqual([]);
    expect(local.drs.recoverySnapshots(SYNCING)).toEqual([]);

    const { items } = await client.send(
      new DescribeSourceServersCommand({ filters: { sourceServerIDs: [DISCONNECTED] } }),
    );
    expect(items?.[0]?.dataReplicationInfo).toMatchObject({
      dataReplicationState: "DISCONNECTED",
      lagDuration: expect.stringMatching(/^PT3H(0M)?\d*S?$/),
    });
  });

  it("takes a snapshot every 10 minutes while the clock runs, drops the old ones, and keeps paging without gaps", async () => {
    // Five minutes before midnight, at 10 simulated minutes per real second.
    const { local, client } = await start({ speed: 600, start: new Date("2026-11-21T23:55:00Z") });
    const first = await client.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: HEALTHY, order: "ASC", maxResults: 5 }),
    );
    expect(times(first.items ?? [])).toEqual([
      "2026-11-15T00:00:00Z",
      "2026-11-16T00:00:00Z",
      "2026-11-17T00:00:00Z",
      "2026-11-18T00:00:00Z",
      "2026-11-19T00:00:00Z",
    ]);
    const before = local.drs.recoverySnapshots(HEALTHY);
    expect(before[0]?.timestamp).toBe("2026-11-21T23:50:00Z");
    await local.clock.sleep(6 * MINUTE);

    // Past midnight: a new snapshot, and the oldest daily one is more than a week old.
    const after = local.drs.recoverySnapshots(HEALTHY);
    expect(after[0]?.timestamp).toBe("2026-11-22T00:00:00Z");
    expect(after.at(-1)?.timestamp).toBe("2026-11-16T00:00:00Z");
    const idsBefore = new Map(before.map((snapshot) => [snapshot.timestamp, snapshot.snapshotID]));
    const shared = after.filter((snapshot) => idsBefore.has(snapshot.timestamp));
    expect(shared).toHaveLength(after.length - 1);
    for (const snapshot of shared) expect(snapshot.snapshotID).toBe(idsBefore.get(snapshot.timestamp));

    // The listing goes on after the last snapshot of the first page, though one before it is gone.
    const rest: RecoverySnapshot[] = [];
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await client.send(
        new DescribeRecoverySnapshotsCommand({
          sourceServerID: HEALTHY,
          order: "ASC",
          maxResults: 5,
          nextToken,
        }),
      );
      rest.push(...(page.items ?? []));
      nextToken = page.nextToken;
    }
    expect(rest).toEqual([...after].reverse().slice(4));
    expect(rest[0]?.timestamp).toBe("2026-11-20T00:00:00Z");
  });

  it("changes the history with replication: a stall takes no more snapshots, a resume starts again after a gap", async () => {
    const { local } = await start({ speed: 36_000 });
    local.drs.setReplication(HEALTHY, { state: "STALLED" });
    const stalledAt = local.clock.nowMs();
    await local.clock.sleep(2 * HOUR);
    expect(Date.parse(local.drs.recoverySnapshots(HEALTHY)[0]?.timestamp as string)).toBeLessThanOrEqual(
      stalledAt,
    );
    local.drs.setReplication(HEALTHY, { state: "CONTINUOUS", lagSeconds: 0 });
    const resumedAt = local.clock.nowMs();
    await local.clock.sleep(HOUR);
    const snapshots = local.drs
      .recoverySnapshots(HEALTHY)
      .map((snapshot) => Date.parse(snapshot.timestamp as string));
    expect(snapshots[0]).toBeGreaterThanOrEqual(resumedAt);
    expect(snapshots.filter((time) => time > stalledAt && time < resumedAt)).toEqual([]);
    expect(local.drs.sourceServer(HEALTHY)?.dataReplicationInfo?.lagDuration).toBe("PT0S");

    local.drs.setReplication(HEALTHY, { state: "STOPPED" });
    expect(local.drs.recoverySnapshots(HEALTHY)).toEqual([]);
    // A Stalled Change event when it became STALLED and when it stopped being so; none for STOPPED.
    await local.drs.idle();
    expect(local.drs.counters.eventsPublished).toBe(2);
    expect(() => local.drs.setReplication(HEALTHY, { state: "BROKEN" as "STALLED" })).toThrow(
      /BROKEN is not a DRS data replication state/,
    );
    expect(() => local.drs.setReplication("s-0000000000000dead", { state: "STALLED" })).toThrow(
      /s-0000000000000dead is not in the fleet/,
    );
  });

  it("keeps the snapshots a configured point-in-time policy keeps", async () => {
    const { local } = await start({ pitPolicy: [{ units: "HOUR", interval: 4, retentionDuration: 12 }] });
    expect(times(local.drs.recoverySnapshots(HEALTHY))).toEqual([
      "2026-11-21T08:00:00Z",
      "2026-11-21T04:00:00Z",
      "2026-11-21T00:00:00Z",
    ]);
    await expect(startLocalAws({ fleet, pitPolicy: [] })).rejects.toThrow(
      /pitPolicy: needs at least one rule/,
    );
  });

  it("answers as DRS does: unknown servers, bad order, page size, dates and tokens", async () => {
    const { client } = await start();
    const missing = await failure(
      client.send(new DescribeRecoverySnapshotsCommand({ sourceServerID: "s-0000000000000dead" })),
      ResourceNotFoundException,
    );
    expect(missing).toMatchObject({ resourceId: "s-0000000000000dead", resourceType: "SOURCE_SERVER" });

    const bad = await failure(
      client.send(
        new DescribeRecoverySnapshotsCommand({
          sourceServerID: HEALTHY,
          order: "NEWEST" as "ASC",
          maxResults: 0,
          filters: { fromDateTime: "yesterday" },
        }),
      ),
      ValidationException,
    );
    expect(bad.reason).toBe("fieldValidationFailed");
    expect(bad.fieldList).toEqual([
      {
        name: "filters.fromDateTime",
        message: "must be an ISO-8601 UTC date-time such as 2026-11-21T10:00:00Z",
      },
      { name: "order", message: "must be ASC or DESC" },
      { name: "maxResults", message: "must be at least 1" },
    ]);
    const noServer = await failure(
      client.send(new DescribeRecoverySnapshotsCommand({} as DescribeRecoverySnapshotsCommandInput)),
      ValidationException,
    );
    expect(noServer.fieldList?.map((field) => field.name)).toEqual(["sourceServerID"]);

    // A token is good for the listing that returned it only.
    const { nextToken } = await client.send(
      new DescribeRecoverySnapshotsCommand({ sourceServerID: HEALTHY, order: "DESC", maxResults: 2 }),
    );
    for (const input of [
      { sourceServerID: DISCONNECTED, order: "DESC" as const },
      { sourceServerID: HEALTHY, order: "ASC" as const },
    ]) {
      const token = await failure(
        client.send(new DescribeRecoverySnapshotsCommand({ ...input, nextToken })),
        ValidationException,
      );
      expect(token.fieldList).toEqual([
        { name: "nextToken", message: "is not a token DescribeRecoverySnapshots returned" },
      ]);
    }
  });
});
