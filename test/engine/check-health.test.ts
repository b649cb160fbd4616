import {
  DescribeJobsCommand,
  DescribeRecoveryInstancesCommand,
  StartRecoveryCommand,
  UpdateLaunchConfigurationCommand,
} from "@aws-sdk/client-drs";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import {
  checkHealth,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";

/**
 * Simulated seconds per real second. EC2 status checks stay `initializing` for 150 simulated
 * seconds after boot: 5 real seconds here, ample for a first check to see them undecided even on
 * a loaded machine.
 */
const SPEED = 30;

let env: LocalEngine;
beforeAll(async () => {
  env = await startLocalEngine({
    speed: SPEED,
    timings: {
      jobStartSeconds: 2,
      snapshotSeconds: 3,
      conversionSeconds: 3,
      bootLinuxSeconds: 6,
      bootWindowsSeconds: 6,
    },
  });
});
afterAll(() => env.stop());

let nextServer = 0;
/** Servers of the example fleet that replicate continuously, a fresh set for each test. */
function readyServers(count: number): string[] {
  const ready = env.local.fleet.sourceServers.filter(
    (s) => s.dataReplicationInfo?.dataReplicationState === "CONTINUOUS",
  );
  const picked = ready.slice(nextServer, nextServer + count).map((s) => s.sourceServerID);
  nextServer += count;
  return picked;
}

const now = () => env.local.clock.isoNow();
const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Launches the servers in one DRS drill job and waits, on the simulated clock, for it to complete. */
async function launch(sourceServerIds: string[]): Promise<string> {
  const { drs } = env.engine.aws;
  const { job } = await drs.send(
    new StartRecoveryCommand({
      sourceServers: sourceServerIds.map((sourceServerID) => ({ sourceServerID })),
      isDrill: true,
    }),
  );
  const jobId = job?.jobID as string;
  for (;;) {
    const { items } = await drs.send(new DescribeJobsCommand({ filters: { jobIDs: [jobId] } }));
    if (items?.[0]?.status === "COMPLETED") return jobId;
    await env.local.clock.sleep(1000);
  }
}

async function recoveryInstanceOf(sourceServerId: string): Promise<string> {
  const { items } = await env.engine.aws.drs.send(
    new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [sourceServerId] } }),
  );
  return items?.[0]?.ec2InstanceID as string;
}

/** META, the wave LAUNCHING and its servers, as prepare and the launch steps leave them. */
async function seedExecution(
  executionId: string,
  servers: (Partial<ServerItem> & { sourceServerId: string; status: ServerItem["status"] })[],
  meta: Partial<ExecutionMeta> = {},
): Promise<void> {
  const startedAt = now();
  const { executions } = env.engine;
  const wave: WaveItem = {
    executionId,
    wave: 1,
    groupIds: ["app"],
    serverCount: servers.length,
    status: "LAUNCHING",
    attempt: 0,
    startedAt,
  };
  await executions.putAll([
    {
      ...keys.meta(executionId),
      executionId,
      planId: "health",
      planVersion: 1,
      planName: "Health",
      mode: "DRILL",
      status: "RUNNING",
      requestedBy: "test",
      reason: "health checks",
      startedAt,
      waveCount: 1,
      serverCount: servers.length,
      rtoSeconds: 3600,
      rpoSeconds: 300,
      maxFailedPercent: 0,
      retries: 0,
      skipped: [],
      ...meta,
    },
    { ...keys.wave(executionId, 1), ...wave },
    ...servers.map((server) => ({
      ...keys.server(executionId, 1, server.sourceServerId),
      executionId,
      wave: 1,
      groupId: "app",
      critical: false,
      attempts: 1,
      ...server,
    })),
  ]);
}

const serverItem = (executionId: string, sourceServerId: string) =>
  env.engine.executions.get<ServerItem>(keys.server(executionId, 1, sourceServerId));

describe("check-health", () => {
  it("passes servers once the emulated status checks turn ok, finding instance IDs the launch result lacked", async () => {
    const [a, b] = readyServers(2) as [string, string];
    const jobId = await launch([a, b]);
    const launchedAt = now();
    const instanceA = await recoveryInstanceOf(a);
    await seedExecution("exec-health", [
      {
        sourceServerId: a,
        status: "LAUNCHED",
        jobId,
        launchedAt,
        ec2InstanceId: instanceA,
        recoveryInstanceId: instanceA,
      },
      { sourceServerId: b, status: "LAUNCHED", jobId, launchedAt },
    ]);

    const first = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-health", wave: 1, now: now() },
      env.engine,
    );
    // Both launched just now: the next look is the longest pause away.
    expect(first).toEqual({ pendingChecks: 2, healthy: 0, unhealthy: 0, nextCheckSeconds: 15 });
    const wave = await env.engine.executions.getWave("exec-health", 1);
    expect(wave?.status).toBe("CHECKING_HEALTH");
    expect(wave?.healthCheckedAt).toBeUndefined();
    // The instance of b was looked up in DRS, with address and type from EC2.
    const instanceB = await recoveryInstanceOf(b);
    const { Reservations } = await env.engine.aws.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [instanceB] }),
    );
    const ec2B = Reservations?.[0]?.Instances?.[0];
    expect(await serverItem("exec-health", b)).toMatchObject({
      status: "LAUNCHED",
      ec2InstanceId: instanceB,
      recoveryInstanceId: instanceB,
      privateIp: ec2B?.PrivateIpAddress,
      instanceType: ec2B?.InstanceType,
    });

    await env.local.clock.sleep(160_000);
    const checkedAt = now();
    const second = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-health", wave: 1, now: checkedAt },
      env.engine,
    );
    expect(second).toEqual({ pendingChecks: 0, healthy: 2, unhealthy: 0, nextCheckSeconds: 2 });
    expect(await serverItem("exec-health", a)).toMatchObject({ status: "HEALTHY", healthyAt: checkedAt });
    expect(await serverItem("exec-health", b)).toMatchObject({ status: "HEALTHY", healthyAt: checkedAt });
    expect((await env.engine.executions.getWave("exec-health", 1))?.healthCheckedAt).toBe(checkedAt);

    // A repeated check finds nothing launched left to judge and keeps the recorded times.
    const again = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-health", wave: 1, now: plus(checkedAt, 15) },
      env.engine,
    );
    expect(again).toEqual({ pendingChecks: 0, healthy: 2, unhealthy: 0, nextCheckSeconds: 2 });
    expect(await serverItem("exec-health", a)).toMatchObject({ healthyAt: checkedAt });
  });

  it("marks servers unhealthy when their checks have not passed within the health timeout", async () => {
    const [a, ghost] = readyServers(2) as [string, string];
    const jobId = await launch([a]);
    const launchedAt = now();
    const instanceA = await recoveryInstanceOf(a);
    await seedExecution("exec-timeout", [
      { sourceServerId: a, status: "LAUNCHED", jobId, launchedAt, ec2InstanceId: instanceA },
      // A launch result whose instance neither DRS nor EC2 ever reports.
      { sourceServerId: ghost, status: "LAUNCHED", jobId: "drsjob-00000000000000000", launchedAt },
    ]);
    expect(env.engine.config.healthCheckTimeoutSeconds).toBe(900);

    const before = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-timeout", wave: 1, now: plus(launchedAt, 899) },
      env.engine,
    );
    // 13 minutes past the usual pass: polls have backed off to 2 s + 1 s per overdue minute.
    expect(before).toEqual({ pendingChecks: 2, healthy: 0, unhealthy: 0, nextCheckSeconds: 14 });

    // The workflow's clock says 15 minutes passed; EC2's checks are still initializing.
    const late = plus(launchedAt, 900);
    const after = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-timeout", wave: 1, now: late },
      env.engine,
    );
    expect(after).toEqual({ pendingChecks: 0, healthy: 0, unhealthy: 2, nextCheckSeconds: 2 });
    expect(await serverItem("exec-timeout", a)).toMatchObject({
      status: "UNHEALTHY",
      unhealthyAt: late,
      failureReason: expect.stringMatching(
        new RegExp(
          `^status checks not passed within 15m \\(instance ${instanceA} running, system status initializing`,
        ),
      ),
    });
    expect(await serverItem("exec-timeout", ghost)).toMatchObject({
      status: "UNHEALTHY",
      failureReason: "status checks not passed within 15m (no EC2 instance reported yet)",
    });
    expect((await env.engine.executions.getWave("exec-timeout", 1))?.healthCheckedAt).toBe(late);
  });

  it("counts stopped instances as launched when the plan does not launch them STARTED, and judges only LAUNCHED servers", async () => {
    const [stoppedOk, stoppedWrong, failed] = readyServers(3) as [string, string, string];
    for (const sourceServerID of [stoppedOk, stoppedWrong]) {
      await env.engine.aws.drs.send(
        new UpdateLaunchConfigurationCommand({ sourceServerID, launchDisposition: "STOPPED" }),
      );
    }
    const { version } = await env.engine.plans.apply(
      {
        id: "health",
        name: "Health",
        rto: "1h",
        rpo: "5m",
        groups: [
          {
            id: "app",
            select: { sourceServerIds: [stoppedOk, stoppedWrong, failed] },
            launch: { launchDisposition: "STOPPED" },
            servers: { [stoppedWrong]: { launchDisposition: "STARTED" } },
          },
        ],
      },
      "test",
    );
    const jobId = await launch([stoppedOk, stoppedWrong]);
    const launchedAt = now();
    await seedExecution(
      "exec-stopped",
      [
        {
          sourceServerId: stoppedOk,
          status: "LAUNCHED",
          jobId,
          launchedAt,
          ec2InstanceId: await recoveryInstanceOf(stoppedOk),
        },
        {
          sourceServerId: stoppedWrong,
          status: "LAUNCHED",
          jobId,
          launchedAt,
          ec2InstanceId: await recoveryInstanceOf(stoppedWrong),
        },
        { sourceServerId: failed, status: "FAILED", jobId, failureReason: "launch failed: capacity" },
      ],
      { planVersion: version },
    );

    const checkedAt = now();
    const result = await checkHealth(
      { maxPollSeconds: 15, executionId: "exec-stopped", wave: 1, now: checkedAt },
      env.engine,
    );
    expect(result).toEqual({ pendingChecks: 0, healthy: 1, unhealthy: 1, nextCheckSeconds: 2 });
    expect(await serverItem("exec-stopped", stoppedOk)).toMatchObject({
      status: "HEALTHY",
      healthyAt: checkedAt,
    });
    expect(await serverItem("exec-stopped", stoppedWrong)).toMatchObject({
      status: "UNHEALTHY",
      failureReason: expect.stringMatching(/is stopped but the plan launches it STARTED$/),
    });
    expect(await serverItem("exec-stopped", failed)).toMatchObject({
      status: "FAILED",
      failureReason: "launch failed: capacity",
    });
  });

  it("names the missing wave", async () => {
    await expect(
      checkHealth({ maxPollSeconds: 15, executionId: "exec-none", wave: 4, now: now() }, env.engine),
    ).rejects.toThrow(/execution exec-none has no wave 4 item/);
  });
});
