import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  type ExecutionListItem,
  paginateListExecutions,
} from "@aws-sdk/client-sfn";
import { localClientConfig, resourceName } from "@drs-orchestrator/app";
import {
  OUTBOUND_EVENT_SOURCE,
  type OutboundEvent,
  outboundEventSchema,
  parsePlan,
  RECOVERY_REQUESTED_DETAIL_TYPE,
  RECOVERY_REQUESTED_SOURCE,
} from "@drs-orchestrator/core";
import {
  executionArnOf,
  getTriggerRecord,
  type RecoveryExecutionInput,
  type StartRecoveryResult,
  syncPlanSchedule,
  type TriggerRecord,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";

/**
 * Every way a recovery starts without a person at the CLI, on the deployed app: `Recovery
 * Requested` events put on the app's bus with the real EventBridge client, CloudWatch alarm state
 * changes on the default bus, and a plan's drill schedule running on the simulated clock. Each
 * plan selects its own servers, so the drills they start run side by side.
 */

const SPEED = 1200;
const REAL_DEADLINE_MS = 60_000;

function planDocument(id: string, tags: Record<string, string>, triggers?: Record<string, unknown>) {
  return {
    id,
    name: `Plan ${id}`,
    // Far beyond what a drill takes here, even on a loaded machine: the RTO figures stay predictable.
    rto: "4h",
    rpo: "5m",
    launch: {
      rightSizing: "NONE",
      subnetId: "subnet-0a1b2c3d4e5f60001",
      securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
      launchDisposition: "STARTED",
    },
    groups: [{ id: "main", select: { tags } }],
    ...(triggers && { triggers }),
  };
}

const PLANS = {
  requested: planDocument("requested", { app: "shop", tier: "db" }),
  alarmed: planDocument(
    "alarmed",
    { app: "payments", tier: "db" },
    { alarms: [{ name: "payments-db-health", mode: "DRILL" }] },
  ),
  automatic: planDocument(
    "automatic",
    { app: "payments", tier: "api" },
    { alarms: [{ name: "payments-region-down", mode: "RECOVERY" }], allowAutomaticRecovery: true },
  ),
  scheduled: planDocument(
    "scheduled",
    { app: "payments", tier: "worker" },
    { schedule: { drill: "rate(1 hour)" } },
  ),
};

let env: DeployedApp;
let events: EventBridgeClient;
let lambda: LambdaClient;
/** Everything the app published on its bus, as a subscriber's function received it. */
const received: unknown[] = [];

beforeAll(async () => {
  env = await startDeployedApp({ speed: SPEED });
  const config = localClientConfig(env.local);
  events = new EventBridgeClient(config);
  lambda = new LambdaClient(config);

  // A subscriber: a rule on the app's bus for the app's own events, targeting a function that keeps them.
  const collector = env.local.lambda.register({
    name: "outbound-event-collector",
    handler: async (event: unknown) => {
      received.push(event);
    },
  });
  await events.send(
    new PutRuleCommand({
      Name: "outbound-event-collector",
      EventBusName: env.app.eventBusName,
      EventPattern: JSON.stringify({ source: [OUTBOUND_EVENT_SOURCE] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "outbound-event-collector",
      EventBusName: env.app.eventBusName,
      Targets: [{ Id: "collector", Arn: collector.arn }],
    }),
  );
  for (const document of Object.values(PLANS)) await env.applyPlan(document);
}, 30_000);

afterAll(async () => {
  events?.destroy();
  lambda?.destroy();
  await env?.stop();
});

/** Puts one event with the real client and waits until its deliveries (and the functions they ran) are done. */
async function putEvent(entry: { source: string; detailType: string; detail: unknown; bus?: string }) {
  const response = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: entry.bus ?? env.app.eventBusName,
          Source: entry.source,
          DetailType: entry.detailType,
          Detail: JSON.stringify(entry.detail),
        },
      ],
    }),
  );
  expect(response.FailedEntryCount).toBe(0);
  await env.local.events.idle();
  return response.Entries?.[0]?.EventId as string;
}

function requestRecovery(detail: unknown) {
  return putEvent({ source: RECOVERY_REQUESTED_SOURCE, detailType: RECOVERY_REQUESTED_DETAIL_TYPE, detail });
}

/**
 * CloudWatch's own event on the default bus. `aws.*` sources cannot be put with PutEvents (the real
 * service refuses them too), so the event is published the way the AWS service does it.
 */
async function alarmChange(alarmName: string, value: string, previous: string, timestamp: string) {
  const before = env.local.events.receivedEvents.length;
  await env.local.events.publish({
    eventBusName: "default",
    source: "aws.cloudwatch",
    detailType: "CloudWatch Alarm State Change",
    resources: [`arn:aws:cloudwatch:${env.local.region}:${env.local.accountId}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value, reason: "Threshold Crossed", timestamp },
      previousState: {
        value: previous,
        reason: "Threshold Crossed",
        timestamp: "2026-01-01T00:00:00.000+0000",
      },
      configuration: { metrics: [] },
    },
  });
  await env.local.events.idle();
  return env.local.events.receivedEvents[before]?.event.id as string;
}

async function executionsOf(planId: string): Promise<ExecutionListItem[]> {
  const found: ExecutionListItem[] = [];
  for await (const page of paginateListExecutions(
    { client: env.sfn },
    { stateMachineArn: env.app.recoveryStateMachineArn },
  )) {
    found.push(...(page.executions ?? []).filter((execution) => execution.name?.startsWith(`${planId}-`)));
  }
  return found;
}

async function record(eventId: string): Promise<TriggerRecord> {
  const found = await getTriggerRecord(env.engine, eventId);
  if (!found) throw new Error(`no trigger record for event ${eventId}`);
  return found;
}

/** Waits for the execution a trigger started to end, and checks how it was started. */
async function ended(executionId: string) {
  const described = await env.sfn.send(
    new DescribeExecutionCommand({
      executionArn: executionArnOf(env.app.recoveryStateMachineArn, executionId),
    }),
  );
  const input = JSON.parse(described.input ?? "{}") as RecoveryExecutionInput;
  const started: StartRecoveryResult = {
    executionId,
    executionArn: described.executionArn as string,
    planId: input.planId,
    planVersion: input.planVersion,
    mode: input.mode,
    alreadyStarted: false,
  };
  return { input, end: await env.waitForEnd(started, REAL_DEADLINE_MS) };
}

/**
 * The events a subscriber got for one execution, each valid by the exported schema, in the order
 * of their time: the workflow's clock, so that order is the order things happened in.
 */
function outbound(executionId: string): OutboundEvent[] {
  return received
    .map((event) => outboundEventSchema.parse(event))
    .filter((event) => "executionId" in event.detail && event.detail.executionId === executionId)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

describe("Recovery Requested on the app's bus", () => {
  let executionId: string;

  it("starts one execution through the start path, recorded under the event ID", async () => {
    const eventId = await requestRecovery({
      planId: "requested",
      reason: "failover rehearsal",
      requestedBy: "ops-pipeline",
    });
    const accepted = await record(eventId);
    expect(accepted).toMatchObject({ eventId, trigger: "recovery-requested", status: "ACCEPTED" });
    expect(accepted.starts).toEqual([
      { planId: "requested", mode: "DRILL", executionId: expect.any(String), alreadyStarted: false },
    ]);
    executionId = accepted.starts[0]?.executionId as string;
    expect((await executionsOf("requested")).map((e) => e.name)).toEqual([executionId]);

    const { input, end } = await ended(executionId);
    expect(input).toMatchObject({ mode: "DRILL", reason: "failover rehearsal", requestedBy: "ops-pipeline" });
    expect(end.status).toBe("SUCCEEDED");
  }, 90_000);

  it("the same event delivered twice starts one execution", async () => {
    const eventId = await requestRecovery({
      planId: "requested",
      reason: "second rehearsal",
      requestedBy: "ops-pipeline",
    });
    const first = await record(eventId);
    const second = first.starts[0]?.executionId as string;
    expect(second).not.toBe(executionId);

    // EventBridge delivers at least once: hand the function the very event it already got.
    const delivery = env.local.events.deliveries.find(
      (d) => d.event.id === eventId && d.ruleName === resourceName(env.app.stage, "recovery-requested"),
    );
    const redelivered = await lambda.send(
      new InvokeCommand({
        FunctionName: env.app.functionNames["on-recovery-requested"],
        Payload: delivery?.input as string,
      }),
    );
    expect(redelivered.FunctionError).toBeUndefined();
    const again = JSON.parse(new TextDecoder().decode(redelivered.Payload)) as TriggerRecord;
    expect(again.starts).toEqual([
      { planId: "requested", mode: "DRILL", executionId: second, alreadyStarted: true },
    ]);
    expect((await executionsOf("requested")).map((e) => e.name).sort()).toEqual([executionId, second].sort());
    expect((await ended(second)).end.status).toBe("SUCCEEDED");
  }, 90_000);

  it("a sender's own idempotency key makes two puts of one request start one execution", async () => {
    const detail = {
      planId: "requested",
      reason: "retried by the sender",
      requestedBy: "ops-pipeline",
      idempotencyKey: "change-4711",
    };
    const first = await record(await requestRecovery(detail));
    const second = await record(await requestRecovery(detail));
    expect(first.eventId).not.toBe(second.eventId);
    expect(second.starts[0]).toEqual({ ...first.starts[0], alreadyStarted: true });
    expect(await executionsOf("requested")).toHaveLength(3);
    expect((await ended(first.starts[0]?.executionId as string)).end.status).toBe("SUCCEEDED");
  }, 90_000);

  it("a malformed request starts nothing and is recorded with each bad field", async () => {
    const before = await executionsOf("requested");
    const eventId = await requestRecovery({
      planId: 42,
      mode: "SOMETIMES",
      requestedBy: "ops-pipeline",
      confrim: "x",
    });
    const rejected = await record(eventId);
    expect(rejected).toMatchObject({
      eventId,
      trigger: "recovery-requested",
      status: "REJECTED",
      starts: [],
    });
    expect(rejected.error?.name).toBe("InvalidInputError");
    expect(rejected.error?.fields?.map((field) => field.path).sort()).toEqual([
      "detail.confrim",
      "detail.mode",
      "detail.planId",
      "detail.reason",
    ]);
    expect(rejected.error?.fields?.find((f) => f.path === "detail.confrim")?.message).toContain(
      "did you mean confirm?",
    );
    expect(await executionsOf("requested")).toEqual(before);
  });

  it("a real recovery without confirmation, or of an unknown plan, is refused and recorded", async () => {
    const unconfirmed = await record(
      await requestRecovery({
        planId: "requested",
        mode: "RECOVERY",
        reason: "real one",
        requestedBy: "ops",
      }),
    );
    expect(unconfirmed).toMatchObject({ status: "REJECTED", error: { name: "RecoveryNotConfirmedError" } });
    const unknown = await record(
      await requestRecovery({ planId: "no-such-plan", reason: "typo", requestedBy: "ops" }),
    );
    expect(unknown).toMatchObject({ status: "REJECTED", error: { name: "PlanNotFoundError" } });
    expect(await executionsOf("requested")).toHaveLength(3);
    expect(await executionsOf("no-such-plan")).toHaveLength(0);
  });

  it("publishes the execution's and each wave's status changes on the app's bus, valid by the exported schemas", () => {
    const published = outbound(executionId);
    const execution = published.filter((e) => e["detail-type"] === "Recovery Execution Status Change");
    expect(execution.map((e) => e.detail.status)).toEqual(["RUNNING", "SUCCEEDED"]);
    expect(execution[0]?.detail).toMatchObject({
      planId: "requested",
      mode: "DRILL",
      reason: "failover rehearsal",
    });
    expect(execution[0]?.detail).not.toHaveProperty("rto");
    const last = execution[1]?.detail as {
      rto?: { breached: boolean; targetSeconds: number };
      endedAt?: string;
    };
    expect(last.rto).toMatchObject({ targetSeconds: 14_400, breached: false });
    expect(last.endedAt).toBeDefined();

    const waves = published.filter((e) => e["detail-type"] === "Wave Status Change");
    expect(waves.map((e) => e.detail.status)).toEqual(["LAUNCHING", "CHECKING_HEALTH", "COMPLETED"]);
    expect(waves.at(-1)?.detail).toEqual({
      executionId,
      planId: "requested",
      wave: 1,
      groups: ["main"],
      status: "COMPLETED",
      counts: { servers: 3, launched: 3, healthy: 3, failed: 0 },
    });
    // Stamped with the workflow's clock, so in time order they tell the execution's story.
    expect(
      published.map((e) => `${e["detail-type"]}: ${"status" in e.detail ? e.detail.status : ""}`),
    ).toEqual([
      "Recovery Execution Status Change: RUNNING",
      "Wave Status Change: LAUNCHING",
      "Wave Status Change: CHECKING_HEALTH",
      "Wave Status Change: COMPLETED",
      "Recovery Execution Status Change: SUCCEEDED",
    ]);
  });
});

describe("CloudWatch alarm state changes", () => {
  it("an alarm a plan names starts a drill of that plan; its redelivery starts nothing new", async () => {
    const eventId = await alarmChange("payments-db-health", "ALARM", "OK", "2026-03-01T10:00:00.000+0000");
    const accepted = await record(eventId);
    expect(accepted).toMatchObject({ status: "ACCEPTED", alarmName: "payments-db-health" });
    expect(accepted.starts).toEqual([
      { planId: "alarmed", mode: "DRILL", executionId: expect.any(String), alreadyStarted: false },
    ]);
    const executionId = accepted.starts[0]?.executionId as string;

    const again = await record(
      await alarmChange("payments-db-health", "ALARM", "OK", "2026-03-01T10:00:00.000+0000"),
    );
    expect(again.starts).toEqual([{ ...accepted.starts[0], alreadyStarted: true }]);
    expect((await executionsOf("alarmed")).map((e) => e.name)).toEqual([executionId]);

    const { input, end } = await ended(executionId);
    expect(input).toMatchObject({ mode: "DRILL", requestedBy: "alarm:payments-db-health" });
    expect(end.status).toBe("SUCCEEDED");
  }, 90_000);

  it("an alarm no plan names is ignored and recorded as such", async () => {
    const eventId = await alarmChange("someone-elses-alarm", "ALARM", "OK", "2026-03-01T11:00:00.000+0000");
    expect(await record(eventId)).toMatchObject({
      status: "IGNORED",
      reason: "no plan names alarm someone-elses-alarm",
      starts: [],
    });
    for (const planId of Object.keys(PLANS)) {
      expect((await executionsOf(planId)).length).toBe({ requested: 3, alarmed: 1 }[planId] ?? 0);
    }
  });

  it("a change back to OK reaches no trigger", async () => {
    const before = env.local.events.deliveries.length;
    await alarmChange("payments-db-health", "OK", "ALARM", "2026-03-01T12:00:00.000+0000");
    const ruleName = resourceName(env.app.stage, "alarm-state-change");
    expect(env.local.events.deliveries.slice(before).filter((d) => d.ruleName === ruleName)).toEqual([]);
  });

  it("a RECOVERY alarm cannot be stored without the plan's opt-in", async () => {
    const document = planDocument(
      "rogue",
      { app: "estate", tier: "dns" },
      { alarms: [{ name: "payments-region-down", mode: "RECOVERY" }] },
    );
    expect(() => parsePlan(document)).toThrow(/triggers\.allowAutomaticRecovery/);
    await expect(env.applyPlan(document)).rejects.toThrow(/allowAutomaticRecovery/);
    expect(await env.engine.plans.list()).not.toContainEqual(expect.objectContaining({ planId: "rogue" }));
  });

  it("with the opt-in, the alarm starts a real recovery, confirmed by the plan itself", async () => {
    const eventId = await alarmChange("payments-region-down", "ALARM", "OK", "2026-03-01T13:00:00.000+0000");
    const accepted = await record(eventId);
    expect(accepted.starts).toEqual([
      { planId: "automatic", mode: "RECOVERY", executionId: expect.any(String), alreadyStarted: false },
    ]);
    const { input, end } = await ended(accepted.starts[0]?.executionId as string);
    expect(input).toMatchObject({ mode: "RECOVERY", planId: "automatic" });
    expect(end.status).toBe("SUCCEEDED");
    expect(end.meta.mode).toBe("RECOVERY");
  }, 90_000);
});

describe("drill schedules", () => {
  it("a plan's schedule runs on the simulated clock and starts a drill through start-recovery", async () => {
    const plan = (await env.engine.plans.get("scheduled")).plan;
    const beforeSync = env.local.clock.nowMs();
    const sync = await syncPlanSchedule(env.engine, plan);
    expect(sync).toEqual({
      planId: "scheduled",
      ruleName: `${env.app.eventBusName}-drill-schedule-scheduled`,
      expression: "rate(1 hour)",
      action: "created",
    });
    // Applying the unchanged plan again keeps the rule and its running period.
    expect((await syncPlanSchedule(env.engine, plan)).action).toBe("unchanged");
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: sync.ruleName }));
    expect(Targets.map((target) => target.Arn)).toEqual([env.app.environment.START_RECOVERY_FUNCTION_ARN]);

    const begin = performance.now();
    let runs = await executionsOf("scheduled");
    while (runs.length === 0) {
      if (performance.now() - begin > REAL_DEADLINE_MS) throw new Error("the schedule never started a drill");
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs = await executionsOf("scheduled");
    }
    expect(runs).toHaveLength(1);
    const { input, end } = await ended(runs[0]?.name as string);
    expect(input).toMatchObject({ mode: "DRILL", reason: "scheduled drill", requestedBy: "schedule" });
    expect(end.status).toBe("SUCCEEDED");
    // The run came one period (an hour of simulated time) after the rule was created.
    expect(Date.parse(end.meta.startedAt) - beforeSync).toBeGreaterThanOrEqual(60 * 60 * 1000);
  }, 90_000);

  it("removing the schedule from the plan removes its rule", async () => {
    const { triggers: _triggers, ...withoutSchedule } = PLANS.scheduled;
    const plan = parsePlan({ ...withoutSchedule, name: "Plan scheduled, no longer scheduled" });
    await env.applyPlan({ ...withoutSchedule, name: "Plan scheduled, no longer scheduled" });
    expect(await syncPlanSchedule(env.engine, plan)).toMatchObject({ action: "removed" });
    expect(await syncPlanSchedule(env.engine, plan)).toMatchObject({ action: "none" });
    const { Rules = [] } = await events.send(
      new ListRulesCommand({ NamePrefix: `${env.app.eventBusName}-drill-schedule-` }),
    );
    expect(Rules).toEqual([]);
  });
});
