/**
 * A point-in-time (PIT) snapshot DRS holds for a source server, as DescribeRecoverySnapshots lists
 * it: `takenAt` is the snapshot's `timestamp`, or its `expectedTimestamp` while DRS reports no
 * actual time.
 */
export interface PitSnapshot {
  snapshotId: string;
  takenAt: string;
}

/**
 * The newest snapshot taken at or before `asOf`, or the newest of all without `asOf`; undefined
 * when there is none. Times are compared as instants, so offsets (`+02:00`, `Z`) do not matter.
 */
export function newestSnapshot(snapshots: readonly PitSnapshot[], asOf?: string): PitSnapshot | undefined {
  const limit = asOf === undefined ? Number.POSITIVE_INFINITY : Date.parse(asOf);
  let newest: PitSnapshot | undefined;
  for (const snapshot of snapshots) {
    const at = Date.parse(snapshot.takenAt);
    if (Number.isNaN(at) || at > limit) continue;
    if (newest === undefined || at > Date.parse(newest.takenAt)) newest = snapshot;
  }
  return newest;
}
