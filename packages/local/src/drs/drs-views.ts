import type { EC2InstanceState, RecoveryInstance, SourceServer } from "@aws-sdk/client-drs";
import type { InstanceStateName } from "../ec2/instance-store";
import type { DrsContext } from "./drs-context";
import type { ServerRecord } from "./drs-state";
import { isoDuration } from "./iso-duration";

/** Replication lag now: a server whose replication stands still falls further behind every second. */
export function currentLagSeconds(context: Pick<DrsContext, "clock">, server: ServerRecord): number {
  if (server.standingSinceMs === undefined) return server.baseLagSeconds;
  return server.baseLagSeconds + (context.clock.nowMs() - server.standingSinceMs) / 1000;
}

/** Up to when the server's data is replicated: now − lag. */
export function replicatedDataPointMs(context: Pick<DrsContext, "clock">, server: ServerRecord): number {
  return context.clock.nowMs() - currentLagSeconds(context, server) * 1000;
}

export function sourceServerView(context: Pick<DrsContext, "clock">, server: ServerRecord): SourceServer {
  const item = structuredClone(server.item);
  if (item.dataReplicationInfo)
    item.dataReplicationInfo.lagDuration = isoDuration(currentLagSeconds(context, server));
  return item;
}

const EC2_TO_DRS_STATE: Record<InstanceStateName, EC2InstanceState> = {
  pending: "PENDING",
  running: "RUNNING",
  stopping: "STOPPING",
  stopped: "STOPPED",
  "shutting-down": "SHUTTING-DOWN",
  terminated: "TERMINATED",
};

/** A recovery instance with its EC2 state read live, as DRS reports it. */
export function recoveryInstanceView(
  context: Pick<DrsContext, "ec2">,
  instance: RecoveryInstance,
): RecoveryInstance {
  const state = context.ec2.instanceState(instance.ec2InstanceID as string);
  return { ...structuredClone(instance), ec2InstanceState: state ? EC2_TO_DRS_STATE[state] : "NOT_FOUND" };
}
