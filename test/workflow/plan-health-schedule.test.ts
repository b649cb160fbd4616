import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { localClientConfig, PLAN_HEALTH_RULE, resourceName } from "@drs-orchestrator/app";
import { type OutboundEvent, outboundEventSchema, type PlanHealthChanged } from "@drs-orchestrator/core";
import { getPlanHealth } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";
import { until } from "../support/waiting";

/**
 * The scheduled evaluation on the local runtime: the app's evaluate-plans rule on its 30-minute
 * schedule (simulated time; a tick every 1.8 s real at drill speed) evaluates every stored plan,
 * records the result, and puts `Plan Health Changed` on the app's bus once per change, never on a
 * run that found the same. A subscriber rule on the bus receives the events.
 */

let env: DeployedApp;
let events: EventBridgeClient;
const received: OutboundEvent[] = [];
const ids = {} as Record<"steady" | "drifting", string[]>;

function plan(id: string, sourceServerIds: string[]) {
  return {
    id,
    name: `${id} plan`,
    rto: "1h",
    rpo: "15m",
    groups: [{ id: "all", select: { sourceServerIds } }],
  };
}

/** The evaluate-plans runs that ended, in the order they ended. */
function runs(): number {
  const rule = resourceName(env.app.stage, PLAN_HEALTH_RULE.name);
  return env.local.events.deliveries.filter((delivery) => delivery.ruleName === rule).length;
}

/** Waits for `count` more runs after now, then for the events they put to reach the subscriber. */
async function afterRuns(count: number): Promise<void> {
  const target = runs() + count;
  await until("the scheduled evaluations", async () => (runs() >= target ? true : undefined), 30_000);
  await env.local.events.idle();
}

function healthEvents(): PlanHealthChanged[] {
  return received
    .filter((event) => event["detail-type"] === "Plan Health Changed")
    .map((event) => event.detail as PlanHealthChanged);
}

beforeAll(async () => {
  env = await startDeployedApp({ app: { planHealth: { enabled: true } } });
  events = new EventBridgeClient(localClientConfig(env.local));
  const collector = env.local.lambda.register({
    name: "plan-health-subscriber",
    handler: async (event: unknown) => {
      received.push(outboundEventSchema.parse(event));
    },
  });
  await events.send(
    new PutRuleCommand({
      Name: "plan-health-subscriber",
      EventBusName: env.app.eventBusName,
      EventPattern: JSON.stringify({ source: ["drs-orchestrator"], "detail-type": ["Plan Health Changed"] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "plan-health-subscriber",
      EventBusName: env.app.eventBusName,
      Targets: [{ Id: "collector", Arn: collector.arn }],
    }),
  );
  ids.steady = pickServers(env.local.fleet, { app: "estate", tier: "dns" }, 2);
  ids.drifting = pickServers(env.local.fleet, { app: "estate", tier: "cache" }, 2);
  await env.applyPlan(plan("steady", ids.steady));
  await env.applyPlan(plan("drifting", ids.drifting));
}, 30_000);

afterAll(async () => {
  events?.destroy();
  await env?.stop();
});

describe("the scheduled evaluation of every stored plan", () => {
  it("records each plan's evaluation and announces nothing while nothing blocks or changes", async () => {
    await afterRuns(2);
    expect(healthEvents()).toEqual([]);
    for (const planId of ["steady", "drifting"]) {
      const recorded = await getPlanHealth(env.engine, planId);
      expect(recorded?.latest, planId).toMatchObject({
        planId,
        planVersion: 1,
        verdict: "READY",
        findings: [],
        counts: { blockers: 0, warnings: 0, servers: 2 },
        members: { all: [...ids[planId as "steady" | "drifting"]].sort() },
        changeCount: 0,
      });
      expect(recorded?.changes, planId).toEqual([]);
    }
  }, 60_000);

  it("announces a drift once, however many runs find it, and records the change", async () => {
    const [lost] = ids.drifting as [string];
    env.local.drs.setReplication(lost, { state: "DISCONNECTED", lagSeconds: 7200 });
    await afterRuns(3);

    const announced = healthEvents();
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      planId: "drifting",
      planVersion: 1,
      previousVerdict: "READY",
      verdict: "DRILL_BLOCKED",
      counts: { blockers: 1, warnings: 0, servers: 2 },
      added: [
        {
          code: "REPLICATION_DISCONNECTED",
          severity: "BLOCKS_DRILL",
          category: "readiness",
          sourceServerId: lost,
          groupId: "all",
        },
      ],
      addedCount: 1,
      removed: [],
      removedCount: 0,
    });
    expect(announced[0]?.added[0]?.fix).toMatch(/reconnect the source server/);

    const recorded = await getPlanHealth(env.engine, "drifting");
    expect(recorded?.latest).toMatchObject({ verdict: "DRILL_BLOCKED", changeCount: 1 });
    expect(recorded?.latest.findings.map((finding) => [finding.code, finding.sourceServerId])).toEqual([
      ["REPLICATION_DISCONNECTED", lost],
    ]);
    // Later runs found the same: the latest is newer than the change, which stays one record.
    expect(Date.parse(recorded?.latest.evaluatedAt as string)).toBeGreaterThan(
      Date.parse(announced[0]?.evaluatedAt as string),
    );
    expect(recorded?.changes).toEqual([
      expect.objectContaining({
        sequence: 1,
        evaluatedAt: announced[0]?.evaluatedAt,
        previousVerdict: "READY",
        verdict: "DRILL_BLOCKED",
        addedCount: 1,
        removedCount: 0,
      }),
    ]);
    expect((await getPlanHealth(env.engine, "steady"))?.changes).toEqual([]);
  }, 60_000);

  it("announces the repair once too: the finding removed, READY again", async () => {
    const [lost] = ids.drifting as [string];
    env.local.drs.setReplication(lost, { state: "CONTINUOUS", lagSeconds: 1 });
    await afterRuns(3);

    const announced = healthEvents();
    expect(announced).toHaveLength(2);
    expect(announced[1]).toMatchObject({
      planId: "drifting",
      previousVerdict: "DRILL_BLOCKED",
      verdict: "READY",
      added: [],
      removed: [{ code: "REPLICATION_DISCONNECTED", sourceServerId: lost }],
      removedCount: 1,
    });
    const recorded = await getPlanHealth(env.engine, "drifting");
    expect(recorded?.latest).toMatchObject({ verdict: "READY", findings: [], changeCount: 2 });
    expect(recorded?.changes.map((change) => [change.sequence, change.verdict])).toEqual([
      [2, "READY"],
      [1, "DRILL_BLOCKED"],
    ]);
  }, 60_000);
});
