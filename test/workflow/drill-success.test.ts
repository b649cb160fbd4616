import {
  type Job,
  paginateDescribeRecoveryInstances,
  paginateDescribeSourceServers,
  type RecoveryInstance,
  type SourceServer,
} from "@aws-sdk/client-drs";
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { orderHookRecords } from "@drs-orchestrator/core";
import type { ApprovalItem, HookItem, ServerItem } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, type EndedExecution, startDeployedApp } from "../support/local-app";

/**
 * The three example plans drilled at once on one deployed app, as an account would run them:
 * plans stored with the plan store, drills started through the start-recovery function, outcomes
 * read from Step Functions, the execution items and the DRS and EC2 APIs.
 */

const PLANS = {
  shop: "three-tier.yaml",
  payments: "overrides-hooks-approval.yaml",
  estate: "estate-300.yaml",
};
type PlanId = keyof typeof PLANS;

/** The groups of each plan in wave order, and how each picks its servers (the plan files, restated). */
const WAVES: Record<PlanId, { tags?: Record<string, string>; ids?: string[] }[][]> = {
  shop: [
    [{ tags: { app: "shop", tier: "db" } }],
    [{ tags: { app: "shop", tier: "app" } }],
    [{ tags: { app: "shop", tier: "web" } }],
  ],
  payments: [
    [{ ids: ["s-7c3596b519091e6eb", "s-c4ccb4e6c579fb1fa"] }],
    [{ tags: { app: "payments", tier: "api" } }, { tags: { app: "payments", tier: "worker" } }],
  ],
  estate: [
    [{ tags: { app: "estate", tier: "dns" } }],
    [{ tags: { app: "estate", tier: "identity" } }, { tags: { app: "estate", tier: "cache" } }],
    [
      { tags: { app: "estate", tier: "db-core" } },
      { tags: { app: "estate", tier: "db-reporting" } },
      { tags: { app: "estate", tier: "queue" } },
    ],
    [{ tags: { app: "estate", tier: "api-core" } }, { tags: { app: "estate", tier: "workers" } }],
    [
      { tags: { app: "estate", tier: "api-partner" } },
      { tags: { app: "estate", tier: "reporting" } },
      { tags: { app: "estate", tier: "web" } },
    ],
    [{ tags: { app: "estate", tier: "edge" } }],
  ],
};
/** The waves each plan gates with an approval, and who approves them (payments names its approver). */
const GATED: Record<PlanId, { waves: number[]; approver: string }> = {
  shop: { waves: [3], approver: "shop-oncall" },
  payments: { waves: [2], approver: "payments-oncall" },
  estate: { waves: [5], approver: "estate-oncall" },
};
/**
 * The hooks each plan declares, as phase/wave (0 for the recovery phases). Their targets (the
 * incidents MCP server, SSM, the smoke-test function) are not set up here; the plans let those
 * hooks fail without stopping the recovery (onFailure: continue).
 */
const HOOKS: Record<PlanId, string[]> = {
  shop: ["beforeRecovery/0", "afterWave/1", "afterWave/2", "afterWave/3", "afterRecovery/0"],
  payments: [
    "beforeRecovery/0",
    "beforeWave/1",
    "afterWave/1",
    "afterWave/1",
    "beforeWave/2",
    "afterWave/2",
    "afterWave/2",
    "afterRecovery/0",
  ],
  estate: [],
};
/** estate-300.yaml: rpo 15m and failure.notReady: skip. */
const ESTATE_RPO_SECONDS = 15 * 60;

let env: DeployedApp;
let sourceServers: SourceServer[];
const ended = {} as Record<PlanId, EndedExecution>;
const items = {} as Record<PlanId, ServerItem[]>;
const histories = {} as Record<PlanId, HistoryEvent[]>;
const approvals = {} as Record<PlanId, ApprovalItem[]>;
const hooks = {} as Record<PlanId, HookItem[]>;
/** DRS state as each drill ended, before the drill cleanup (drill.cleanupAfter) terminates its instances. */
const launchJobs = {} as Record<PlanId, Job[]>;
const instances = {} as Record<PlanId, Map<string, RecoveryInstance>>;

beforeAll(async () => {
  // The estate drill computes for many real seconds (300 servers), which the approvers share with
  // it: at this speed the shortest gate (30 simulated minutes) still leaves them seconds.
  env = await startDeployedApp({ speed: 300 });
  sourceServers = [];
  for await (const page of paginateDescribeSourceServers({ client: env.drs }, {}))
    sourceServers.push(...(page.items ?? []));
  const planIds = Object.keys(PLANS) as PlanId[];
  for (const planId of planIds) expect(await env.applyPlan(PLANS[planId])).toBe(planId);
  const started = await Promise.all(planIds.map((planId) => env.startDrill(planId)));
  await Promise.all(
    planIds.map(async (planId, index) => {
      ended[planId] = await env.waitForEnd(started[index] as NonNullable<(typeof started)[number]>, {
        deadlineMs: 100_000,
        approveAs: GATED[planId].approver,
      });
      instances[planId] = await recoveryInstances();
      launchJobs[planId] = env.local.drs
        .jobs()
        .filter(
          (job) =>
            job.type === "LAUNCH" &&
            job.tags?.["drs-orchestrator:execution-id"] === ended[planId].meta.executionId,
        );
      items[planId] = await env.engine.executions.servers(ended[planId].meta.executionId);
      histories[planId] = await env.history(ended[planId].executionArn);
      approvals[planId] = await env.engine.executions.approvals(ended[planId].meta.executionId);
      hooks[planId] = await env.engine.executions.hooks(ended[planId].meta.executionId);
    }),
  );
}, 120_000);

afterAll(() => env?.stop());

function lagSeconds(server: SourceServer): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(
    server.dataReplicationInfo?.lagDuration ?? "PT0S",
  );
  const [, hours = "0", minutes = "0", seconds = "0"] = match ?? [];
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** Not ready by the plain rule: replication not CONTINUOUS, or lagging more than the RPO. */
function notReady(server: SourceServer, rpoSeconds: number): boolean {
  return server.dataReplicationInfo?.dataReplicationState !== "CONTINUOUS" || lagSeconds(server) > rpoSeconds;
}

function selected(planId: PlanId): string[][] {
  return WAVES[planId].map((groups) =>
    sourceServers
      .filter((server) =>
        groups.some((group) =>
          group.ids
            ? group.ids.includes(server.sourceServerID as string)
            : Object.entries(group.tags ?? {}).every(([key, value]) => server.tags?.[key] === value),
        ),
      )
      .map((server) => server.sourceServerID as string)
      .sort(),
  );
}

function serversByWave(planId: PlanId): string[][] {
  return WAVES[planId].map((_, index) =>
    items[planId]
      .filter((item) => item.wave === index + 1)
      .map((item) => item.sourceServerId)
      .sort(),
  );
}

/** The largest state input or output of the execution, in characters. */
function largestPayload(planId: PlanId): number {
  return Math.max(
    ...histories[planId].map(
      (event) =>
        (event.stateEnteredEventDetails?.input ?? event.stateExitedEventDetails?.output ?? "").length,
    ),
  );
}

async function recoveryInstances(): Promise<Map<string, RecoveryInstance>> {
  const instances = new Map<string, RecoveryInstance>();
  for await (const page of paginateDescribeRecoveryInstances({ client: env.drs }, {})) {
    for (const instance of page.items ?? []) instances.set(instance.recoveryInstanceID as string, instance);
  }
  return instances;
}

describe.each(Object.keys(PLANS) as PlanId[])("a drill of plan %s", (planId) => {
  it("succeeds: Step Functions ends SUCCEEDED and finalize records every server healthy", () => {
    const { status, meta, summary } = ended[planId];
    expect(status).toBe("SUCCEEDED");
    expect(meta.status).toBe("SUCCEEDED");
    expect(meta.mode).toBe("DRILL");
    const servers = items[planId].length;
    expect(summary).toMatchObject({ status: "SUCCEEDED", serversLaunched: servers, serversFailed: 0 });
    expect(meta.summary).toMatchObject({
      servers,
      launched: servers,
      healthy: servers,
      failed: 0,
      notLaunched: 0,
      relaunched: 0,
    });
    expect(meta.endedAt).toBeDefined();
  });

  it("launches the servers the plan selects, wave by wave in dependency order", () => {
    const expected =
      planId === "estate"
        ? selected(planId).map((ids) =>
            ids.filter(
              (id) =>
                !notReady(
                  sourceServers.find((s) => s.sourceServerID === id) as SourceServer,
                  ESTATE_RPO_SECONDS,
                ),
            ),
          )
        : selected(planId);
    expect(serversByWave(planId)).toEqual(expected);
    expect(ended[planId].meta.waveCount).toBe(WAVES[planId].length);
  });

  it("brings every server up: HEALTHY, with its recovery instance and a launch before its health", () => {
    for (const server of items[planId]) {
      expect(server, server.sourceServerId).toMatchObject({ status: "HEALTHY", attempts: 1 });
      expect(server.ec2InstanceId, server.sourceServerId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(server.recoveryInstanceId, server.sourceServerId).toBe(server.ec2InstanceId);
      const launchStarted = Date.parse(server.launchStartedAt as string);
      const launched = Date.parse(server.launchedAt as string);
      const healthy = Date.parse(server.healthyAt as string);
      expect(launchStarted).toBeLessThanOrEqual(launched);
      expect(launched).toBeLessThanOrEqual(healthy);
    }
  });

  it("starts wave n+1 only after the last server of wave n is healthy (execution items and DRS job creation times)", () => {
    const waveCount = WAVES[planId].length;
    const jobs = launchJobs[planId];
    for (let wave = 1; wave < waveCount; wave++) {
      const lastHealthy = Math.max(
        ...items[planId].filter((s) => s.wave === wave).map((s) => Date.parse(s.healthyAt as string)),
      );
      const nextLaunches = items[planId]
        .filter((s) => s.wave === wave + 1)
        .map((s) => Date.parse(s.launchStartedAt as string));
      expect(
        Math.min(...nextLaunches),
        `wave ${wave + 1} launched before wave ${wave} was healthy`,
      ).toBeGreaterThanOrEqual(lastHealthy);
      const nextJobs = jobs.filter((job) => job.tags?.["drs-orchestrator:wave"] === String(wave + 1));
      expect(nextJobs.length).toBeGreaterThan(0);
      for (const job of nextJobs) {
        expect(Date.parse(job.creationDateTime as string), job.jobID).toBeGreaterThanOrEqual(lastHealthy);
      }
    }
  });

  it("waits at each approval gate and launches the gated wave only once it is approved", () => {
    const { waves, approver } = GATED[planId];
    expect(approvals[planId].map((approval) => approval.wave)).toEqual(waves);
    for (const approval of approvals[planId]) {
      expect(approval).toMatchObject({ status: "APPROVED", by: approver });
      const firstLaunch = Math.min(
        ...items[planId]
          .filter((s) => s.wave === approval.wave)
          .map((s) => Date.parse(s.launchStartedAt as string)),
      );
      expect(firstLaunch).toBeGreaterThanOrEqual(Date.parse(approval.decidedAt as string));
      expect(Date.parse(approval.decidedAt as string)).toBeGreaterThanOrEqual(
        Date.parse(approval.requestedAt),
      );
    }
  });

  it("runs the plan's hooks at their phases, and goes on past the ones allowed to fail", () => {
    const ran = orderHookRecords(hooks[planId]);
    expect(ran.map((hook) => `${hook.phase}/${hook.wave ?? 0}`)).toEqual(HOOKS[planId]);
    for (const hook of ran) {
      if (hook.status === "FAILED") expect(hook.onFailure, `${hook.name} failed`).toBe("continue");
    }
  });

  it("launches each batch with exactly one DRS drill job of at most 100 servers", () => {
    const jobs = launchJobs[planId];
    const batchKeys = jobs.map(
      (job) => `${job.tags?.["drs-orchestrator:wave"]}/${job.tags?.["drs-orchestrator:batch-id"]}`,
    );
    expect(new Set(batchKeys).size).toBe(jobs.length);
    for (const job of jobs) {
      expect(job).toMatchObject({ type: "LAUNCH", initiatedBy: "START_DRILL", status: "COMPLETED" });
      expect(job.participatingServers?.length).toBeLessThanOrEqual(100);
      for (const participant of job.participatingServers ?? [])
        expect(participant.launchStatus).toBe("LAUNCHED");
    }
    const launchedIds = jobs
      .flatMap((job) => (job.participatingServers ?? []).map((p) => p.sourceServerID))
      .sort();
    expect(launchedIds).toEqual(items[planId].map((s) => s.sourceServerId).sort());
  });

  it("recovers into drill instances that DRS lists as such, running in EC2", () => {
    for (const server of items[planId]) {
      const instance = instances[planId].get(server.recoveryInstanceId as string);
      expect(instance, server.sourceServerId).toMatchObject({
        isDrill: true,
        sourceServerID: server.sourceServerId,
        jobID: server.jobId,
        ec2InstanceID: server.ec2InstanceId,
      });
      // One payments API server is launched STOPPED by its plan; all others run.
      const stopped = planId === "payments" && server.sourceServerId === "s-bcade8012ff37108a";
      expect(instance?.ec2InstanceState, server.sourceServerId).toBe(stopped ? "STOPPED" : "RUNNING");
    }
  });

  it("keeps the state payload small: only IDs and counters, the same for 9 servers as for 300", () => {
    expect(largestPayload(planId)).toBeGreaterThan(0);
    expect(largestPayload(planId), "largest state input or output in characters").toBeLessThan(1_200);
    expect(Math.abs(largestPayload(planId) - largestPayload("shop"))).toBeLessThan(100);
  });
});

describe("the estate drill (300 servers, failure.notReady: skip)", () => {
  it("leaves out exactly the servers that are not ready and names why", () => {
    const notReadyIds = selected("estate")
      .flat()
      .filter((id) =>
        notReady(sourceServers.find((s) => s.sourceServerID === id) as SourceServer, ESTATE_RPO_SECONDS),
      )
      .sort();
    expect(notReadyIds.length).toBeGreaterThan(0);
    const { meta } = ended.estate;
    expect(meta.skipped.map((s) => s.sourceServerId).sort()).toEqual(notReadyIds);
    expect(meta.skippedCount).toBe(notReadyIds.length);
    expect(meta.summary?.skipped).toBe(notReadyIds.length);
    for (const skipped of meta.skipped) expect(skipped.reason).toMatch(/\S/);
    const launched = new Set(items.estate.map((s) => s.sourceServerId));
    for (const id of notReadyIds) expect(launched.has(id), id).toBe(false);
    const recovered = new Set([...instances.estate.values()].map((instance) => instance.sourceServerID));
    for (const id of notReadyIds) expect(recovered.has(id), `${id} was launched`).toBe(false);
  });

  it("splits its 110-server wave into launch batches within the 100-servers-per-job quota", () => {
    const wave4 = launchJobs.estate.filter((job) => job.tags?.["drs-orchestrator:wave"] === "4");
    expect(wave4.length).toBe(2);
    expect(wave4.reduce((total, job) => total + (job.participatingServers?.length ?? 0), 0)).toBe(
      items.estate.filter((s) => s.wave === 4).length,
    );
  });
});
