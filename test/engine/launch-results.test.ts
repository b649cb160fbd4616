import { type Job, StartRecoveryCommand } from "@aws-sdk/client-drs";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { lambdaArn, localClientConfig, RULES } from "@drs-orchestrator/app";
import {
  engineContext,
  keys,
  LAUNCH_TAG,
  launchBatches,
  reconcileLaunches,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import type { LocalAws } from "@drs-orchestrator/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as awaitHandler } from "../../functions/await-launch-results";
import { handler as recordHandler } from "../../functions/record-launch-result";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { engineWithQuotas, examplePlan, nowOf, seedExecution, settle } from "./launch-fixtures";

/** One of the shop's databases, whose launch fails by injection. */
const FAILING = "s-1df67cc9dcf143f76";
const FOREIGN = "s-2e944b5d38d21c967";

/** Registers the recorder and the wait function as the app does, with the engine's environment. */
function registerFunctions(env: LocalEngine): { recorder: string; waiter: string } {
  const { config } = env.engine;
  const environment = {
    PLANS_TABLE: config.plansTable,
    EXECUTIONS_TABLE: config.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: config.recoveryStateMachineArn,
    POWERTOOLS_LOG_LEVEL: "WARN",
  };
  // Timeouts count in simulated time: Lambda's longest, nearly two real seconds at speed 500.
  env.local.lambda.register({
    name: "record-launch-result",
    handler: recordHandler,
    timeoutSeconds: 900,
    environment,
  });
  env.local.lambda.register({
    name: "await-launch-results",
    handler: awaitHandler,
    timeoutSeconds: 900,
    environment,
  });
  return { recorder: "record-launch-result", waiter: "await-launch-results" };
}

/** A launch result event as DRS puts it on the bus, for a participant of a finished job. */
function launchResultEvent(local: LocalAws, job: Job, sourceServerId: string) {
  const participant = job.participatingServers?.find((server) => server.sourceServerID === sourceServerId);
  return {
    version: "0",
    id: `${job.jobID}-${sourceServerId}`,
    "detail-type": "DRS Source Server Launch Result",
    source: "aws.drs",
    account: local.accountId,
    time: job.endDateTime as string,
    region: local.region,
    resources: [`arn:aws:drs:${local.region}:${local.accountId}:source-server/${sourceServerId}`],
    detail: {
      state:
        participant?.launchStatus === "LAUNCHED" ? "RECOVERY_LAUNCH_SUCCEEDED" : "RECOVERY_LAUNCH_FAILED",
      "job-id": job.jobID,
      "is-drill": "TRUE",
    },
  };
}

/** A state machine that only waits on one wave's launch results, as the recovery workflow does. */
async function createWaitMachine(env: LocalEngine, waiter: string): Promise<string> {
  const created = await env.engine.aws.sfn.send(
    new CreateStateMachineCommand({
      name: "await-launch-results",
      roleArn: `arn:aws:iam::${env.local.accountId}:role/test`,
      definition: JSON.stringify({
        StartAt: "AwaitLaunchResults",
        States: {
          AwaitLaunchResults: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
            Parameters: {
              FunctionName: lambdaArn(env.local.region, env.local.accountId, waiter),
              Payload: {
                "executionId.$": "$.executionId",
                "wave.$": "$.wave",
                "now.$": "$$.State.EnteredTime",
                "taskToken.$": "$$.Task.Token",
              },
            },
            TimeoutSeconds: 86_400,
            End: true,
          },
        },
      }),
    }),
  );
  return created.stateMachineArn as string;
}

async function finished(env: LocalEngine, executionArn: string) {
  for (;;) {
    const execution = await env.engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitingToken(env: LocalEngine, executionId: string, wave = 1): Promise<string> {
  for (;;) {
    const item = await env.engine.executions.get<WaveItem>(keys.wave(executionId, wave));
    if (item?.launchWait === "WAITING" && item.taskToken) return item.taskToken;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const serversOf = async (env: LocalEngine, executionId: string, wave: number) =>
  new Map(
    (await env.engine.executions.servers(executionId, wave)).map((server) => [server.sourceServerId, server]),
  );

describe("launch results carried by DRS events", () => {
  let env: LocalEngine;
  let lambda: LambdaClient;
  let stateMachineArn: string;
  beforeAll(async () => {
    env = await startLocalEngine({ speed: 500, faults: { failLaunch: { sourceServerIds: [FAILING] } } });
    const { recorder, waiter } = registerFunctions(env);
    stateMachineArn = await createWaitMachine(env, waiter);
    lambda = new LambdaClient(localClientConfig(env.local));
    // The app's rule for DRS launch results, created through the EventBridge API.
    const events = new EventBridgeClient(localClientConfig(env.local));
    const rule = RULES.find((candidate) => candidate.targetFunction === "record-launch-result");
    await events.send(
      new PutRuleCommand({ Name: "launch-results", EventPattern: JSON.stringify(rule?.eventPattern) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: "launch-results",
        Targets: [{ Id: "recorder", Arn: lambdaArn(env.local.region, env.local.accountId, recorder) }],
      }),
    );
    events.destroy();
  });
  afterAll(async () => {
    lambda?.destroy();
    await env.stop();
  });

  const invokeRecorder = async (event: unknown) => {
    const reply = await lambda.send(
      new InvokeCommand({ FunctionName: "record-launch-result", Payload: JSON.stringify(event) }),
    );
    expect(reply.FunctionError).toBeUndefined();
    return JSON.parse(new TextDecoder().decode(reply.Payload));
  };

  it("records each server's result from its event, with the recovery instance DRS and EC2 report", async () => {
    const { executionId, waves } = await seedExecution(env, {
      executionId: "shop-drill-events",
      document: await examplePlan("three-tier"),
    });
    await launchBatches({ executionId, wave: 1, now: nowOf(env) }, env.engine);
    await settle(env);

    const servers = await serversOf(env, executionId, 1);
    const events = env.local.events.receivedEvents.map((received) => received.event);
    for (const id of waves.get(1) ?? []) {
      const server = servers.get(id) as ServerItem;
      const event = events.find((candidate) => candidate.resources?.some((arn) => arn.endsWith(id)));
      if (id === FAILING) {
        expect(server).toMatchObject({ status: "FAILED", failedAt: event?.time });
        expect(server.failureReason).toMatch(/^launch failed: .*InsufficientInstanceCapacity/);
        continue;
      }
      const instance = env.local.drs.recoveryInstances().find((candidate) => candidate.sourceServerID === id);
      const ec2 = env.local.ec2.instance(instance?.ec2InstanceID as string);
      expect(server).toMatchObject({
        status: "LAUNCHED",
        launchedAt: event?.time,
        recoveryInstanceId: instance?.recoveryInstanceID,
        ec2InstanceId: instance?.ec2InstanceID,
        privateIp: ec2?.privateIpAddress,
        instanceType: ec2?.instanceType,
      });
    }
    expect(env.local.lambda.invocations.filter((call) => call.outcome === "failed")).toEqual([]);
  });

  it("an event recorded twice changes nothing the second time", async () => {
    const executionId = "shop-drill-events";
    const before = await serversOf(env, executionId, 1);
    const delivered = env.local.events.receivedEvents.filter(
      (received) => received.event.source === "aws.drs",
    );
    expect(delivered.length).toBeGreaterThanOrEqual(3);
    for (const { event } of delivered) {
      expect(await invokeRecorder(event)).toEqual({ recorded: false, released: false });
    }
    expect(await serversOf(env, executionId, 1)).toEqual(before);
  });

  const startWait = async (executionId: string, wave: number) =>
    (
      await env.engine.aws.sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: executionId,
          input: JSON.stringify({ executionId, wave }),
        }),
      )
    ).executionArn as string;

  it("wakes the waiting workflow when a batch of the wave ends while another waits for capacity", async () => {
    // Two servers per job, one job at a time: the three databases launch as 2 + 1.
    const engine = engineWithQuotas(env, { maxServersPerJob: 2, maxConcurrentJobs: 1 });
    const { executionId } = await seedExecution(env, {
      executionId: "shop-drill-capacity",
      document: await examplePlan("three-tier"),
      engine,
    });
    expect(await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine)).toEqual({
      pendingServers: 3,
      startedBatches: 1,
      waitingBatches: 1,
    });
    const executionArn = await startWait(executionId, 1);
    await waitingToken(env, executionId);

    const execution = await finished(env, executionArn);
    expect(execution.status).toBe("SUCCEEDED");
    const wave = await env.engine.executions.get<WaveItem>(keys.wave(executionId, 1));
    expect(wave).toMatchObject({
      launchWait: "RELEASED",
      releasedBy: "record-launch-result",
      releaseReason: "batch w1-b1 finished after the last launch round; 1 batch(es) wait to start",
    });
    expect(await launchBatches({ executionId, wave: 1, now: nowOf(env) }, engine)).toMatchObject({
      startedBatches: 1,
      waitingBatches: 0,
    });
    await settle(env);
  });

  it("does not wake it while the batches only wait for capacity other jobs hold", async () => {
    const engine = engineWithQuotas(env, { maxServersPerJob: 2, maxConcurrentJobs: 1 });
    const { executionId } = await seedExecution(env, {
      executionId: "shop-drill-held",
      document: await examplePlan("three-tier"),
      engine,
    });
    await engine.aws.drs.send(
      new StartRecoveryCommand({ sourceServers: [{ sourceServerID: FOREIGN }], isDrill: true }),
    );
    expect(await launchBatches({ executionId, wave: 2, now: nowOf(env) }, engine)).toEqual({
      pendingServers: 3,
      startedBatches: 0,
      waitingBatches: 2,
    });
    const executionArn = await startWait(executionId, 2);
    const token = await waitingToken(env, executionId, 2);
    // The other job ends and its launch result comes in: not this execution's, so nothing wakes.
    await settle(env);
    expect(env.local.lambda.invocations.at(-1)).toMatchObject({
      functionName: "record-launch-result",
      result: { recorded: false, released: false },
    });
    const wave = await env.engine.executions.get<WaveItem>(keys.wave(executionId, 2));
    expect(wave).toMatchObject({ launchWait: "WAITING", taskToken: token });
    const execution = await env.engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution.status).toBe("RUNNING");
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it("ignores a result of a job no execution started", async () => {
    const [job] = env.local.drs.jobs() as [Job];
    const event = launchResultEvent(env.local, { ...job, jobID: "drsjob-00000000000000000" }, FAILING);
    expect(await invokeRecorder(event)).toEqual({ recorded: false, released: false });
  });
});

describe("waiting for launch results with DRS events lost", () => {
  let env: LocalEngine;
  let lambda: LambdaClient;
  let stateMachineArn: string;
  /** SendTaskSuccess calls the functions made, per token, with their outcome. */
  const sent: { token: string; ok: boolean }[] = [];
  beforeAll(async () => {
    env = await startLocalEngine({
      speed: 500,
      faults: { dropEvents: { percent: 100 }, failLaunch: { sourceServerIds: [FAILING] } },
    });
    const { waiter } = registerFunctions(env);
    lambda = new LambdaClient(localClientConfig(env.local));
    // The functions' own engine context, built from the environment they were registered with.
    engineContext().aws.sfn.middlewareStack.add(
      (next) => async (args) => {
        const input = (args as { input: { taskToken?: string } }).input;
        if (input.taskToken === undefined) return next(args);
        try {
          const result = await next(args);
          sent.push({ token: input.taskToken, ok: true });
          return result;
        } catch (error) {
          sent.push({ token: input.taskToken, ok: false });
          throw error;
        }
      },
      { step: "initialize", name: "countSendTaskSuccess" },
    );
    stateMachineArn = await createWaitMachine(env, waiter);
  });
  afterAll(async () => {
    lambda?.destroy();
    await env.stop();
  });

  /** Launches wave 1 of a fresh execution and lets DRS finish it; no event reaches the bus. */
  async function launchedWave(executionId: string) {
    await seedExecution(env, { executionId, document: await examplePlan("three-tier") });
    await launchBatches({ executionId, wave: 1, now: nowOf(env) }, env.engine);
    await settle(env);
    const jobs = env.local.drs.jobs().filter((job) => job.tags?.[LAUNCH_TAG.executionId] === executionId);
    return jobs.flatMap((job) =>
      (job.participatingServers ?? []).map((server) =>
        launchResultEvent(env.local, job, server.sourceServerID as string),
      ),
    );
  }

  const record = (event: unknown) =>
    lambda.send(new InvokeCommand({ FunctionName: "record-launch-result", Payload: JSON.stringify(event) }));

  it.each([
    ["the results are recorded before the workflow waits", "before"],
    ["the results race the wait function", "race"],
    ["the results arrive while the workflow waits", "after"],
  ] as const)("completes the wave's wait exactly once when %s", async (_, order) => {
    const executionId = `shop-drill-race-${order}`;
    const events = await launchedWave(executionId);
    expect(events).toHaveLength(3);
    const calls = sent.length;
    const start = () =>
      env.engine.aws.sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: executionId,
          input: JSON.stringify({ executionId, wave: 1 }),
        }),
      );
    let executionArn: string;
    if (order === "before") {
      await Promise.all(events.map(record));
      executionArn = (await start()).executionArn as string;
    } else if (order === "race") {
      const [started] = await Promise.all([start(), ...events.map(record)]);
      executionArn = started.executionArn as string;
    } else {
      executionArn = (await start()).executionArn as string;
      await waitingToken(env, executionId);
      await Promise.all(events.map(record));
    }

    const execution = await finished(env, executionArn);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toMatchObject({ wave: 1 });
    const history = await env.engine.aws.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(history.events?.filter((event) => event.type === "TaskSucceeded")).toHaveLength(1);

    const wave = await env.engine.executions.get<WaveItem>(keys.wave(executionId, 1));
    expect(wave).toMatchObject({
      launchWait: "RELEASED",
      releaseReason: "every server of the wave has a launch result",
    });
    expect(wave?.taskToken).toBeUndefined();
    const released = JSON.parse(execution.output as string).releasedBy;
    expect(released).toBe(wave?.releasedBy);
    if (order === "before") expect(released).toBe("await-launch-results");
    if (order === "after") expect(released).toBe("record-launch-result");
    // One SendTaskSuccess for the execution's token, and it went through.
    expect(sent.slice(calls)).toEqual([{ token: expect.any(String), ok: true }]);
  });

  it("a token whose wait already ended is consumed without harm", async () => {
    const executionId = "shop-drill-stale-token";
    const events = await launchedWave(executionId);
    await env.engine.executions.update(keys.wave(executionId, 1), {
      taskToken: `AQ${"x".repeat(64)}`,
      launchWait: "WAITING",
    });
    const calls = sent.length;
    await Promise.all(events.map(record));
    expect(sent.slice(calls)).toEqual([{ token: `AQ${"x".repeat(64)}`, ok: false }]);
    // The wait had ended (its timeout fired): the callback fails, nothing retries it, the token is gone.
    const wave = await env.engine.executions.get<WaveItem>(keys.wave(executionId, 1));
    expect(wave).toMatchObject({ launchWait: "RELEASED" });
    expect(wave?.taskToken).toBeUndefined();
  });

  it("the poll records every server when 100% of DRS events were dropped, and never overrides an event", async () => {
    const executionId = "shop-drill-reconcile";
    const events = await launchedWave(executionId);
    expect(env.local.drs.counters.eventsDropped).toBeGreaterThanOrEqual(3);
    const before = await serversOf(env, executionId, 1);
    expect([...before.values()].every((server) => server.status === "LAUNCHING")).toBe(true);

    // One late event does arrive (with its own time) before the poll.
    const late = events.find((event) => !event.resources[0]?.endsWith(FAILING)) as (typeof events)[number];
    const lateServer = late.resources[0]?.split("/")[1] as string;
    await record({ ...late, time: "2030-01-01T00:00:00Z" });

    const jobId = before.get(lateServer)?.jobId as string;
    // A server DRS left out of its job: launching in that job by our records, but not a participant.
    await env.engine.executions.create(keys.server(executionId, 1, FOREIGN), {
      executionId,
      sourceServerId: FOREIGN,
      wave: 1,
      groupId: "db",
      critical: true,
      status: "LAUNCHING",
      attempts: 1,
      jobId,
    });

    // The workflow's wait for the wave timed out with its token still parked on the wave.
    await env.engine.executions.update(keys.wave(executionId, 1), {
      taskToken: `AQ${"y".repeat(64)}`,
      launchWait: "WAITING",
    });

    const result = await reconcileLaunches({ executionId, wave: 1, now: nowOf(env) }, env.engine);
    expect(result).toEqual({ recorded: 3, launched: 1, failed: 2 });
    const after = await serversOf(env, executionId, 1);
    expect(after.get(lateServer)).toMatchObject({ status: "LAUNCHED", launchedAt: "2030-01-01T00:00:00Z" });
    expect(after.get(FAILING)).toMatchObject({ status: "FAILED" });
    expect(after.get(FAILING)?.failureReason).toMatch(/^launch failed: .*InsufficientInstanceCapacity/);
    expect(after.get(FOREIGN)).toMatchObject({
      status: "FAILED",
      failureReason: `job ${jobId} completed without launching the server (launch status missing)`,
    });
    const wave = await env.engine.executions.get<WaveItem>(keys.wave(executionId, 1));
    expect(wave).toMatchObject({ launchWait: "RELEASED", releasedBy: "reconcile-launches" });
    expect(wave?.taskToken).toBeUndefined();
    for (const server of after.values()) {
      if (server.status === "LAUNCHED") expect(server.ec2InstanceId).toMatch(/^i-/);
    }
    expect(await reconcileLaunches({ executionId, wave: 1, now: nowOf(env) }, env.engine)).toEqual({
      recorded: 0,
      launched: 0,
      failed: 0,
    });
  });
});
