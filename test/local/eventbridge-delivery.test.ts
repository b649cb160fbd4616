import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { afterEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createEventBridgeEmulator } from "../../packages/local/src/events/eventbridge-emulator";
import { startGateway } from "../../packages/local/src/gateway/gateway";
import { createLambdaRuntime } from "../../packages/local/src/lambda/lambda-runtime";
import type { StateMachineStarter } from "../../packages/local/src/runtime/contracts";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const START = new Date("2026-11-21T10:00:00Z");

async function startBus(speed = 600, start = START) {
  const clock = new SimClock({ speed, start });
  const lambda = createLambdaRuntime({ clock, accountId: ACCOUNT, region: REGION });
  const executions: { stateMachineArn: string; input: string; name?: string }[] = [];
  const stateMachines: StateMachineStarter = {
    async startExecution(input) {
      executions.push(input);
      return {
        executionArn: `${input.stateMachineArn.replace(":stateMachine:", ":execution:")}:run-${executions.length}`,
      };
    },
  };
  const events = createEventBridgeEmulator({
    clock,
    accountId: ACCOUNT,
    region: REGION,
    lambda,
    stateMachines,
  });
  const gateway = await startGateway({ handlers: [events] });
  const client = new EventBridgeClient({
    endpoint: gateway.endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const close = async () => {
    client.destroy();
    events.stop();
    await gateway.close();
    clock.stop();
    lambda.stop();
  };
  return { clock, lambda, events, client, executions, close };
}

let running: Awaited<ReturnType<typeof startBus>> | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const ec2Detail = { "instance-id": "i-0123456789", state: "RUNNING" };

describe("EventBridge rule delivery", () => {
  it("delivers to a Lambda target through an InputTransformer, asynchronously and logged", async () => {
    running = await startBus();
    const { client, events, lambda } = running;
    const received: unknown[] = [];
    const fn = lambda.register({
      name: "on-state-change",
      handler: async (event: unknown) => {
        received.push(event);
        return { handled: true };
      },
    });
    await client.send(
      new PutRuleCommand({
        Name: "ec2-state",
        EventPattern: JSON.stringify({ source: ["app.ec2"], detail: { state: ["RUNNING"] } }),
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: "ec2-state",
        Targets: [
          {
            Id: "notify",
            Arn: fn.arn,
            InputTransformer: {
              InputPathsMap: {
                instance: "$.detail.instance-id",
                state: "$.detail.state",
                resource: "$.resources[0]",
              },
              InputTemplate:
                '{"instance": <instance>, "message": "<instance> is in state \\"<state>\\"", "rule": "<aws.events.rule-name>", "resource": <resource>}',
            },
          },
        ],
      }),
    );
    const put = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: "app.ec2",
            DetailType: "EC2 Instance State-change Notification",
            Detail: JSON.stringify(ec2Detail),
            Resources: ["arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789"],
          },
          { Source: "app.ec2", DetailType: "other", Detail: JSON.stringify({ state: "STOPPED" }) },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await events.idle();

    expect(received).toEqual([
      {
        instance: "i-0123456789",
        message: 'i-0123456789 is in state "RUNNING"',
        rule: "ec2-state",
        resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789",
      },
    ]);
    expect(events.deliveries).toHaveLength(1);
    expect(events.deliveries[0]).toMatchObject({
      ruleName: "ec2-state",
      ruleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/ec2-state`,
      targetId: "notify",
      targetArn: fn.arn,
      outcome: "succeeded",
      result: { handled: true },
      event: { id: put.Entries?.[0]?.EventId, source: "app.ec2", account: ACCOUNT, region: REGION },
    });
  });

  it("hands publish() events to targets only after the publisher has moved on", async () => {
    running = await startBus();
    const { client, events, lambda } = running;
    let calls = 0;
    const fn = lambda.register({
      name: "counter",
      handler: async () => {
        calls++;
      },
    });
    await client.send(
      new PutRuleCommand({ Name: "drs", EventPattern: JSON.stringify({ source: ["aws.drs"] }) }),
    );
    await client.send(new PutTargetsCommand({ Rule: "drs", Targets: [{ Id: "count", Arn: fn.arn }] }));

    await events.publish({
      source: "aws.drs",
      detailType: "DRS Source Server Launch Result",
      detail: {
        state: "RECOVERY_LAUNCH_SUCCEEDED",
        "job-id": "drsjob-1234567890abcdef0",
        "is-drill": "TRUE",
      },
      resources: ["arn:aws:drs:us-east-1:111122223333:source-server/s-1234567890abcdef0"],
    });
    expect(calls).toBe(0);
    expect(events.deliveries).toHaveLength(0);
    await events.idle();
    expect(calls).toBe(1);
    expect(events.deliveries[0]?.event).toMatchObject({
      version: "0",
      "detail-type": "DRS Source Server Launch Result",
      // Simulated time, printed without milliseconds like AWS.
      time: expect.stringMatching(/^2026-11-21T\d\d:\d\d:\d\dZ$/),
      detail: { "is-drill": "TRUE" },
    });
  });

  it("starts a state machine execution with the rendered input", async () => {
    running = await startBus();
    const { client, events, executions } = running;
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:recovery`;
    await client.send(new CreateEventBusCommand({ Name: "orchestrator" }));
    await client.send(
      new PutRuleCommand({
        Name: "recovery-requested",
        EventBusName: "orchestrator",
        EventPattern: JSON.stringify({ "detail-type": ["Recovery Requested"] }),
      }),
    );
    await client.send(
      new PutTargetsCommand({
        Rule: "recovery-requested",
        EventBusName: "orchestrator",
        Targets: [{ Id: "start", Arn: stateMachineArn, InputPath: "$.detail" }],
      }),
    );
    const detail = { planId: "payments", mode: "DRILL" };
    await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: "orchestrator",
            Source: "ops",
            DetailType: "Recovery Requested",
            Detail: JSON.stringify(detail),
          },
          // The same event on the default bus reaches no rule of the orchestrator bus.
          { Source: "ops", DetailType: "Recovery Requested", Detail: JSON.stringify(detail) },
        ],
      }),
    );
    await events.idle();
    expect(executions).toEqual([{ stateMachineArn, input: JSON.stringify(detail) }]);
    expect(events.deliveries).toEqual([
      expect.objectContaining({
        eventBusName: "orchestrator",
        ruleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/orchestrator/recovery-requested`,
        outcome: "succeeded",
        result: { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:recovery:run-1` },
      }),
    ]);
    expect(events.receivedEvents.map((received) => received.eventBusName)).toEqual([
      "orchestrator",
      "default",
    ]);
  });

  it("records failed deliveries with the error type and skips disabled rules", async () => {
    running = await startBus();
    const { client, events, lambda } = running;
    const failing = lambda.register({
      name: "failing",
      handler: async () => {
        const error = new Error("wave 2 has no servers");
        error.name = "PlanError";
        throw error;
      },
    });
    const pattern = JSON.stringify({ source: ["app"] });
    await client.send(new PutRuleCommand({ Name: "a", EventPattern: pattern }));
    await client.send(new PutRuleCommand({ Name: "off", EventPattern: pattern, State: "DISABLED" }));
    await client.send(
      new PutTargetsCommand({
        Rule: "a",
        Targets: [
          { Id: "lambda", Arn: failing.arn, Input: '{"fixed":true}' },
          { Id: "queue", Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:jobs` },
          { Id: "missing", Arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:not-registered` },
        ],
      }),
    );
    await client.send(new PutTargetsCommand({ Rule: "off", Targets: [{ Id: "lambda", Arn: failing.arn }] }));
    await client.send(new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "x", Detail: "{}" }] }));
    await events.idle();

    const byTarget = Object.fromEntries(events.deliveries.map((delivery) => [delivery.targetId, delivery]));
    expect(events.deliveries).toHaveLength(3);
    expect(byTarget.lambda).toMatchObject({
      ruleName: "a",
      input: '{"fixed":true}',
      outcome: "failed",
      error: { errorType: "PlanError", message: "wave 2 has no servers" },
    });
    expect(byTarget.queue?.error?.errorType).toBe("UnsupportedTarget");
    expect(byTarget.missing?.error).toEqual({
      errorType: "ResourceNotFoundException",
      message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:not-registered`,
    });
  });

  it("waits in idle() for deliveries caused by other deliveries", async () => {
    running = await startBus();
    const { client, events, lambda } = running;
    const seen: string[] = [];
    const relay = lambda.register({
      name: "relay",
      handler: async (event: { detail: { step: number } }) => {
        seen.push(`relay ${event.detail.step}`);
        await events.publish({
          source: "app.relay",
          detailType: "Relayed",
          detail: { step: event.detail.step + 1 },
        });
      },
    });
    const sink = lambda.register({
      name: "sink",
      handler: async (event: { detail: { step: number } }) => {
        seen.push(`sink ${event.detail.step}`);
      },
    });
    await client.send(new PutRuleCommand({ Name: "first", EventPattern: '{"source":["app"]}' }));
    await client.send(new PutRuleCommand({ Name: "second", EventPattern: '{"source":["app.relay"]}' }));
    await client.send(new PutTargetsCommand({ Rule: "first", Targets: [{ Id: "relay", Arn: relay.arn }] }));
    await client.send(new PutTargetsCommand({ Rule: "second", Targets: [{ Id: "sink", Arn: sink.arn }] }));
    await client.send(
      new PutEventsCommand({ Entries: [{ Source: "app", DetailType: "Start", Detail: '{"step":1}' }] }),
    );
    await events.idle();
    expect(seen).toEqual(["relay 1", "sink 2"]);
  });

  it("runs rate() schedules on the simulated clock", async () => {
    running = await startBus(3000);
    const { client, events, lambda, clock } = running;
    const times: string[] = [];
    const fn = lambda.register({
      name: "tick",
      handler: async (event: { time: string }) => {
        times.push(event.time);
      },
    });
    const before = clock.nowMs();
    const { RuleArn } = await client.send(
      new PutRuleCommand({ Name: "every-5", ScheduleExpression: "rate(5 minutes)" }),
    );
    const after = clock.nowMs();
    await client.send(new PutTargetsCommand({ Rule: "every-5", Targets: [{ Id: "tick", Arn: fn.arn }] }));
    await clock.sleep(before + 11 * 60_000 - clock.nowMs());
    await events.idle();

    // The first run comes one period after the rule was created, then every period.
    expect(times).toHaveLength(2);
    const [first, second] = times.map((time) => Date.parse(time)) as [number, number];
    expect(first).toBeGreaterThanOrEqual(Math.floor((before + 5 * 60_000) / 1000) * 1000);
    expect(first).toBeLessThanOrEqual(after + 5 * 60_000);
    expect(second - first).toBe(5 * 60_000);
    expect(events.deliveries[0]?.event).toMatchObject({
      source: "aws.events",
      "detail-type": "Scheduled Event",
      resources: [RuleArn],
      detail: {},
    });
  });

  it("runs cron() schedules on minute boundaries", async () => {
    running = await startBus(600, new Date("2026-11-21T10:00:30Z"));
    const { client, events, lambda, clock } = running;
    const times: string[] = [];
    const fn = lambda.register({
      name: "every-other-minute",
      handler: async (event: { time: string }) => {
        times.push(event.time);
      },
    });
    const everyOther = 2 * 60_000;
    const nextBoundary = (ms: number) => (Math.floor(ms / everyOther) + 1) * everyOther;
    const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
    const before = clock.nowMs();
    await client.send(new PutRuleCommand({ Name: "cron", ScheduleExpression: "cron(0/2 * * * ? *)" }));
    const after = clock.nowMs();
    await client.send(new PutTargetsCommand({ Rule: "cron", Targets: [{ Id: "fn", Arn: fn.arn }] }));
    const first = nextBoundary(after);
    await clock.sleep(first + everyOther + 30_000 - clock.nowMs());
    await events.idle();

    // Every even minute after the rule was created; one that passed while PutRule was in flight may count.
    const expected = [iso(first), iso(first + everyOther)];
    const racing = nextBoundary(before) < first ? [iso(nextBoundary(before))] : [];
    expect([expected, [...racing, ...expected]]).toContainEqual(times);
    expect(times[0]?.endsWith(":00Z")).toBe(true);
  });
});
