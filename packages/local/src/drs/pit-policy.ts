import { z } from "zod";

const UNIT_MS = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;

/**
 * A source server's point-in-time (PIT) policy, as DRS's ReplicationConfiguration.pitPolicy writes it:
 * each rule takes a snapshot every `interval` units and keeps it for `retentionDuration` units.
 * DRS's default keeps one every 10 minutes for the last hour, one an hour for the last 24 hours and
 * one a day for the last 7 days; on AWS only the DAY rule's retention (1–365 days) can be changed.
 * https://docs.aws.amazon.com/drs/latest/userguide/point-in-time.html
 * https://docs.aws.amazon.com/drs/latest/APIReference/API_PITPolicyRule.html
 */
export const pitPolicySchema = z
  .array(
    z.strictObject({
      units: z.enum(["MINUTE", "HOUR", "DAY"]),
      interval: z.number().int().min(1),
      retentionDuration: z.number().int().min(1),
    }),
  )
  .min(1, { error: "needs at least one rule" })
  .default([
    { units: "MINUTE", interval: 10, retentionDuration: 60 },
    { units: "HOUR", interval: 1, retentionDuration: 24 },
    { units: "DAY", interval: 1, retentionDuration: 7 },
  ]);
export type PitPolicy = z.output<typeof pitPolicySchema>;

/** Data-time span (epoch ms, inclusive) in which replication took the scheduled snapshots. */
export interface SnapshotSpan {
  fromMs: number;
  toMs: number;
}

/**
 * The times of the scheduled snapshots the policy still keeps at `nowMs`, newest first: each rule's
 * snapshots fall on whole multiples of its interval (UTC) and are kept while younger than its
 * retention; only times inside one of the spans were taken.
 */
export function retainedSnapshotTimes(
  policy: PitPolicy,
  nowMs: number,
  spans: readonly SnapshotSpan[],
): number[] {
  const times = new Set<number>();
  for (const rule of policy) {
    const unit = UNIT_MS[rule.units];
    const everyMs = rule.interval * unit;
    const keptAfterMs = nowMs - rule.retentionDuration * unit;
    for (const span of spans) {
      const newest = Math.floor(Math.min(span.toMs, nowMs) / everyMs) * everyMs;
      for (let time = newest; time > keptAfterMs && time >= span.fromMs; time -= everyMs) times.add(time);
    }
  }
  return [...times].sort((a, b) => b - a);
}

/** How long the policy keeps its longest-kept snapshots, in ms. */
export function longestRetentionMs(policy: PitPolicy): number {
  return Math.max(...policy.map((rule) => rule.retentionDuration * UNIT_MS[rule.units]));
}
