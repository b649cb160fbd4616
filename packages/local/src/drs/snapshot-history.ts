import { longestRetentionMs, type PitPolicy, retainedSnapshotTimes } from "./pit-policy";

/**
 * What a data replication state means for point-in-time snapshots: `taking` replicates and takes
 * the scheduled snapshots; `holding` stands still (the lag grows) and keeps the snapshots it has;
 * `none` has no snapshot at all: initial sync never finished, or replication was stopped, which
 * deletes the server's snapshots (https://docs.aws.amazon.com/drs/latest/APIReference/API_StopReplication.html).
 */
export type SnapshotTaking = "taking" | "holding" | "none";

const TAKING: Record<string, SnapshotTaking> = {
  CONTINUOUS: "taking",
  BACKLOG: "taking",
  CREATING_SNAPSHOT: "taking",
  RESCAN: "taking",
  STALLED: "holding",
  DISCONNECTED: "holding",
  PAUSED: "holding",
  INITIATING: "none",
  INITIAL_SYNC: "none",
  STOPPED: "none",
};

export function snapshotTaking(dataReplicationState: string): SnapshotTaking {
  return TAKING[dataReplicationState] ?? "none";
}

/**
 * A source server's snapshots, computed from the clock when asked rather than taken by timers:
 * the spans of data time in which replication took the policy's scheduled snapshots, and the
 * snapshots launches took on demand. Times are data times: a snapshot holds the data replicated
 * up to it, so none is newer than the server's replicated data point (now − lag).
 */
export class SnapshotHistory {
  /** `toMs` absent: replication still takes snapshots, up to its data point. */
  private spans: { fromMs: number; toMs?: number }[];
  private onDemand: number[] = [];

  /** A server loaded with this replication already has a week's (the policy's) history behind it. */
  constructor(taking: SnapshotTaking, dataPointMs: number) {
    this.spans =
      taking === "none"
        ? []
        : [{ fromMs: Number.NEGATIVE_INFINITY, ...(taking === "holding" ? { toMs: dataPointMs } : {}) }];
  }

  /** Snapshot times kept at `nowMs`, newest first; none is newer than `dataPointMs`. */
  times(policy: PitPolicy, nowMs: number, dataPointMs: number): number[] {
    const spans = this.spans.map((span) => ({
      fromMs: span.fromMs,
      toMs: Math.min(span.toMs ?? dataPointMs, dataPointMs),
    }));
    // DRS documents no retention for on-demand snapshots: they are kept as long as the policy keeps any.
    const keptAfterMs = nowMs - longestRetentionMs(policy);
    const onDemand = this.onDemand.filter((time) => time <= dataPointMs && time > keptAfterMs);
    const times = new Set([...retainedSnapshotTimes(policy, nowMs, spans), ...onDemand]);
    return [...times].sort((a, b) => b - a);
  }

  /** A launch took a snapshot of the data as of `dataPointMs`. */
  takeOnDemand(dataPointMs: number): void {
    this.onDemand.push(dataPointMs);
  }

  /**
   * Replication changed at some moment: its data point moved from `beforeMs` to `afterMs` and it
   * now does `taking`. A data point that jumps ahead leaves a gap (no snapshot was taken of the data
   * in between); one that falls back drops the snapshots newer than it.
   */
  replicationChanged(beforeMs: number, afterMs: number, taking: SnapshotTaking): void {
    if (taking === "none") {
      this.spans = [];
      this.onDemand = [];
      return;
    }
    this.spans = this.spans
      .map((span) => ({ fromMs: span.fromMs, toMs: Math.min(span.toMs ?? beforeMs, afterMs) }))
      .filter((span) => span.fromMs <= span.toMs);
    this.onDemand = this.onDemand.filter((time) => time <= afterMs);
    if (taking === "taking") this.spans.push({ fromMs: afterMs });
  }
}
