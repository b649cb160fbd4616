import {
  DescribeRecoveryInstancesCommand,
  paginateDescribeRecoverySnapshots,
  type RecoveryInstance,
  type RecoverySnapshot,
} from "@aws-sdk/client-drs";
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput } from "@aws-sdk/client-sfn";
import type { Fleet } from "@drs-orchestrator/core";
import {
  getRecoveryStatus,
  type ServerItem,
  type StartRecoveryResult,
  startRecovery,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";
import { exampleFleet } from "../support/local-engine";

/**
 * The bad day on the local runtime, with the real SDK clients: a region outage (every source
 * disconnected for hours), a ransomware recovery to a time before the attack, a server that never
 * finished its initial sync, and a RECOVERY over the live instances of an earlier one.
 */

const HOURS = 3600;
const LAG_SECONDS = 3 * HOURS;

function plan(id: string, sourceServerIds: string[], notReady: "abort" | "skip" = "abort") {
  return {
    id,
    name: `${id} bad day`,
    rto: "2h",
    rpo: "5m",
    groups: [{ id: "all", select: { sourceServerIds } }],
    failure: { notReady, maxFailedPercent: 0, retries: 0 },
  };
}

/** Every snapshot DRS lists for the server (all pages), through the SDK. */
async function snapshotsOf(env: DeployedApp, sourceServerID: string): Promise<RecoverySnapshot[]> {
  const snapshots: RecoverySnapshot[] = [];
  for await (const page of paginateDescribeRecoverySnapshots({ client: env.drs }, { sourceServerID })) {
    snapshots.push(...(page.items ?? []));
  }
  return snapshots;
}

/** The newest snapshot taken at or before `at`, computed here from the full list. */
function newestAtOrBefore(snapshots: readonly RecoverySnapshot[], at: string): RecoverySnapshot | undefined {
  return snapshots
    .filter((snapshot) => Date.parse(snapshot.timestamp as string) <= Date.parse(at))
    .sort((a, b) => Date.parse(b.timestamp as string) - Date.parse(a.timestamp as string))[0];
}

async function recoveryInstances(env: DeployedApp, ids: string[]): Promise<RecoveryInstance[]> {
  const reply = await env.drs.send(
    new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: ids } }),
  );
  return reply.items ?? [];
}

/** Waits for a workflow to end, whether or not Prepare got as far as writing META. */
async function workflowEnd(
  env: DeployedApp,
  started: StartRecoveryResult,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const described = await env.sfn.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    if (described.status !== "RUNNING") return described;
    if (performance.now() > deadline) throw new Error(`${started.executionId} still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startRecoveryOf(
  env: DeployedApp,
  planId: string,
  extra: Record<string, unknown> = {},
): Promise<StartRecoveryResult> {
  const outcome = await env.start({
    planId,
    mode: "RECOVERY",
    confirm: planId,
    reason: "the bad day",
    requestedBy: "workflow-tests",
    ...extra,
  });
  if (!outcome.ok) throw new Error(`${planId}: ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.started;
}

function byId(servers: readonly ServerItem[]): Map<string, ServerItem> {
  return new Map(servers.map((server) => [server.sourceServerId, server]));
}

describe("the bad day", () => {
  let fleet: Fleet;
  let env: DeployedApp;
  const ids = {} as Record<"outage" | "ransomware" | "partial", string[]>;

  beforeAll(async () => {
    fleet = await exampleFleet();
    ids.outage = pickServers(fleet, { app: "estate", tier: "dns" }, 3);
    ids.ransomware = pickServers(fleet, { app: "estate", tier: "cache" }, 3);
    ids.partial = pickServers(fleet, { app: "estate", tier: "queue" }, 3);
    env = await startDeployedApp({ fleet });
    await env.applyPlan(plan("outage", ids.outage));
    await env.applyPlan(plan("ransomware", ids.ransomware));
    await env.applyPlan(plan("partial", ids.partial, "skip"));
    for (const id of ids.outage)
      env.local.drs.setReplication(id, { state: "DISCONNECTED", lagSeconds: LAG_SECONDS });
  }, 60_000);

  afterAll(() => env?.stop());

  describe("region outage: every server DISCONNECTED with hours of lag", () => {
    let recovery: StartRecoveryResult;

    it("refuses a DRILL, naming each server and its state", async () => {
      const started = await env.startDrill("outage");
      const ended = await workflowEnd(env, started);
      expect(ended.status).toBe("FAILED");
      const status = await getRecoveryStatus(env.engine, started.executionId, { now: env.local.clock.now() });
      expect(status.status).toBe("FAILED");
      expect(status.error).toBe("ServersNotReadyError");
      for (const id of ids.outage) {
        expect(status.cause).toMatch(new RegExp(`${id} \\(DISCONNECTED\\): replication is DISCONNECTED`));
      }
      expect(status.cause).toMatch(
        /if the source is lost, a confirmed RECOVERY launches them from their last point-in-time snapshot$/,
      );
      expect(await env.engine.executions.servers(started.executionId)).toEqual([]);
      expect(
        env.local.drs
          .jobs()
          .filter((job) => job.tags?.["drs-orchestrator:execution-id"] === started.executionId),
      ).toEqual([]);
    }, 90_000);

    it("recovers every server in a confirmed RECOVERY, each with its data-loss window", async () => {
      recovery = await startRecoveryOf(env, "outage");
      const ended = await env.waitForEnd(recovery, 60_000);
      expect(ended.status).toBe("SUCCEEDED");
      const servers = byId(await env.engine.executions.servers(recovery.executionId));
      const { startedAt } = ended.meta;
      let worst = 0;
      for (const id of ids.outage) {
        const server = servers.get(id) as ServerItem;
        expect(server.status, id).toBe("HEALTHY");
        expect(server.replication, id).toMatchObject({ state: "DISCONNECTED" });
        expect(server.replication?.lagSeconds, id).toBeGreaterThanOrEqual(LAG_SECONDS);
        // Launched from the newest snapshot DRS held when the recovery started: nothing newer exists.
        const newest = newestAtOrBefore(await snapshotsOf(env, id), startedAt) as RecoverySnapshot;
        expect(server.pointInTime, id).toBe(newest.timestamp);
        const loss = Math.round((Date.parse(startedAt) - Date.parse(newest.timestamp as string)) / 1000);
        expect(server.dataLossSeconds, id).toBe(loss);
        expect(loss, id).toBeGreaterThanOrEqual(LAG_SECONDS);
        worst = Math.max(worst, loss);
      }
      const status = await getRecoveryStatus(env.engine, recovery.executionId, {
        now: env.local.clock.now(),
      });
      expect(status.rpo).toMatchObject({ targetSeconds: 300, achievedSeconds: worst, breached: true });
      expect(status.rpo?.breachedBySeconds).toBe(worst - 300);
    }, 90_000);

    it("refuses a second RECOVERY over the live instances, naming servers and execution; replaceExisting allows it", async () => {
      const refused = await startRecoveryOf(env, "outage");
      const ended = await workflowEnd(env, refused);
      expect(ended.status).toBe("FAILED");
      const status = await getRecoveryStatus(env.engine, refused.executionId, { now: env.local.clock.now() });
      expect(status).toMatchObject({ status: "FAILED", error: "LiveRecoveryInstancesError" });
      for (const id of ids.outage) {
        expect(status.cause).toMatch(
          new RegExp(`${id} \\(i-[0-9a-f]+ RUNNING, launched by execution ${recovery.executionId}\\)`),
        );
      }
      const launchedBy = (executionId: string) =>
        env.local.drs.jobs().filter((job) => job.tags?.["drs-orchestrator:execution-id"] === executionId);
      expect(launchedBy(refused.executionId)).toEqual([]);
      expect(await env.engine.executions.servers(refused.executionId)).toEqual([]);

      const replacing = await startRecoveryOf(env, "outage", { replaceExisting: true });
      const replaced = await env.waitForEnd(replacing, 60_000);
      expect(replaced.status).toBe("SUCCEEDED");
      expect(replaced.meta.replaceExisting).toBe(true);
      const instances = await recoveryInstances(env, ids.outage);
      const jobs = new Set(launchedBy(replacing.executionId).map((job) => job.jobID));
      for (const id of ids.outage) {
        const live = instances.filter((i) => i.sourceServerID === id && i.ec2InstanceState === "RUNNING");
        expect(
          live.map((i) => jobs.has(i.jobID as string)),
          id,
        ).toEqual([true]);
      }
    }, 120_000);
  });

  it("ransomware: a RECOVERY as of two hours ago launches each server from its snapshot just before then", async () => {
    const asOf = new Date(env.local.clock.now().getTime() - 2 * HOURS * 1000).toISOString();
    // As the CLI starts it: the engine's start path on the clock the runtime runs on.
    const started = await startRecovery(
      {
        planId: "ransomware",
        mode: "RECOVERY",
        confirm: "ransomware",
        reason: "ransomware: back to before the attack",
        requestedBy: "workflow-tests",
        asOf,
      },
      env.engine,
      env.local.clock.now(),
    );
    const ended = await env.waitForEnd(started, 60_000);
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta.asOf).toBe(asOf);
    const servers = byId(await env.engine.executions.servers(started.executionId));
    const instances = await recoveryInstances(env, ids.ransomware);
    const points: number[] = [];
    for (const id of ids.ransomware) {
      const chosen = newestAtOrBefore(await snapshotsOf(env, id), asOf) as RecoverySnapshot;
      const server = servers.get(id) as ServerItem;
      expect(server.recoverySnapshotId, id).toBe(chosen.snapshotID);
      expect(server.snapshotAt, id).toBe(chosen.timestamp);
      const instance = instances.find((i) => i.sourceServerID === id && i.jobID === server.jobId);
      expect(instance?.pointInTimeSnapshotDateTime, id).toBe(chosen.timestamp);
      expect(server.pointInTime, id).toBe(chosen.timestamp);
      expect(server.dataLossSeconds, id).toBe(
        Math.round((Date.parse(ended.meta.startedAt) - Date.parse(chosen.timestamp as string)) / 1000),
      );
      points.push(Date.parse(chosen.timestamp as string));
    }
    const status = await getRecoveryStatus(env.engine, started.executionId, { now: env.local.clock.now() });
    expect(status.rpo).toMatchObject({
      asOf,
      spreadSeconds: (Math.max(...points) - Math.min(...points)) / 1000,
    });
  }, 90_000);

  it("a server that never finished its initial sync is named and skipped (failure.notReady: skip)", async () => {
    const [unsynced, ...rest] = ids.partial as [string, ...string[]];
    env.local.drs.setReplication(unsynced, { state: "INITIAL_SYNC" });
    const started = await startRecoveryOf(env, "partial");
    const ended = await env.waitForEnd(started, 60_000);
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta.skipped).toEqual([
      {
        sourceServerId: unsynced,
        state: "INITIAL_SYNC",
        reason: expect.stringMatching(/has no point-in-time snapshot .*never finished its initial sync/),
      },
    ]);
    const servers = await env.engine.executions.servers(started.executionId);
    expect(servers.map((server) => server.sourceServerId).sort()).toEqual([...rest].sort());
    const status = await getRecoveryStatus(env.engine, started.executionId, { now: env.local.clock.now() });
    expect(status.skipped).toEqual(ended.meta.skipped);
  }, 90_000);
});
