import {
  assessReadiness,
  assessRecoverability,
  DATA_REPLICATION_STATES,
  type DataReplicationState,
  needsSnapshots,
  newestSnapshot,
  type PitSnapshot,
  ServersNotReadyError,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ID = "s-1234567890abcdef0";
const RPO = 300;
const BASE = Date.parse("2026-11-21T10:00:00Z");

function server(dataReplicationInfo?: Record<string, unknown>) {
  return sourceServerSchema.parse({
    sourceServerID: ID,
    ...(dataReplicationInfo && { dataReplicationInfo }),
  });
}

const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const snapshot = (minutes: number): PitSnapshot => ({
  snapshotId: `pit-${String(Math.abs(minutes)).padStart(17, "0")}`,
  takenAt: at(minutes),
});

const disconnected = server({ dataReplicationState: "DISCONNECTED", lagDuration: "PT3H" });
const healthy = server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT2S" });

const replicationInfo = fc.record({
  dataReplicationState: fc.constantFrom<DataReplicationState>(...DATA_REPLICATION_STATES),
  lagDuration: fc.integer({ min: 0, max: 30 * 3600 }).map((seconds) => `PT${seconds}S`),
});
const snapshots = fc.array(
  fc.integer({ min: -7 * 24 * 60, max: 0 }).map((minutes) => snapshot(minutes)),
  { maxLength: 12 },
);
const asOfMinutes = fc.option(fc.integer({ min: -7 * 24 * 60, max: 0 }), { nil: undefined });

describe("newestSnapshot", () => {
  it("is the newest snapshot at or before the time (an instant, whatever its offset), or the newest of all", () => {
    const list = [snapshot(-120), snapshot(-60), snapshot(-10)];
    expect(newestSnapshot(list)).toEqual(snapshot(-10));
    expect(newestSnapshot(list, at(-60))).toEqual(snapshot(-60));
    expect(newestSnapshot(list, "2026-11-21T11:00:00+02:00")).toEqual(snapshot(-60));
    expect(newestSnapshot(list, "2026-11-21T10:59:59+02:00")).toEqual(snapshot(-120));
    expect(newestSnapshot(list, at(-121))).toBeUndefined();
    expect(newestSnapshot([])).toBeUndefined();
  });

  it("never picks a snapshot after the time, and none at or before it is newer", () => {
    fc.assert(
      fc.property(snapshots, fc.integer({ min: -7 * 24 * 60, max: 0 }), (list, minutes) => {
        const asOf = at(minutes);
        const chosen = newestSnapshot(list, asOf);
        const eligible = list.filter((s) => Date.parse(s.takenAt) <= Date.parse(asOf));
        if (eligible.length === 0) return chosen === undefined;
        return (
          chosen !== undefined &&
          Date.parse(chosen.takenAt) <= Date.parse(asOf) &&
          eligible.every((s) => Date.parse(s.takenAt) <= Date.parse(chosen.takenAt))
        );
      }),
    );
  });
});

describe("assessRecoverability", () => {
  it("a DRILL keeps the RPO gate exactly, and needs no snapshot", () => {
    expect(needsSnapshots({ mode: "DRILL", rpoSeconds: RPO })).toBe(false);
    expect(assessRecoverability(disconnected, [], { mode: "DRILL", rpoSeconds: RPO })).toMatchObject({
      ready: false,
      code: "DISCONNECTED",
      replication: { state: "DISCONNECTED", lagSeconds: 10800 },
    });
    fc.assert(
      fc.property(replicationInfo, snapshots, fc.integer({ min: 1, max: 7200 }), (info, list, rpo) => {
        const subject = server(info);
        const { replication: _seen, ...decision } = assessRecoverability(subject, list, {
          mode: "DRILL",
          rpoSeconds: rpo,
        }) as Record<string, unknown>;
        expect(decision).toEqual(assessReadiness(subject, rpo));
      }),
    );
  });

  it("a RECOVERY launches a disconnected server from its snapshots, reporting the replication", () => {
    expect(needsSnapshots({ mode: "RECOVERY", rpoSeconds: RPO })).toBe(true);
    expect(
      assessRecoverability(disconnected, [snapshot(-180)], { mode: "RECOVERY", rpoSeconds: RPO }),
    ).toEqual({
      sourceServerId: ID,
      ready: true,
      lagSeconds: 10800,
      replication: { state: "DISCONNECTED", lagSeconds: 10800 },
      note: `replication DISCONNECTED, lag 3h: recovers from its newest snapshot (${at(-180)})`,
    });
    // Healthy replication needs no note; without asOf DRS launches from its latest data (no snapshot pinned).
    expect(assessRecoverability(healthy, [snapshot(-10)], { mode: "RECOVERY", rpoSeconds: RPO })).toEqual({
      sourceServerId: ID,
      ready: true,
      lagSeconds: 2,
      replication: { state: "CONTINUOUS", lagSeconds: 2 },
    });
  });

  it("a server without any snapshot (initial sync never finished) is not recoverable, naming its state", () => {
    const syncing = server({ dataReplicationState: "INITIAL_SYNC", lagDuration: "PT0S" });
    expect(assessRecoverability(syncing, [], { mode: "RECOVERY", rpoSeconds: RPO })).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "NO_SNAPSHOT",
      reason: `${ID} has no point-in-time snapshot (replication INITIAL_SYNC, lag 0s): it never finished its initial sync, so DRS has nothing to recover it from`,
      replication: { state: "INITIAL_SYNC", lagSeconds: 0 },
    });
  });

  it("as of a time: the newest snapshot at or before it, in either mode; none old enough is not ready", () => {
    const list = [snapshot(-200), snapshot(-130), snapshot(-60)];
    const asOf = at(-120);
    expect(
      assessRecoverability(disconnected, list, { mode: "RECOVERY", rpoSeconds: RPO, asOf }),
    ).toMatchObject({ ready: true, snapshot: snapshot(-130) });
    expect(assessRecoverability(healthy, list, { mode: "DRILL", rpoSeconds: RPO, asOf })).toMatchObject({
      ready: true,
      lagSeconds: 2,
      snapshot: snapshot(-130),
    });
    // A drill as of a time still needs its live replication within the RPO.
    expect(assessRecoverability(disconnected, list, { mode: "DRILL", rpoSeconds: RPO, asOf })).toMatchObject({
      ready: false,
      code: "DISCONNECTED",
    });
    expect(
      assessRecoverability(healthy, list, { mode: "RECOVERY", rpoSeconds: RPO, asOf: at(-300) }),
    ).toMatchObject({
      ready: false,
      code: "NO_SNAPSHOT_AS_OF",
      reason: `${ID} has no point-in-time snapshot taken at or before ${at(-300)} (replication CONTINUOUS, lag 2s): choose a later time`,
    });
  });

  it("in RECOVERY, replication never decides: ready exactly when a snapshot (at or before asOf) exists, and launches from it", () => {
    fc.assert(
      fc.property(replicationInfo, snapshots, asOfMinutes, (info, list, minutes) => {
        const asOf = minutes === undefined ? undefined : at(minutes);
        const decision = assessRecoverability(server(info), list, {
          mode: "RECOVERY",
          rpoSeconds: RPO,
          ...(asOf !== undefined && { asOf }),
        });
        const expected = newestSnapshot(list, asOf);
        expect(decision.ready).toBe(expected !== undefined);
        expect(decision.replication?.state).toBe(info.dataReplicationState);
        if (decision.ready && asOf !== undefined) expect(decision.snapshot).toEqual(expected);
        if (decision.ready && asOf === undefined) expect(decision.snapshot).toBeUndefined();
        if (!decision.ready) expect(decision.reason).toContain(info.dataReplicationState);
      }),
    );
  });
});

describe("ServersNotReadyError", () => {
  const inState = (state: string) => [{ sourceServerId: ID, reason: `replication is ${state}`, state }];
  const HINT = "a confirmed RECOVERY launches them from their last point-in-time snapshot";

  it("points a drill refused for a lost source to the RECOVERY that can launch it", () => {
    expect(new ServersNotReadyError(inState("DISCONNECTED"), "DRILL").message).toContain(HINT);
    expect(new ServersNotReadyError(inState("STALLED"), "DRILL").message).toContain(HINT);
  });

  it("gives no such hint to a RECOVERY (its refused servers have no snapshot) or for a source only behind", () => {
    expect(new ServersNotReadyError(inState("DISCONNECTED"), "RECOVERY").message).not.toContain(HINT);
    expect(new ServersNotReadyError(inState("BACKLOG"), "DRILL").message).not.toContain(HINT);
  });
});
