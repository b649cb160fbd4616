import {
  type DrsClient,
  paginateDescribeRecoverySnapshots,
  type RecoverySnapshot,
} from "@aws-sdk/client-drs";
import type { PitSnapshot } from "@drs-orchestrator/core";
import { aws } from "../launch/aws-failures";
import { mapLimit } from "../launch/map-limit";

/** DescribeRecoverySnapshots calls in flight at once, so a large plan does not meet DRS throttling. */
const LOOKUP_CONCURRENCY = 8;
/** A few items per page: only the first one that qualifies is needed. */
const PAGE_SIZE = 10;

function asPitSnapshot(item: RecoverySnapshot): PitSnapshot | undefined {
  const takenAt = item.timestamp ?? item.expectedTimestamp;
  return item.snapshotID && takenAt ? { snapshotId: item.snapshotID, takenAt } : undefined;
}

/**
 * The newest PIT snapshot DRS holds for a server, or the newest taken at or before `asOf`: the
 * snapshots newest first (order DESC), up to `asOf` (filters.toDateTime, which DRS takes in UTC
 * with a `Z`), paging only until the first one.
 * https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeRecoverySnapshots.html
 * https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeRecoverySnapshotsRequestFilters.html
 */
export async function newestRecoverySnapshot(
  drs: DrsClient,
  sourceServerId: string,
  asOf?: string,
): Promise<PitSnapshot | undefined> {
  const limit = asOf === undefined ? undefined : Date.parse(asOf);
  const pages = paginateDescribeRecoverySnapshots(
    { client: drs, pageSize: PAGE_SIZE },
    {
      sourceServerID: sourceServerId,
      order: "DESC",
      ...(limit !== undefined && { filters: { toDateTime: new Date(limit).toISOString() } }),
    },
  );
  for await (const page of pages) {
    for (const item of page.items ?? []) {
      const snapshot = asPitSnapshot(item);
      if (snapshot && (limit === undefined || Date.parse(snapshot.takenAt) <= limit)) return snapshot;
    }
  }
  return undefined;
}

/**
 * For each server, the snapshot found (none: an empty list): its newest, or its newest at or
 * before `asOf`. One DescribeRecoverySnapshots lookup per server, a few at a time.
 */
export async function recoverySnapshotsOf(
  drs: DrsClient,
  sourceServerIds: readonly string[],
  asOf?: string,
): Promise<Map<string, PitSnapshot[]>> {
  const found = await mapLimit(sourceServerIds, LOOKUP_CONCURRENCY, (sourceServerId) =>
    aws("DRS DescribeRecoverySnapshots", () => newestRecoverySnapshot(drs, sourceServerId, asOf)),
  );
  return new Map(sourceServerIds.map((id, index) => [id, found[index] ? [found[index]] : []]));
}
