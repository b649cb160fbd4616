import {
  DescribeJobLogItemsCommand,
  DescribeRecoveryInstancesCommand,
  DescribeRecoverySnapshotsCommand,
  DrsClient,
  type JobLog,
  type RecoverySnapshot,
  StartRecoveryCommand,
  type StartRecoveryRequestSourceServer,
  ValidationException,
} from "@aws-sdk/client-drs";
import { fleetSchema } from "@drs-orchestrator/core";
import { generateFleet, type LocalAws, startLocalAws } from "@drs-orchestrator/local";
import { afterEach, describe, expect, it } from "vitest";

const START = "2026-11-21T10:00:30Z";
const QUICK = {
  jobStartSeconds: 5,
  snapshotSeconds: 30,
  conversionSeconds: 30,
  bootLinuxSeconds: 30,
  bootWindowsSeconds: 30,
  terminateSeconds: 30,
};

const generated = generateFleet({ servers: 4, seed: 5 });
const [HEALTHY, DISCONNECTED, SYNCING, FORGOTTEN] = generated.sourceServers.map(
  (server) => server.sourceServerID,
) as [string, string, string, string];
const fleet = fleetSchema.parse({
  ...generated,
  sourceServers: generated.sourceServers.map((server, index) => ({
    ...server,
    dataReplicationInfo: [
      { dataReplicationState: "CONTINUOUS", lagDuration: "PT2S" },
      { dataReplicationState: "DISCONNECTED", lagDuration: "PT3H" },
      { dataReplicationState: "INITIAL_SYNC" },
      // Disconnected longer than the policy keeps any snapshot.
      { dataReplicationState: "DISCONNECTED", lagDuration: "P8D" },
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

async function start() {
  local = await startLocalAws({ fleet, speed: 600, start: new Date(START), timings: QUICK });
  client = new DrsClient({
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return { local, client };
}

/** Launches the servers in one job and waits for it; resolves to each server's log and recovery instance. */
async function launch(drs: DrsClient, aws: LocalAws, sourceServers: StartRecoveryRequestSourceServer[]) {
  const { job } = await drs.send(new StartRecoveryCommand({ isDrill: false, sourceServers }));
  await aws.drs.idle();
  const log = (await drs.send(new DescribeJobLogItemsCommand({ jobID: job?.jobID }))).items ?? [];
  const { items: instances } = await drs.send(
    new DescribeRecoveryInstancesCommand({
      filters: { sourceServerIDs: sourceServers.map((server) => server.sourceServerID as string) },
    }),
  );
  return {
    job: aws.drs.jobs().find((candidate) => candidate.jobID === job?.jobID),
    events: (id: string) => eventsOf(log, id),
    log: (id: string) => log.filter((item) => item.eventData?.sourceServerID === id),
    pointInTime: (id: string) =>
      instances?.find((instance) => instance.sourceServerID === id)?.pointInTimeSnapshotDateTime,
  };
}

function eventsOf(log: JobLog[], sourceServerID: string): string[] {
  return log
    .filter((item) => item.eventData?.sourceServerID === sourceServerID)
    .map((item) => item.event as string);
}

async function snapshots(drs: DrsClient, sourceServerID: string): Promise<RecoverySnapshot[]> {
  return (
    (await drs.send(new DescribeRecoverySnapshotsCommand({ sourceServerID, order: "DESC" }))).items ?? []
  );
}

async function validation(promise: Promise<unknown>): Promise<ValidationException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationException);
    return error as ValidationException;
  }
  throw new Error("expected a ValidationException");
}

const FROM_SNAPSHOT = ["USING_PREVIOUS_SNAPSHOT", "CONVERSION_START", "CONVERSION_END", "LAUNCH_START"];

describe("DRS emulator: launching from point-in-time snapshots", () => {
  it("snapshots a healthy server's latest data, and the new snapshot joins its history", async () => {
    const { local, client } = await start();
    const before = await snapshots(client, HEALTHY);
    const launched = await launch(client, local, [{ sourceServerID: HEALTHY }]);
    expect(launched.events(HEALTHY)).toEqual([
      "SNAPSHOT_START",
      "SNAPSHOT_END",
      "CONVERSION_START",
      "CONVERSION_END",
      "LAUNCH_START",
    ]);
    const pointInTime = launched.pointInTime(HEALTHY) as string;
    // The data as of when the snapshot started: two seconds of lag behind it.
    const snapshotStart = Date.parse(launched.log(HEALTHY)[0]?.logDateTime as string);
    expect(snapshotStart - Date.parse(pointInTime)).toBeGreaterThanOrEqual(1000);
    expect(snapshotStart - Date.parse(pointInTime)).toBeLessThanOrEqual(3000);
    const after = await snapshots(client, HEALTHY);
    const taken = after.find((snapshot) => snapshot.timestamp === pointInTime);
    expect(taken).toMatchObject({ sourceServerID: HEALTHY, expectedTimestamp: pointInTime });
    expect(before.map((snapshot) => snapshot.snapshotID)).not.toContain(taken?.snapshotID);
    expect(local.drs.recoverySnapshots(HEALTHY)).toContainEqual(taken);
  });

  it("launches a server from the snapshot StartRecovery names, taking none", async () => {
    const { local, client } = await start();
    const healthy = (await snapshots(client, HEALTHY)).find(
      (snapshot) => snapshot.timestamp === "2026-11-21T08:00:00Z",
    ) as RecoverySnapshot;
    const disconnected = (await snapshots(client, DISCONNECTED)).find(
      (snapshot) => snapshot.timestamp === "2026-11-21T02:00:00Z",
    ) as RecoverySnapshot;
    const launched = await launch(client, local, [
      { sourceServerID: HEALTHY, recoverySnapshotID: healthy.snapshotID },
      { sourceServerID: DISCONNECTED, recoverySnapshotID: disconnected.snapshotID },
    ]);
    expect(launched.events(HEALTHY)).toEqual(FROM_SNAPSHOT);
    expect(launched.events(DISCONNECTED)).toEqual(FROM_SNAPSHOT);
    expect(launched.pointInTime(HEALTHY)).toBe("2026-11-21T08:00:00Z");
    expect(launched.pointInTime(DISCONNECTED)).toBe("2026-11-21T02:00:00Z");
    expect(launched.job?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "LAUNCHED",
      "LAUNCHED",
    ]);
    // No snapshot was taken: every snapshot the healthy server has is a scheduled one.
    expect(
      (await snapshots(client, HEALTHY)).every((snapshot) => snapshot.timestamp?.endsWith("0:00Z")),
    ).toBe(true);

    // Launching again from another snapshot replaces the recovery instance the first launch made.
    const first = local.drs.sourceServer(HEALTHY)?.recoveryInstanceId;
    const older = (await snapshots(client, HEALTHY)).at(-1) as RecoverySnapshot;
    const again = await launch(client, local, [
      { sourceServerID: HEALTHY, recoverySnapshotID: older.snapshotID },
    ]);
    expect(again.events(HEALTHY)).toEqual([
      "USING_PREVIOUS_SNAPSHOT",
      "CONVERSION_START",
      "CONVERSION_END",
      "CLEANUP_START",
      "CLEANUP_END",
      "LAUNCH_START",
    ]);
    expect(again.log(HEALTHY).find((item) => item.event === "CLEANUP_END")?.eventData?.targetInstanceID).toBe(
      first,
    );
    expect(again.pointInTime(HEALTHY)).toBe(older.timestamp);
  });

  it("launches a disconnected server from its newest snapshot, as DescribeRecoverySnapshots lists it", async () => {
    const { local, client } = await start();
    const [newest] = await snapshots(client, DISCONNECTED);
    expect(newest?.timestamp).toBe("2026-11-21T07:00:00Z");
    const launched = await launch(client, local, [{ sourceServerID: DISCONNECTED }]);
    expect(launched.events(DISCONNECTED)).toEqual(FROM_SNAPSHOT);
    expect(launched.pointInTime(DISCONNECTED)).toBe(newest?.timestamp);
    expect((await snapshots(client, DISCONNECTED))[0]).toEqual(newest);

    // Replication that stalls now launches from what it had replicated by then.
    local.drs.setReplication(HEALTHY, { state: "STALLED", lagSeconds: 25 * 60 });
    const [stalledNewest] = await snapshots(client, HEALTHY);
    expect(stalledNewest?.timestamp).toBe("2026-11-21T09:30:00Z");
    const stalled = await launch(client, local, [{ sourceServerID: HEALTHY }]);
    expect(stalled.events(HEALTHY)).toEqual(FROM_SNAPSHOT);
    expect(stalled.pointInTime(HEALTHY)).toBe("2026-11-21T09:30:00Z");
  });

  it("fails the launch of a server with no snapshot: one still in initial sync, one disconnected past retention", async () => {
    const { local, client } = await start();
    expect(await snapshots(client, SYNCING)).toEqual([]);
    expect(await snapshots(client, FORGOTTEN)).toEqual([]);
    const launched = await launch(client, local, [
      { sourceServerID: SYNCING },
      { sourceServerID: FORGOTTEN },
    ]);
    expect(launched.log(SYNCING).map((item) => [item.event, item.eventData?.rawError])).toEqual([
      ["SNAPSHOT_START", undefined],
      [
        "SNAPSHOT_FAIL",
        "Source server has no point in time to recover yet: data replication is INITIAL_SYNC",
      ],
    ]);
    expect(launched.log(FORGOTTEN).map((item) => [item.event, item.eventData?.rawError])).toEqual([
      [
        "USING_PREVIOUS_SNAPSHOT_FAILED",
        "Source server has no point-in-time snapshot left to recover from: data replication is DISCONNECTED and its last snapshot is past the retention policy",
      ],
    ]);
    expect(launched.job?.participatingServers?.map((server) => server.launchStatus)).toEqual([
      "FAILED",
      "FAILED",
    ]);
    expect(launched.pointInTime(SYNCING)).toBeUndefined();
    expect(local.drs.sourceServer(SYNCING)?.lastLaunchResult).toBe("FAILED");
    expect(local.drs.counters.launches).toEqual({ [SYNCING]: 1, [FORGOTTEN]: 1 });
  });

  it("refuses a snapshot that is not the server's, naming the field, and starts nothing", async () => {
    const { local, client } = await start();
    const [disconnected] = await snapshots(client, DISCONNECTED);
    const refused = await validation(
      client.send(
        new StartRecoveryCommand({
          sourceServers: [
            { sourceServerID: HEALTHY },
            { sourceServerID: SYNCING, recoverySnapshotID: disconnected?.snapshotID },
          ],
        }),
      ),
    );
    expect(refused.reason).toBe("fieldValidationFailed");
    expect(refused.fieldList).toEqual([
      {
        name: "sourceServers[1].recoverySnapshotID",
        message: `${disconnected?.snapshotID} is not a recovery snapshot of ${SYNCING}: pick one DescribeRecoverySnapshots lists for it`,
      },
    ]);
    const madeUp = await validation(
      client.send(
        new StartRecoveryCommand({
          sourceServers: [{ sourceServerID: HEALTHY, recoverySnapshotID: "pit-00000000000000000" }],
        }),
      ),
    );
    expect(madeUp.fieldList?.[0]?.name).toBe("sourceServers[0].recoverySnapshotID");
    expect(local.drs.jobs()).toEqual([]);
    expect(local.drs.counters.launches).toEqual({});
    expect(local.drs.sourceServer(HEALTHY)?.lastLaunchResult).toBe("NOT_STARTED");
  });
});
