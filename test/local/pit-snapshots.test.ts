import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ServerRecord } from "../../packages/local/src/drs/drs-state";
import { type PitPolicy, pitPolicySchema } from "../../packages/local/src/drs/pit-policy";
import { recoverySnapshot } from "../../packages/local/src/drs/recovery-snapshots";
import { SnapshotHistory } from "../../packages/local/src/drs/snapshot-history";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DEFAULT_POLICY = pitPolicySchema.parse(undefined);

/** What DRS's default policy keeps, checked the slow way: every 10-minute mark of the last week, one by one. */
function keptByDefaultPolicy(nowMs: number, newestMs: number): number[] {
  const kept: number[] = [];
  for (
    let time = Math.floor(newestMs / (10 * MINUTE)) * 10 * MINUTE;
    time > nowMs - 7 * DAY;
    time -= 10 * MINUTE
  ) {
    const age = nowMs - time;
    if (age < HOUR || (time % HOUR === 0 && age < DAY) || time % DAY === 0) kept.push(time);
  }
  return kept;
}

function server(sourceServerID: string): ServerRecord {
  return {
    fleet: { sourceServerID },
    item: {
      dataReplicationInfo: { replicatedDisks: [{ deviceName: "/dev/sda" }, { deviceName: "/dev/sdb" }] },
    },
  } as unknown as ServerRecord;
}

const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

const instant = fc.integer({
  min: Date.parse("2020-01-01T00:00:00Z"),
  max: Date.parse("2030-01-01T00:00:00Z"),
});
const lagMs = fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 10 * DAY }));

describe("point-in-time snapshot history", () => {
  it("keeps DRS's default schedule: every 10 minutes for the last hour, hourly for a day, daily for a week", () => {
    const now = Date.parse("2026-11-21T10:00:00Z");
    const times = new SnapshotHistory("taking", now - 1000).times(DEFAULT_POLICY, now, now - 1000);
    expect(times.slice(0, 6).map(iso)).toEqual([
      "2026-11-21T09:50:00Z",
      "2026-11-21T09:40:00Z",
      "2026-11-21T09:30:00Z",
      "2026-11-21T09:20:00Z",
      "2026-11-21T09:10:00Z",
      "2026-11-21T09:00:00Z",
    ]);
    expect(times.filter((time) => now - time < DAY)).toHaveLength(5 + 23);
    expect(times.slice(-6).map(iso)).toEqual([
      "2026-11-20T00:00:00Z",
      "2026-11-19T00:00:00Z",
      "2026-11-18T00:00:00Z",
      "2026-11-17T00:00:00Z",
      "2026-11-16T00:00:00Z",
      "2026-11-15T00:00:00Z",
    ]);
    expect(times).toHaveLength(5 + 23 + 6);
  });

  it("for any time and lag, holds exactly what the schedule keeps, newest first, nothing newer than now − lag", () => {
    fc.assert(
      fc.property(
        instant,
        lagMs,
        fc.constantFrom("taking", "holding") as fc.Arbitrary<"taking" | "holding">,
        (now, lag, taking) => {
          const times = new SnapshotHistory(taking, now - lag).times(DEFAULT_POLICY, now, now - lag);
          expect(times).toEqual(keptByDefaultPolicy(now, now - lag));
          for (const [index, time] of times.entries()) {
            expect(time).toBeLessThanOrEqual(now - lag);
            if (index > 0) expect(time).toBeLessThan(times[index - 1] as number);
          }
        },
      ),
    );
  });

  it("as the clock runs, healthy replication takes a snapshot every 10 minutes and retention drops old ones", () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 3 * DAY }),
        fc.integer({ min: 0, max: 60_000 }),
        (start, elapsed, lag) => {
          const history = new SnapshotHistory("taking", start - lag);
          const before = history.times(DEFAULT_POLICY, start, start - lag);
          const now = start + elapsed;
          const after = history.times(DEFAULT_POLICY, now, now - lag);
          expect(after).toEqual(keptByDefaultPolicy(now, now - lag));
          // What was there and is still young enough for the schedule is still there.
          const stillKept = new Set(keptByDefaultPolicy(now, start - lag));
          expect(before.filter((time) => stillKept.has(time))).toEqual(
            after.filter((time) => time <= start - lag),
          );
        },
      ),
    );
  });

  it("takes no snapshot while replication stands still, and none of the data it skipped when it catches up", () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.integer({ min: 0, max: HOUR }),
        (start, standing, running, resumedLag) => {
          const history = new SnapshotHistory("taking", start - 1000);
          const stalledAt = start + HOUR;
          history.replicationChanged(stalledAt - 1000, stalledAt - 1000, "holding");
          const resumedAt = stalledAt + standing;
          const frozen = history.times(DEFAULT_POLICY, resumedAt, stalledAt - 1000);
          expect(frozen).toEqual(keptByDefaultPolicy(resumedAt, stalledAt - 1000));
          history.replicationChanged(stalledAt - 1000, resumedAt - resumedLag, "taking");
          const now = resumedAt + running;
          const times = history.times(DEFAULT_POLICY, now, now - resumedLag);
          expect(times.filter((time) => time > stalledAt - 1000 && time < resumedAt - resumedLag)).toEqual(
            [],
          );
          expect(times.every((time) => time <= now - resumedLag)).toBe(true);
          const kept = new Set(keptByDefaultPolicy(now, now - resumedLag));
          expect(times.every((time) => kept.has(time))).toBe(true);
        },
      ),
    );
  });

  it("has no snapshot before initial sync finished, and loses them all when replication stops", () => {
    const now = Date.parse("2026-11-21T10:00:00Z");
    const syncing = new SnapshotHistory("none", now);
    expect(syncing.times(DEFAULT_POLICY, now + DAY, now + DAY)).toEqual([]);
    syncing.replicationChanged(now, now, "taking");
    expect(syncing.times(DEFAULT_POLICY, now + 25 * MINUTE, now + 25 * MINUTE).map(iso)).toEqual([
      "2026-11-21T10:20:00Z",
      "2026-11-21T10:10:00Z",
      "2026-11-21T10:00:00Z",
    ]);
    syncing.takeOnDemand(now + 26 * MINUTE);
    expect(syncing.times(DEFAULT_POLICY, now + 27 * MINUTE, now + 27 * MINUTE)[0]).toBe(now + 26 * MINUTE);
    syncing.replicationChanged(now + 27 * MINUTE, now + 27 * MINUTE, "none");
    expect(syncing.times(DEFAULT_POLICY, now + 28 * MINUTE, now + 28 * MINUTE)).toEqual([]);
  });

  it("keeps on-demand snapshots as long as the policy keeps any, never newer than the data point", () => {
    const now = Date.parse("2026-11-21T10:03:17Z");
    const history = new SnapshotHistory("taking", now);
    history.takeOnDemand(now);
    expect(history.times(DEFAULT_POLICY, now, now)[0]).toBe(now);
    expect(history.times(DEFAULT_POLICY, now + 7 * DAY - 1000, now + 7 * DAY)).toContain(now);
    expect(history.times(DEFAULT_POLICY, now + 7 * DAY, now + 7 * DAY)).not.toContain(now);
    // A data point that falls back (more lag) takes the newer snapshots with it.
    history.replicationChanged(now, now - 3 * HOUR, "holding");
    expect(history.times(DEFAULT_POLICY, now, now - 3 * HOUR)[0]).toBe(Date.parse("2026-11-21T07:00:00Z"));
  });

  it("follows a configured policy", () => {
    const policy: PitPolicy = [{ units: "MINUTE", interval: 5, retentionDuration: 30 }];
    const now = Date.parse("2026-11-21T10:00:00Z");
    expect(new SnapshotHistory("taking", now).times(policy, now, now).map(iso)).toEqual([
      "2026-11-21T10:00:00Z",
      "2026-11-21T09:55:00Z",
      "2026-11-21T09:50:00Z",
      "2026-11-21T09:45:00Z",
      "2026-11-21T09:40:00Z",
      "2026-11-21T09:35:00Z",
    ]);
    expect(pitPolicySchema.safeParse([]).error?.issues[0]?.message).toBe("needs at least one rule");
  });

  it("names a snapshot by its server and time: the same ID every time, pit- and 17 characters", () => {
    fc.assert(
      fc.property(instant, lagMs, (now, lag) => {
        const times = new SnapshotHistory("taking", now - lag).times(DEFAULT_POLICY, now, now - lag);
        const db = server("s-0123456789abcdef0");
        const ids = times.map((time) => recoverySnapshot(db, time).snapshotID);
        expect(times.map((time) => recoverySnapshot(server("s-0123456789abcdef0"), time).snapshotID)).toEqual(
          ids,
        );
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(/^pit-[0-9a-zA-Z]{17}$/);
        const other = server("s-0123456789abcdef1");
        expect(times.filter((time) => ids.includes(recoverySnapshot(other, time).snapshotID))).toEqual([]);
      }),
      { numRuns: 50 },
    );
    const time = Date.parse("2026-11-21T09:50:00Z");
    expect(recoverySnapshot(server("s-0123456789abcdef0"), time)).toEqual({
      snapshotID: expect.stringMatching(/^pit-[0-9a-f]{17}$/),
      sourceServerID: "s-0123456789abcdef0",
      expectedTimestamp: "2026-11-21T09:50:00Z",
      timestamp: "2026-11-21T09:50:00Z",
      ebsSnapshots: [
        expect.stringMatching(/^snap-[0-9a-f]{17}$/),
        expect.stringMatching(/^snap-[0-9a-f]{17}$/),
      ],
    });
  });
});
