import type { DrsOperation } from "./drs-context";
import { decodePageToken, encodePageToken, pageSize } from "./drs-pagination";
import { describeRecoverySnapshotsRequest, parseRequest } from "./drs-requests";
import { recoverySnapshotsOf } from "./recovery-snapshots";

/**
 * Lists one source server's recovery snapshots, filtered by time (inclusive) and ordered by time.
 * https://docs.aws.amazon.com/drs/latest/APIReference/API_DescribeRecoverySnapshots.html
 *
 * Snapshots are taken and expire between two pages, so a page token holds the last time listed
 * rather than an offset: the next page starts after it, and nothing is listed twice or skipped.
 * The model documents no default order; here it is ASC, so callers that want the newest first
 * must ask for DESC. It lists no ResourceNotFoundException either, which DRS answers for unknown
 * source servers on its other per-server operations and the emulator answers here.
 */
export const describeRecoverySnapshots: DrsOperation = (context, request) => {
  const {
    sourceServerID,
    filters,
    order = "ASC",
    ...page
  } = parseRequest(describeRecoverySnapshotsRequest, request.body);
  const server = context.state.requireServer(sourceServerID);
  const from = filters?.fromDateTime ? Date.parse(filters.fromDateTime) : Number.NEGATIVE_INFINITY;
  const to = filters?.toDateTime ? Date.parse(filters.toDateTime) : Number.POSITIVE_INFINITY;
  const timeOf = (snapshot: { timestamp?: string }) => Date.parse(snapshot.timestamp as string);
  const snapshots = recoverySnapshotsOf(context, server).filter(
    (snapshot) => timeOf(snapshot) >= from && timeOf(snapshot) <= to,
  );
  if (order === "ASC") snapshots.reverse();

  const scope = `DescribeRecoverySnapshots/${sourceServerID}/${order}`;
  const after =
    page.nextToken === undefined
      ? undefined
      : decodePageToken(page.nextToken, scope, "DescribeRecoverySnapshots");
  const rest =
    after === undefined
      ? snapshots
      : snapshots.filter((snapshot) =>
          order === "ASC" ? timeOf(snapshot) > after : timeOf(snapshot) < after,
        );
  const size = pageSize(page);
  const items = rest.slice(0, size);
  const last = items.at(-1);
  return {
    body: {
      items,
      nextToken: rest.length > size && last ? encodePageToken(scope, timeOf(last)) : undefined,
    },
  };
};
