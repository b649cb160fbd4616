import { DescribeRecoveryInstancesCommand, GetLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand } from "@aws-sdk/client-ec2";
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import {
  activeRun,
  cleanupExecutionName,
  drillCleanupReport,
  executionArnOf,
  getRecoveryStatus,
  getTriggerRecord,
  keys,
  type ServerItem,
  type StartRecoveryResult,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, planFile, startDeployedApp } from "../support/local-app";
import { until } from "../support/waiting";

/**
 * A real recovery outranks drills, on the deployed app: a confirmed RECOVERY of a plan whose drill
 * runs, or whose servers a drill of another plan holds, stops that drill (ABORTED, preemptedBy) and
 * takes over; the drill's cleanup then leaves every server the recovery holds as the recovery set
 * it, checked against the DRS and EC2 emulators; and nothing else starts over the running recovery.
 * Each scenario runs on its own runtime, so no recovery starts over another's live instances.
 */

const DEADLINE_MS = 90_000;
const APPROVER = "preemption-tests";

const recoveryRequest = (planId: string) => ({
  planId,
  mode: "RECOVERY",
  confirm: planId,
  reason: "the region is down",
  requestedBy: "incident-commander",
});

function cleanupArn(env: DeployedApp, executionId: string): string {
  return executionArnOf(
    env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
    cleanupExecutionName(executionId),
  );
}

async function describeExecution(
  env: DeployedApp,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput | undefined> {
  try {
    return await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}

/** Starts a drill of the plan and waits until it holds at an approval gate. */
async function drillAtGate(env: DeployedApp, planId: string): Promise<StartRecoveryResult> {
  const started = await env.startDrill(planId);
  await until(
    `${started.executionId} at its approval gate`,
    async () => {
      const status = await getRecoveryStatus(env.engine, started.executionId, { now: env.local.clock.now() });
      return status.pendingApprovals.length > 0 ? status : undefined;
    },
    DEADLINE_MS,
  );
  return started;
}

async function startRecovery(env: DeployedApp, planId: string): Promise<StartRecoveryResult> {
  const outcome = await env.start(recoveryRequest(planId));
  if (!outcome.ok)
    throw new Error(`the recovery did not start: ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.started;
}

/** Waits for the drill's cleanup (started by the drill-ended rule) to end. */
async function cleanupEnded(env: DeployedApp, drillId: string): Promise<DescribeExecutionCommandOutput> {
  return until(
    `the cleanup of ${drillId}`,
    async () => {
      const cleanup = await describeExecution(env, cleanupArn(env, drillId));
      return cleanup && cleanup.status !== "RUNNING" ? cleanup : undefined;
    },
    DEADLINE_MS,
  );
}

/** Servers of the execution that a drill cleanup would touch: with an instance or changed settings. */
function touched(servers: readonly ServerItem[]): ServerItem[] {
  return servers.filter((server) => server.ec2InstanceId !== undefined || server.settings?.appliedVersion);
}

/**
 * Every server of the recovery is as the recovery left it: its recovery instance running and DRS's
 * current (non-drill) instance of the server, the launch template defaulting to the version it
 * launched with, the launch configuration as its plan sets it, the instance of the plan's type.
 */
async function expectAsRecoverySetThem(
  env: DeployedApp,
  recoveryId: string,
  launchedWith: (server: ServerItem) => number | undefined,
  instanceTypes: Record<string, string>,
): Promise<void> {
  const servers = await env.engine.executions.servers(recoveryId);
  const instanceIds = servers.map((server) => server.ec2InstanceId as string);
  expect(instanceIds.every((id) => id?.startsWith("i-"))).toBe(true);
  const { Reservations } = await env.ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }));
  const instances = new Map(
    (Reservations ?? []).flatMap((r) => r.Instances ?? []).map((instance) => [instance.InstanceId, instance]),
  );
  const { items } = await env.drs.send(
    new DescribeRecoveryInstancesCommand({
      filters: { sourceServerIDs: servers.map((server) => server.sourceServerId) },
    }),
  );
  for (const server of servers) {
    const id = server.sourceServerId;
    const instance = instances.get(server.ec2InstanceId);
    expect(instance?.State?.Name, id).toBe("running");
    expect(instance?.InstanceType, id).toBe(instanceTypes[server.groupId]);
    const current = (items ?? []).filter((item) => item.sourceServerID === id);
    expect(
      current.map((item) => [item.recoveryInstanceID, item.isDrill]),
      id,
    ).toEqual([[server.ec2InstanceId, false]]);

    const configuration = await env.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: id }));
    // The fleet's own settings are BASIC right-sizing and no tag copy; the plan sets NONE and copies tags.
    expect(configuration.targetInstanceTypeRightSizingMethod, id).toBe("NONE");
    expect(configuration.copyTags, id).toBe(true);
    const { LaunchTemplates } = await env.ec2.send(
      new DescribeLaunchTemplatesCommand({
        LaunchTemplateIds: [configuration.ec2LaunchTemplateID as string],
      }),
    );
    expect(LaunchTemplates?.[0]?.DefaultVersionNumber, id).toBe(launchedWith(server));
  }
}

describe("a confirmed recovery of a plan whose drill waits at its approval gate", () => {
  let env: DeployedApp;

  beforeAll(async () => {
    env = await startDeployedApp();
    const shop = await planFile("three-tier.yaml");
    await env.applyPlan({
      ...shop,
      triggers: { ...(shop.triggers as object), alarms: [{ name: "shop-health", mode: "DRILL" }] },
    });
  }, 30_000);

  afterAll(() => env?.stop());

  it("stops the drill (ABORTED, preemptedBy), runs to SUCCEEDED, and the drill's cleanup leaves its servers alone", async () => {
    const drill = await drillAtGate(env, "shop");
    const drillServers = await env.engine.executions.servers(drill.executionId);
    expect(touched(drillServers)).toHaveLength(6);
    const terminateCalls = env.local.drs.counters.calls.TerminateRecoveryInstances ?? 0;

    const recovery = await startRecovery(env, "shop");
    expect(recovery).toMatchObject({
      planId: "shop",
      mode: "RECOVERY",
      alreadyStarted: false,
      preemptedDrill: drill.executionId,
    });
    // Stopped and closed before the start answered.
    const cause = `pre-empted by recovery ${recovery.executionId}`;
    expect(await describeExecution(env, drill.executionArn)).toMatchObject({
      status: "ABORTED",
      error: "DrillPreempted",
      cause,
    });
    expect(await env.engine.executions.getMeta(drill.executionId)).toMatchObject({
      status: "ABORTED",
      preemptedBy: recovery.executionId,
      error: "DrillPreempted",
      cause,
    });
    expect((await activeRun(env.engine, "shop"))?.executionId).toBe(recovery.executionId);

    // While the recovery runs, nothing else starts over it.
    for (const mode of ["DRILL", "RECOVERY"]) {
      const refused = await env.start({ ...recoveryRequest("shop"), mode, reason: "again" });
      expect(refused).toMatchObject({ ok: false, errorType: "RecoveryInProgressError" });
    }
    await env.local.events.publish({
      eventBusName: "default",
      source: "aws.cloudwatch",
      detailType: "CloudWatch Alarm State Change",
      resources: [`arn:aws:cloudwatch:${env.local.region}:${env.local.accountId}:alarm:shop-health`],
      detail: {
        alarmName: "shop-health",
        state: { value: "ALARM", reason: "Threshold Crossed", timestamp: env.local.clock.isoNow() },
        previousState: {
          value: "OK",
          reason: "Threshold Crossed",
          timestamp: "2026-01-01T00:00:00.000+0000",
        },
        configuration: { metrics: [] },
      },
    });
    await env.local.events.idle();
    const alarm = env.local.events.receivedEvents.findLast(
      (received) => received.event["detail-type"] === "CloudWatch Alarm State Change",
    );
    const record = await getTriggerRecord(env.engine, alarm?.event.id as string);
    expect(record).toMatchObject({
      status: "REJECTED",
      alarmName: "shop-health",
      starts: [
        {
          planId: "shop",
          mode: "DRILL",
          error: { name: "RecoveryInProgressError", message: expect.stringContaining(recovery.executionId) },
        },
      ],
    });
    expect((await activeRun(env.engine, "shop"))?.executionId).toBe(recovery.executionId);

    // The drill's cleanup (the drill-ended rule) ran while the recovery held every server.
    const cleanup = await cleanupEnded(env, drill.executionId);
    expect(cleanup.status).toBe("SUCCEEDED");
    const report = await drillCleanupReport(env.engine, drill.executionId);
    expect(report).toMatchObject({ terminatedInstanceIds: [], revertedServers: [], failedTerminations: [] });
    expect(report?.skippedServers).toEqual(
      touched(drillServers)
        .map((server) => server.sourceServerId)
        .sort()
        .map((sourceServerId) => ({ sourceServerId, reason: `held by recovery ${recovery.executionId}` })),
    );
    expect(env.local.drs.counters.calls.TerminateRecoveryInstances ?? 0).toBe(terminateCalls);

    const ended = await env.waitForEnd(recovery, { deadlineMs: DEADLINE_MS, approveAs: APPROVER });
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta).toMatchObject({ mode: "RECOVERY", summary: { servers: 9, healthy: 9 } });
    // The recovery found the drill's template versions already right and launched with them.
    const drillVersion = new Map(drillServers.map((s) => [s.sourceServerId, s.settings?.appliedVersion]));
    await expectAsRecoverySetThem(
      env,
      recovery.executionId,
      (server) => server.settings?.appliedVersion ?? drillVersion.get(server.sourceServerId),
      { db: "r6i.xlarge", app: "m6i.large", web: "c6i.large" },
    );
  }, 180_000);
});

describe("a confirmed recovery whose servers a drill of another plan holds", () => {
  let env: DeployedApp;

  beforeAll(async () => {
    env = await startDeployedApp();
    await env.applyPlan("three-tier.yaml");
    // Shares the shop's databases (with other settings) and launches the payments workers beside them.
    await env.applyPlan({
      id: "shared-drill",
      name: "Shop databases and payments",
      rto: "4h",
      rpo: "5m",
      launch: {
        rightSizing: "NONE",
        copyTags: true,
        subnetId: "subnet-0a1b2c3d4e5f60002",
        securityGroupIds: ["sg-0a1b2c3d4e5f60002"],
      },
      groups: [
        { id: "db", select: { tags: { app: "shop", tier: "db" } }, launch: { instanceType: "r6i.large" } },
        { id: "workers", select: { tags: { app: "payments", tier: "worker" } } },
        {
          id: "api",
          select: { tags: { app: "payments", tier: "api" } },
          dependsOn: ["db", "workers"],
          approval: true,
        },
      ],
    });
  }, 30_000);

  afterAll(() => env?.stop());

  it("pre-empts that drill from its Prepare, and the drill's cleanup cleans only what the recovery does not hold", async () => {
    const drill = await drillAtGate(env, "shared-drill");
    const drillServers = await env.engine.executions.servers(drill.executionId);
    const launched = touched(drillServers);
    const shared = launched.filter((server) => server.groupId === "db").map((s) => s.sourceServerId);
    const own = launched.filter((server) => server.groupId === "workers");
    expect([shared.length, own.length]).toEqual([3, 3]);

    const recovery = await startRecovery(env, "shop");
    // Another plan's drill is pre-empted later, by the recovery's Prepare, not by its start.
    expect(recovery.preemptedDrill).toBeUndefined();
    const ended = await env.waitForEnd(recovery, { deadlineMs: DEADLINE_MS, approveAs: APPROVER });
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta.summary).toMatchObject({ servers: 9, healthy: 9 });

    const cause = `pre-empted by recovery ${recovery.executionId}`;
    expect(await describeExecution(env, drill.executionArn)).toMatchObject({
      status: "ABORTED",
      error: "DrillPreempted",
      cause,
    });
    expect(await env.engine.executions.getMeta(drill.executionId)).toMatchObject({
      status: "ABORTED",
      preemptedBy: recovery.executionId,
      error: "DrillPreempted",
      cause,
    });
    // Its plan was released; its other servers' locks too.
    expect(await activeRun(env.engine, "shared-drill")).toBeUndefined();
    for (const server of own) {
      const lock = await env.engine.executions.get<{ releasedAt?: string }>(keys.lock(server.sourceServerId));
      expect(lock?.releasedAt, server.sourceServerId).toBeDefined();
    }

    const cleanup = await cleanupEnded(env, drill.executionId);
    expect(cleanup.status).toBe("SUCCEEDED");
    const report = await drillCleanupReport(env.engine, drill.executionId);
    // Its own instances and settings (the payments workers) are cleaned up; the shop's databases are not.
    expect(report?.terminatedInstanceIds).toEqual(
      [...own].sort((a, b) => a.sourceServerId.localeCompare(b.sourceServerId)).map((s) => s.ec2InstanceId),
    );
    expect(report?.revertedServers.map((server) => server.sourceServerId)).toEqual(
      own.map((server) => server.sourceServerId).sort(),
    );
    expect(report?.skippedServers).toEqual(
      [...shared].sort().map((sourceServerId) => ({
        sourceServerId,
        reason: `held by recovery ${recovery.executionId}`,
      })),
    );
    const { Reservations } = await env.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: own.map((server) => server.ec2InstanceId as string) }),
    );
    for (const instance of (Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      expect(instance.State?.Name, instance.InstanceId).toBe("terminated");
    }

    // The recovery changed the databases' templates (other instance type than the drill's).
    await expectAsRecoverySetThem(env, recovery.executionId, (server) => server.settings?.appliedVersion, {
      db: "r6i.xlarge",
      app: "m6i.large",
      web: "c6i.large",
    });
  }, 180_000);
});
