import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { FUNCTIONS } from "@drs-orchestrator/app";
import type { PlanFinding, PlanHealth } from "@drs-orchestrator/core";
import {
  type EvaluatePlansResult,
  getPlanHealth,
  PLAN_HEALTH_CHANGES_KEPT,
  recordPlanHealth,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { handler } from "../../functions/evaluate-plans";
import { pickServers } from "../support/local-app";
import { type LocalEngine, startLocalEngine, stepEnvironment } from "../support/local-engine";

/**
 * The evaluate-plans function through the Lambda API on the local runtime: every stored plan
 * evaluated and recorded, its metrics as one EMF document per plan, a plan that cannot be evaluated
 * listed with its error without stopping the others; and the recorded history, bounded per plan.
 */

let env: LocalEngine;
let lambda: LambdaClient;
const MISSING_SUBNET = "subnet-0a1b2c3d4e5f6ffff";

interface Emf {
  _aws: {
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

beforeAll(async () => {
  env = await startLocalEngine({ speed: 1 });
  const spec = FUNCTIONS.find((fn) => fn.name === "evaluate-plans");
  env.local.lambda.register({
    name: "evaluate-plans",
    handler,
    timeoutSeconds: spec?.timeoutSeconds,
    memorySize: spec?.memoryMb,
    environment: stepEnvironment(env.engine),
  });
  lambda = new LambdaClient({ endpoint: env.local.endpoint });
  const fleet = env.local.fleet;
  const plan = (id: string, sourceServerIds: string[], launch?: Record<string, unknown>) => ({
    id,
    name: `${id} plan`,
    rto: "1h",
    rpo: "1h",
    ...(launch && { launch }),
    groups: [{ id: "all", select: { sourceServerIds } }],
  });
  const now = env.local.clock.now();
  await env.engine.plans.apply(
    plan("ready", pickServers(fleet, { app: "estate", tier: "dns" }, 2)),
    "t",
    now,
  );
  await env.engine.plans.apply(
    plan("unroutable", pickServers(fleet, { app: "estate", tier: "cache" }, 2), { subnetId: MISSING_SUBNET }),
    "t",
    now,
  );
  // A stored version that no longer parses (as if the schema had since become stricter).
  for (const item of [
    {
      sk: "VERSION#000001",
      version: 1,
      document: { id: "broken", name: "Broken" },
      appliedAt: now.toISOString(),
    },
    { sk: "LATEST", version: 1, name: "Broken", sha256: "x", appliedAt: now.toISOString() },
  ]) {
    await env.engine.aws.dynamo.send(
      new PutCommand({
        TableName: env.engine.config.plansTable,
        Item: { pk: "PLAN#broken", planId: "broken", ...item },
      }),
    );
  }
});

afterAll(async () => {
  lambda?.destroy();
  await env?.stop();
});

/** Invokes evaluate-plans as the schedule rule does and collects the EMF documents it printed. */
async function evaluatePlans(time: string): Promise<{ result: EvaluatePlansResult; emf: Emf[] }> {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    const reply = await lambda.send(
      new InvokeCommand({
        FunctionName: "evaluate-plans",
        Payload: new TextEncoder().encode(
          JSON.stringify({ "detail-type": "Scheduled Event", source: "aws.events", time, detail: {} }),
        ),
      }),
    );
    const result = JSON.parse(new TextDecoder().decode(reply.Payload));
    if (reply.FunctionError) throw new Error(`evaluate-plans failed: ${JSON.stringify(result)}`);
    const emf = printed
      .flatMap((text) => text.split("\n"))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Emf);
    return { result, emf };
  } finally {
    write.mockRestore();
  }
}

describe("evaluate-plans", () => {
  it("evaluates and records every stored plan, publishes each plan's metrics, and lists the plan it could not evaluate", async () => {
    const time = env.local.clock.isoNow();
    const { result, emf } = await evaluatePlans(time);
    expect(result).toMatchObject({ evaluatedAt: new Date(time).toISOString(), failed: 1 });
    expect(result.plans).toEqual([
      { planId: "broken", error: expect.stringMatching(/^PlanValidationError: plan is invalid/) },
      { planId: "ready", verdict: "READY", changed: false },
      { planId: "unroutable", verdict: "RECOVERY_BLOCKED", changed: true },
    ]);

    const ready = await getPlanHealth(env.engine, "ready");
    const unroutable = await getPlanHealth(env.engine, "unroutable");
    expect(ready?.latest).toMatchObject({ verdict: "READY", counts: { blockers: 0, warnings: 0 } });
    expect(unroutable?.latest.findings).toContainEqual(
      expect.objectContaining({
        code: "SUBNET_MISSING",
        severity: "BLOCKS_RECOVERY",
        resourceId: MISSING_SUBNET,
      }),
    );
    expect(await getPlanHealth(env.engine, "broken")).toBeUndefined();

    // One document per evaluated plan, its three metrics under the plan's dimension; none for the broken one.
    const byPlan = new Map(emf.map((doc) => [doc.PlanId, doc]));
    expect([...byPlan.keys()].sort()).toEqual(["ready", "unroutable"]);
    for (const doc of emf) {
      expect(doc._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: "DrsOrchestrator",
          Dimensions: [["service", "PlanId"]],
          Metrics: [
            { Name: "PlanBlockers", Unit: "Count" },
            { Name: "PlanWarnings", Unit: "Count" },
            { Name: "PlanReady", Unit: "Count" },
          ],
        },
      ]);
      expect(doc.service).toBe("drs-orchestrator");
    }
    expect(byPlan.get("ready")).toMatchObject({ PlanBlockers: 0, PlanWarnings: 0, PlanReady: 1 });
    expect(byPlan.get("unroutable")).toMatchObject({
      PlanBlockers: unroutable?.latest.counts.blockers,
      PlanWarnings: unroutable?.latest.counts.warnings,
      PlanReady: 0,
    });
    expect(byPlan.get("unroutable")?.PlanBlockers).toBeGreaterThanOrEqual(1);
  });

  it("records and announces nothing for a run at the same time again (a redelivered tick)", async () => {
    const before = await getPlanHealth(env.engine, "unroutable");
    const put = env.local.events.receivedEvents.length;
    const { result } = await evaluatePlans(before?.latest.evaluatedAt as string);
    expect(result.plans.find((plan) => plan.planId === "unroutable")).toMatchObject({ changed: false });
    expect(env.local.events.receivedEvents.slice(put)).toEqual([]);
    expect(await getPlanHealth(env.engine, "unroutable")).toEqual(before);
  });
});

describe("the recorded plan health", () => {
  const finding = (n: number): PlanFinding => ({
    code: "SERVER_JOINED_GROUP",
    severity: "WARNING",
    category: "selection",
    groupId: "all",
    sourceServerId: `s-${String(n).padStart(17, "0")}`,
    message: `server ${n} joined`,
    fix: "nothing",
  });
  const health = (planId: string, at: number, findings: PlanFinding[]): PlanHealth => ({
    planId,
    planVersion: 1,
    evaluatedAt: new Date(Date.UTC(2026, 10, 21, 0, 0, at)).toISOString(),
    verdict: "READY",
    findings,
    counts: { blockers: 0, warnings: findings.length, servers: findings.length },
    members: { all: findings.map((item) => item.sourceServerId as string) },
  });

  it("keeps a plan of thousands of findings in small items, and its latest changes only", async () => {
    const planId = "history";
    const record = async (round: number, findings: PlanFinding[]) => {
      const previous = await env.engine.planHealth.latest(planId);
      const recorded = await recordPlanHealth(env.engine, health(planId, round, findings), previous);
      expect(recorded).toMatchObject({ recorded: true, change: expect.any(Object) });
    };

    await record(
      1,
      Array.from({ length: 2000 }, (_, i) => finding(i)),
    );
    const big = await env.engine.planHealth.latest(planId);
    expect(big?.findings).toHaveLength(2000);
    expect(big?.members.all).toHaveLength(2000);

    await record(2, [finding(0)]);
    expect((await env.engine.planHealth.latest(planId))?.findings).toEqual([finding(0)]);
    const [shrunk] = await env.engine.planHealth.changes(planId, 1);
    // A change of 1,999 findings lists the first of them beside the count.
    expect(shrunk).toMatchObject({ sequence: 2, removedCount: 1999, addedCount: 0 });
    expect(shrunk?.removed).toHaveLength(50);
    expect(Buffer.byteLength(JSON.stringify(shrunk))).toBeLessThan(64 * 1024);

    const rounds = PLAN_HEALTH_CHANGES_KEPT + 5;
    for (let round = 3; round <= rounds; round++) {
      await record(round, round % 2 === 1 ? [finding(0), finding(1)] : [finding(0)]);
    }
    expect(await env.engine.planHealth.latest(planId)).toMatchObject({ changeCount: rounds });
    const changes = await env.engine.planHealth.changes(planId, 100);
    expect(changes.map((change) => change.sequence)).toEqual(
      Array.from({ length: PLAN_HEALTH_CHANGES_KEPT }, (_, i) => rounds - i),
    );
  }, 60_000);

  it("refuses to record an evaluation older than the recorded one", async () => {
    const previous = await env.engine.planHealth.latest("history");
    const stale = await recordPlanHealth(env.engine, health("history", 1, []), previous);
    expect(stale).toEqual({ health: expect.any(Object), recorded: false });
    expect(await env.engine.planHealth.latest("history")).toEqual(previous);
  });
});
