import { DATA_REPLICATION_STATES, type DataReplicationState } from "@drs-orchestrator/core";
import type { SimClock } from "../clock/sim-clock";
import type { FaultInjector } from "../faults/fault-injector";
import type { DrsEventPublisher } from "./drs-event-publisher";
import { replicationStalledEvent } from "./drs-events";
import type { ServerRecord } from "./drs-state";
import { currentLagSeconds, replicatedDataPointMs } from "./drs-views";
import { snapshotTaking } from "./snapshot-history";

export interface ReplicationChange {
  state: DataReplicationState;
  /** Lag from now on, in seconds; default: the lag it has now. It grows while replication stands still. */
  lagSeconds?: number;
}

/**
 * Changes a source server's data replication as the service would see it happen: the state and
 * lag DescribeSourceServers shows, the snapshots replication takes from now on (and those it no
 * longer has), and a Data Replication Stalled Change event when the server becomes or stops being
 * STALLED.
 */
export class ReplicationControl {
  private readonly stallChanges = new Map<string, number>();

  constructor(private readonly deps: { clock: SimClock; events: DrsEventPublisher; faults: FaultInjector }) {}

  /** @throws Error when the state is not a DRS data replication state or the lag is negative */
  change(server: ServerRecord, change: ReplicationChange): void {
    const { clock } = this.deps;
    const id = server.fleet.sourceServerID;
    if (!(DATA_REPLICATION_STATES as readonly string[]).includes(change.state)) {
      throw new Error(
        `replication state of ${id}: ${change.state} is not a DRS data replication state (${DATA_REPLICATION_STATES.join(", ")})`,
      );
    }
    const lagSeconds = change.lagSeconds ?? currentLagSeconds({ clock }, server);
    if (!(lagSeconds >= 0))
      throw new Error(`replication lag of ${id}: ${lagSeconds} is not 0 or more seconds`);

    const replication = server.item.dataReplicationInfo ?? {};
    const wasStalled = replication.dataReplicationState === "STALLED";
    const stalled = change.state === "STALLED";
    const taking = snapshotTaking(change.state);
    const nowMs = clock.nowMs();
    server.snapshots.replicationChanged(
      replicatedDataPointMs({ clock }, server),
      nowMs - lagSeconds * 1000,
      taking,
    );
    server.baseLagSeconds = lagSeconds;
    if (taking === "holding") server.standingSinceMs = nowMs;
    else delete server.standingSinceMs;
    replication.dataReplicationState = change.state;
    if (stalled) {
      replication.dataReplicationError = { error: "UNSTABLE_NETWORK", rawError: "Data replication stalled" };
    } else {
      delete replication.dataReplicationError;
    }
    server.item.dataReplicationInfo = replication;

    if (wasStalled === stalled) return;
    if (stalled) this.deps.faults.recordStall(id);
    const count = (this.stallChanges.get(id) ?? 0) + 1;
    this.stallChanges.set(id, count);
    this.deps.events.emit(
      `stall/${id}/${count}`,
      replicationStalledEvent({ sourceServerArn: server.fleet.arn, stalled, time: clock.isoNow() }),
    );
  }
}
