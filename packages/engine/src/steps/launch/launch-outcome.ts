import { DescribeJobLogItemsCommand, DescribeRecoveryInstancesCommand } from "@aws-sdk/client-drs";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { dataLossSeconds } from "@drs-orchestrator/core";
import type { EngineContext } from "../../lambda/engine-context";
import { keys, type ServerItem } from "../../stores/execution-items";
import { aws } from "./aws-failures";
import { chunks } from "./map-limit";

/** The recovery instance a launched server got, as DRS and EC2 report it. */
export interface LaunchedInstance {
  recoveryInstanceId: string;
  ec2InstanceId: string;
  privateIp?: string;
  instanceType?: string;
  /** The time of the PIT snapshot the instance was launched from (DRS's pointInTimeSnapshotDateTime). */
  pointInTime?: string;
}

/** Where a launched server came back to, and the data it lost since the execution started. */
export interface PointInTime {
  pointInTime: string;
  dataLossSeconds?: number;
}

export type LaunchOutcome =
  | {
      status: "LAUNCHED";
      sourceServerId: string;
      jobId: string;
      at: string;
      instance?: LaunchedInstance;
      pointInTime?: PointInTime;
    }
  | { status: "FAILED"; sourceServerId: string; jobId: string; at: string; failureReason: string };

/**
 * Records a server's launch result: LAUNCHING in the same job → LAUNCHED or FAILED, in one
 * conditional write. The event recorder and the DescribeJobs poll both go through here, so the
 * first result recorded stands: a duplicate or late event, or a poll after an event, changes nothing.
 * @returns false when the server was not launching in that job (already recorded, or another launch)
 */
export async function recordLaunchOutcome(
  engine: EngineContext,
  executionId: string,
  wave: number,
  outcome: LaunchOutcome,
): Promise<boolean> {
  const set: Partial<ServerItem> =
    outcome.status === "LAUNCHED"
      ? { status: "LAUNCHED", launchedAt: outcome.at, ...outcome.instance, ...outcome.pointInTime }
      : { status: "FAILED", failedAt: outcome.at, failureReason: outcome.failureReason };
  return engine.executions.update(keys.server(executionId, wave, outcome.sourceServerId), set, {
    condition: "#status = :launching AND #jobId = :jobId",
    names: { "#status": "status", "#jobId": "jobId" },
    values: { ":launching": "LAUNCHING", ":jobId": outcome.jobId },
  });
}

/**
 * The point in time a launched server came back to: its recovery instance's PIT snapshot time, or,
 * while DRS does not report it, the snapshot chosen for it at Prepare; its data-loss window runs
 * from there to the execution's start. Undefined when neither time is known.
 */
export function pointInTimeOf(
  startedAt: string,
  instance: LaunchedInstance | undefined,
  server: Pick<ServerItem, "snapshotAt">,
): PointInTime | undefined {
  const pointInTime = instance?.pointInTime ?? server.snapshotAt;
  if (pointInTime === undefined) return undefined;
  const loss = dataLossSeconds(startedAt, pointInTime);
  return { pointInTime, ...(loss !== undefined && { dataLossSeconds: loss }) };
}

/** DescribeRecoveryInstances takes at most this many source server IDs in one filter. */
const MAX_SOURCE_SERVER_IDS = 200;
const MAX_INSTANCE_IDS = 100;

/**
 * The recovery instances that these servers' launch jobs created, with private IP and instance
 * type from EC2. A server whose instance DRS does not list (yet) is missing from the result.
 */
export async function launchedInstances(
  engine: EngineContext,
  launches: readonly { sourceServerId: string; jobId: string }[],
): Promise<Map<string, LaunchedInstance>> {
  const jobOf = new Map(launches.map((launch) => [launch.sourceServerId, launch.jobId]));
  const found = new Map<string, LaunchedInstance>();
  for (const ids of chunks([...jobOf.keys()], MAX_SOURCE_SERVER_IDS)) {
    let nextToken: string | undefined;
    do {
      const page = await aws("DRS DescribeRecoveryInstances", () =>
        engine.aws.drs.send(
          new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: ids }, nextToken }),
        ),
      );
      for (const instance of page.items ?? []) {
        const sourceServerId = instance.sourceServerID as string;
        // A server may still list the instance of an earlier launch; the one from this job wins.
        if (found.has(sourceServerId) && instance.jobID !== jobOf.get(sourceServerId)) continue;
        if (!instance.recoveryInstanceID) continue;
        found.set(sourceServerId, {
          recoveryInstanceId: instance.recoveryInstanceID,
          ec2InstanceId: instance.ec2InstanceID ?? instance.recoveryInstanceID,
          ...(instance.pointInTimeSnapshotDateTime !== undefined && {
            pointInTime: instance.pointInTimeSnapshotDateTime,
          }),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  const bySourceServer = new Map([...found].map(([id, instance]) => [instance.ec2InstanceId, id]));
  for (const ids of chunks([...bySourceServer.keys()], MAX_INSTANCE_IDS)) {
    const reply = await aws("EC2 DescribeInstances", () =>
      engine.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: ids })),
    );
    for (const instance of (reply.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
      const sourceServerId = bySourceServer.get(instance.InstanceId ?? "");
      const launched = sourceServerId ? found.get(sourceServerId) : undefined;
      if (!launched) continue;
      if (instance.PrivateIpAddress) launched.privateIp = instance.PrivateIpAddress;
      if (instance.InstanceType) launched.instanceType = instance.InstanceType;
    }
  }
  return found;
}

/** Job log events that end a server's launch, and how a person would say them. */
const FAILURE_EVENTS: Record<string, string> = {
  SNAPSHOT_FAIL: "snapshot failed",
  // A disconnected server whose point-in-time snapshots are all gone (or unusable) has nothing to launch from.
  USING_PREVIOUS_SNAPSHOT_FAILED: "launch from the last point-in-time snapshot failed",
  CONVERSION_FAIL: "conversion failed",
  LAUNCH_FAILED: "launch failed",
  SERVER_SKIPPED: "skipped by DRS",
};

/** Why each server of a job failed, from the job log: the failing step and DRS's own message, with its time. */
export async function launchFailures(
  engine: EngineContext,
  jobId: string,
): Promise<Map<string, { reason: string; at?: string }>> {
  const failures = new Map<string, { reason: string; at?: string }>();
  let nextToken: string | undefined;
  do {
    const page = await aws("DRS DescribeJobLogItems", () =>
      engine.aws.drs.send(new DescribeJobLogItemsCommand({ jobID: jobId, nextToken })),
    );
    for (const item of page.items ?? []) {
      const step = FAILURE_EVENTS[item.event ?? ""];
      const sourceServerId = item.eventData?.sourceServerID;
      if (!step || !sourceServerId) continue;
      const detail = item.eventData?.rawError;
      failures.set(sourceServerId, {
        reason: detail ? `${step}: ${detail}` : step,
        ...(item.logDateTime && { at: item.logDateTime }),
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return failures;
}
