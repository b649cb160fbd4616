import type { RecoverySnapshot } from "@aws-sdk/client-drs";
import { toAwsIso } from "../clock/sim-clock";
import { stableHex } from "../faults/seeded-random";
import type { DrsContext } from "./drs-context";
import type { ServerRecord } from "./drs-state";
import { replicatedDataPointMs } from "./drs-views";

/** The server's recovery snapshots now, newest first. */
export function recoverySnapshotsOf(
  context: Pick<DrsContext, "clock" | "pitPolicy">,
  server: ServerRecord,
): RecoverySnapshot[] {
  return server.snapshots
    .times(context.pitPolicy, context.clock.nowMs(), replicatedDataPointMs(context, server))
    .map((timeMs) => recoverySnapshot(server, timeMs));
}

/**
 * The snapshot of the server's data as of `timeMs` (whole seconds), as DescribeRecoverySnapshots
 * lists it. Its IDs derive from the server and the time, so the same snapshot keeps its ID however
 * often the history is computed; one EBS snapshot per replicated disk.
 */
export function recoverySnapshot(server: ServerRecord, timeMs: number): RecoverySnapshot {
  const timestamp = toAwsIso(new Date(timeMs));
  const snapshotID = `pit-${stableHex(`${server.fleet.sourceServerID}/${timestamp}`, 17)}`;
  const disks = server.item.dataReplicationInfo?.replicatedDisks ?? [];
  return {
    snapshotID,
    sourceServerID: server.fleet.sourceServerID,
    expectedTimestamp: timestamp,
    timestamp,
    ebsSnapshots: disks.map((disk) => `snap-${stableHex(`${snapshotID}/${disk.deviceName}`, 17)}`),
  };
}
