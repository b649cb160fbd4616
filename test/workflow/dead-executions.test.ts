import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { localClientConfig } from "@drs-orchestrator/app";
import { type OutboundEvent, outboundEventSchema } from "@drs-orchestrator/core";
import { activeRun, getRecoveryStatus, keys, type StartRecoveryResult } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";
import { until } from "../support/waiting";

/**
 * Executions that end without their Finalize step (stopped in the console, timed out) on the
 * deployed app: the execution-status rule closes them with the workflow's status as soon as their
 * status change is processed, so the next start of the plan, and of a plan sharing its servers,
 * goes through at once; and a lock whose holder's workflow ended is taken over even when that
 * status change never arrived.
 */

const DEADLINE_MS = 60_000;

/** The shop's databases alone: a plan sharing three servers with the three-tier shop. */
const SHOP_DB = {
  id: "shop-db",
  name: "Shop databases",
  rto: "4h",
  rpo: "5m",
  launch: { subnetId: "subnet-0a1b2c3d4e5f60002", securityGroupIds: ["sg-0a1b2c3d4e5f60002"] },
  groups: [{ id: "db", select: { tags: { app: "shop", tier: "db" } } }],
};

interface LockItem {
  executionId: string;
  releasedAt?: string;
}

async function describeExecution(env: DeployedApp, executionArn: string) {
  return env.sfn.send(new DescribeExecutionCommand({ executionArn }));
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

/** Waits until the execution's Prepare has written its items and taken its server locks. */
async function prepared(env: DeployedApp, executionId: string) {
  return until(
    `${executionId} prepared`,
    async () => {
      const meta = await env.engine.executions.getMeta(executionId);
      return meta?.prepared ? meta : undefined;
    },
    DEADLINE_MS,
  );
}

/** Which execution holds each server's lock (undefined: free). */
async function lockHolders(env: DeployedApp, serverIds: readonly string[]) {
  const holders: Record<string, string | undefined> = {};
  for (const id of serverIds) {
    const lock = await env.engine.executions.get<LockItem>(keys.lock(id));
    holders[id] = lock && lock.releasedAt === undefined ? lock.executionId : undefined;
  }
  return holders;
}

async function serverIdsOf(env: DeployedApp, executionId: string): Promise<string[]> {
  return (await env.engine.executions.servers(executionId)).map((server) => server.sourceServerId).sort();
}

/** Collects the app's Recovery Execution Status Change events, as a subscriber would. */
async function collectExecutionEvents(env: DeployedApp): Promise<OutboundEvent[]> {
  const received: OutboundEvent[] = [];
  const collector = env.local.lambda.register({
    name: "execution-status-collector",
    handler: async (event: unknown) => {
      received.push(outboundEventSchema.parse(event));
    },
  });
  const events = new EventBridgeClient(localClientConfig(env.local));
  await events.send(
    new PutRuleCommand({
      Name: "collect-execution-status",
      EventBusName: env.app.eventBusName,
      EventPattern: JSON.stringify({
        source: ["drs-orchestrator"],
        "detail-type": ["Recovery Execution Status Change"],
      }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "collect-execution-status",
      EventBusName: env.app.eventBusName,
      Targets: [{ Id: "collector", Arn: collector.arn }],
    }),
  );
  events.destroy();
  return received;
}

describe("an execution stopped outside the product", () => {
  let env: DeployedApp;
  let published: OutboundEvent[];

  beforeAll(async () => {
    env = await startDeployedApp();
    published = await collectExecutionEvents(env);
    await env.applyPlan("three-tier.yaml");
    await env.applyPlan(SHOP_DB);
  }, 30_000);

  afterAll(() => env?.stop());

  it("frees its servers and plan as soon as its status change is processed: META shows ABORTED and why", async () => {
    const started = await drillAtGate(env, "shop");
    const { executionId } = started;
    const serverIds = await serverIdsOf(env, executionId);
    expect(serverIds).toHaveLength(9);

    await env.sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn, cause: "stopped in the console" }),
    );
    await env.local.events.idle();

    const workflow = await describeExecution(env, started.executionArn);
    expect(workflow.status).toBe("ABORTED");
    const meta = await env.engine.executions.getMeta(executionId);
    expect(meta).toMatchObject({
      status: "ABORTED",
      endedAt: workflow.stopDate?.toISOString(),
      error: "ExecutionAborted",
      cause: "stopped in the console",
      summary: { servers: 9, healthy: 6, notLaunched: 3 },
    });
    expect(Object.values(await lockHolders(env, serverIds))).toEqual(serverIds.map(() => undefined));
    expect(await activeRun(env.engine, "shop")).toBeUndefined();
    const ended = published.filter(
      (event) =>
        "executionId" in event.detail &&
        event.detail.executionId === executionId &&
        "status" in event.detail &&
        event.detail.status === "ABORTED",
    );
    expect(ended.map((event) => event.detail)).toEqual([
      expect.objectContaining({ mode: "DRILL", reason: "stopped in the console" }),
    ]);

    // The next start of the same plan goes through at once and takes every server.
    const next = await env.startDrill("shop");
    await prepared(env, next.executionId);
    expect(new Set(Object.values(await lockHolders(env, serverIds)))).toEqual(new Set([next.executionId]));

    // Stopped in turn: the plan sharing its databases starts at once and runs to its end.
    await env.sfn.send(new StopExecutionCommand({ executionArn: next.executionArn }));
    await env.local.events.idle();
    expect(await env.engine.executions.getMeta(next.executionId)).toMatchObject({
      status: "ABORTED",
      error: "ExecutionAborted",
      cause: "its workflow was stopped (ABORTED) before it finalized the execution",
    });
    const shared = await env.drill("shop-db", DEADLINE_MS);
    expect(shared.status).toBe("SUCCEEDED");
    expect(shared.meta.serverCount).toBe(3);

    // A status change delivered again changes nothing.
    const closed = await env.engine.executions.getMeta(executionId);
    const redelivered = await env.invoke("close-ended-execution", {
      source: "aws.states",
      "detail-type": "Step Functions Execution Status Change",
      detail: {
        executionArn: started.executionArn,
        stateMachineArn: env.app.recoveryStateMachineArn,
        name: executionId,
        status: "ABORTED",
      },
    });
    expect(redelivered).toEqual({
      ok: true,
      result: { executionId, outcome: "ALREADY_CLOSED", reason: "it had already ended ABORTED" },
    });
    expect(await env.engine.executions.getMeta(executionId)).toEqual(closed);
    // Another stage's recovery state machine is that stage's business.
    const otherStage = env.app.recoveryStateMachineArn.replace("-local-recovery", "-prod-recovery");
    const foreign = await env.invoke("close-ended-execution", {
      source: "aws.states",
      "detail-type": "Step Functions Execution Status Change",
      detail: {
        executionArn: started.executionArn.replace("-local-recovery", "-prod-recovery"),
        stateMachineArn: otherStage,
        name: executionId,
        status: "ABORTED",
      },
    });
    expect(foreign).toEqual({
      ok: true,
      result: {
        executionId,
        outcome: "IGNORED",
        reason: `${otherStage} is not this stage's recovery state machine`,
      },
    });
  }, 120_000);

  it("leaves its locks to the next execution even when its status change never arrives", async () => {
    const started = await drillAtGate(env, "shop");
    const { executionId } = started;
    const serverIds = await serverIdsOf(env, executionId);
    const reattach = await env.detachRule("execution-ended");
    try {
      await env.sfn.send(
        new StopExecutionCommand({ executionArn: started.executionArn, cause: "stopped in the console" }),
      );
      await env.local.events.idle();
    } finally {
      await reattach();
    }
    // Nothing closed it: META still says RUNNING and it still holds every server.
    expect((await env.engine.executions.getMeta(executionId))?.status).toBe("RUNNING");
    expect(new Set(Object.values(await lockHolders(env, serverIds)))).toEqual(new Set([executionId]));

    // Prepare asks Step Functions about the holder, finds its workflow stopped, and takes the locks.
    const shared = await env.drill("shop-db", DEADLINE_MS);
    expect(shared.status).toBe("SUCCEEDED");
    const db = await serverIdsOf(env, shared.meta.executionId);
    expect(db).toHaveLength(3);
    const holders = await lockHolders(env, serverIds);
    for (const id of serverIds) expect(holders[id], id).toBe(db.includes(id) ? undefined : executionId);
    expect((await env.engine.executions.getMeta(executionId))?.status).toBe("RUNNING");
    expect((await getRecoveryStatus(env.engine, executionId, { now: env.local.clock.now() })).status).toBe(
      "ABORTED",
    );
  }, 120_000);
});

describe("an execution whose workflow times out", () => {
  let env: DeployedApp;
  /** Simulated seconds: the shop's drill is mid-launch or at its gate by then, never done. */
  const TIMEOUT_SECONDS = 1800;

  beforeAll(async () => {
    env = await startDeployedApp();
    await env.applyPlan("three-tier.yaml");
    // The same recovery state machine, with an execution timeout (Standard executions have a
    // TimeoutSeconds of up to a year; the deployed one sets none).
    const arn = env.app.recoveryStateMachineArn;
    const deployed = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    await env.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await env.sfn.send(
      new CreateStateMachineCommand({
        name: deployed.name,
        roleArn: deployed.roleArn,
        type: "STANDARD",
        definition: JSON.stringify({
          ...JSON.parse(deployed.definition ?? "{}"),
          TimeoutSeconds: TIMEOUT_SECONDS,
        }),
      }),
    );
  }, 30_000);

  afterAll(() => env?.stop());

  it("is closed FAILED with States.Timeout, its waves in flight aborted, its servers and plan freed", async () => {
    const started = await env.startDrill("shop");
    const ended = await env.waitForEnd(started, DEADLINE_MS);
    expect(ended.status).toBe("TIMED_OUT");
    await env.local.events.idle();

    const { executionId } = started;
    const meta = await env.engine.executions.getMeta(executionId);
    expect(meta).toMatchObject({
      status: "FAILED",
      error: "States.Timeout",
      cause: `exceeded TimeoutSeconds (${TIMEOUT_SECONDS})`,
      endedAt: (await describeExecution(env, started.executionArn)).stopDate?.toISOString(),
    });
    const waves = await env.engine.executions.waves(executionId);
    expect(waves.filter((wave) => wave.status === "LAUNCHING" || wave.status === "CHECKING_HEALTH")).toEqual(
      [],
    );
    const serverIds = await serverIdsOf(env, executionId);
    expect(Object.values(await lockHolders(env, serverIds))).toEqual(serverIds.map(() => undefined));
    expect(await activeRun(env.engine, "shop")).toBeUndefined();

    // The next start takes the plan and every server at once.
    const next = await env.startDrill("shop");
    await prepared(env, next.executionId);
    expect(new Set(Object.values(await lockHolders(env, serverIds)))).toEqual(new Set([next.executionId]));
    await env.sfn.send(new StopExecutionCommand({ executionArn: next.executionArn }));
  }, 120_000);
});
