import { readFile } from "node:fs/promises";
import {
  type AlarmSpec,
  deadLetterAlarmSpec,
  FUNCTIONS,
  functionAlarmSpecs,
  planReadyAlarmSpecs,
  replicationLagAlarmSpecs,
  replicationTargets,
  rtoBreachedAlarmSpec,
  stateMachineAlarmSpecs,
} from "@drs-orchestrator/app";
import { loadPlanFile, type Plan, parseFleetText } from "@drs-orchestrator/core";
import { describe, expect, it } from "vitest";
import { RECOVERY_ARN } from "./fixtures";

const metricOf = (spec: AlarmSpec) => ("query" in spec.metric ? undefined : spec.metric);

async function examplePlan(path: string): Promise<Plan> {
  const result = await loadPlanFile(path);
  if (!result.ok) throw new Error(`${path}: ${JSON.stringify(result.issues)}`);
  return result.plan;
}

describe("alarm specs", () => {
  it.each(FUNCTIONS.map((spec) => [spec.name, spec] as const))(
    "%s has Errors, Throttles and Duration alarms",
    (name, spec) => {
      const alarms = functionAlarmSpecs(spec, `drs-orchestrator-test-${name}`);
      const by = (metricName: string) => alarms.find((alarm) => metricOf(alarm)?.metricName === metricName);
      for (const alarm of alarms) {
        expect(metricOf(alarm)).toMatchObject({
          namespace: "AWS/Lambda",
          dimensions: { FunctionName: `drs-orchestrator-test-${name}` },
        });
      }
      expect(by("Errors")).toMatchObject({
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        metric: { statistic: "Sum" },
      });
      expect(by("Throttles")).toMatchObject({
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        metric: { statistic: "Sum" },
      });
      expect(by("Duration")).toMatchObject({
        threshold: spec.timeoutSeconds * 1000 * 0.8,
        comparisonOperator: "GreaterThanThreshold",
        metric: { statistic: "Maximum" },
      });
    },
  );

  it("gives every alarm of the stage a unique name", () => {
    const names = [
      ...FUNCTIONS.flatMap((spec) => functionAlarmSpecs(spec, spec.name)),
      ...stateMachineAlarmSpecs("recovery", RECOVERY_ARN),
      rtoBreachedAlarmSpec(),
      ...planReadyAlarmSpecs(["shop", "payments"], 30),
      deadLetterAlarmSpec("dlq"),
    ].map((alarm) => alarm.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("watch failed, timed-out and aborted executions of the recovery state machine", () => {
    const alarms = stateMachineAlarmSpecs("recovery", RECOVERY_ARN);
    expect(alarms.map((alarm) => metricOf(alarm)?.metricName)).toEqual([
      "ExecutionsFailed",
      "ExecutionsTimedOut",
      "ExecutionsAborted",
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        metric: { namespace: "AWS/States", dimensions: { StateMachineArn: RECOVERY_ARN } },
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
      });
    }
  });

  it("watch RTO breaches of every plan with one Metrics Insights query over finalize's metric", () => {
    const alarm = rtoBreachedAlarmSpec();
    expect(alarm.metric).toEqual({
      query: "SELECT MAX(RtoBreached) FROM SCHEMA(DrsOrchestrator, Mode, PlanId, service)",
    });
    expect(alarm).toMatchObject({ threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold" });
  });

  it("alarm on LagDuration above each plan's RPO for the servers the plan selects in the fleet", async () => {
    const fleet = parseFleetText(await readFile("examples/fleet.json", "utf8"), "examples/fleet.json");
    if (!fleet.ok) throw new Error("examples/fleet.json does not parse");
    const plan = await examplePlan("examples/plans/three-tier.yaml");
    const [target] = replicationTargets([plan], fleet.fleet.sourceServers);
    expect(target?.planId).toBe("shop");
    expect(target?.sourceServerIds).toHaveLength(9);
    const alarms = replicationLagAlarmSpecs(target ? [target] : []);
    expect(alarms).toHaveLength(9);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        metric: { namespace: "AWS/DRS", metricName: "LagDuration", statistic: "Maximum" },
        threshold: plan.rpo,
        comparisonOperator: "GreaterThanThreshold",
      });
    }
  });

  it("use the stricter RPO for a server in two plans", () => {
    const alarms = replicationLagAlarmSpecs([
      { planId: "loose", rpoSeconds: 900, sourceServerIds: ["s-aaaaaaaaaaaaaaaaa", "s-bbbbbbbbbbbbbbbbb"] },
      { planId: "strict", rpoSeconds: 60, sourceServerIds: ["s-bbbbbbbbbbbbbbbbb"] },
    ]);
    expect(alarms.map((alarm) => [alarm.name, alarm.threshold])).toEqual([
      ["replication-lag-s-aaaaaaaaaaaaaaaaa", 900],
      ["replication-lag-s-bbbbbbbbbbbbbbbbb", 60],
    ]);
  });

  it("alarm when a monitored plan's evaluation finds a blocker, and on every other plan through one grouped query", () => {
    const [shop, payments, others] = planReadyAlarmSpecs(["shop", "payments"], 30);
    expect(shop).toMatchObject({
      name: "plan-not-ready-shop",
      metric: {
        namespace: "DrsOrchestrator",
        metricName: "PlanReady",
        dimensions: { PlanId: "shop", service: "drs-orchestrator" },
        statistic: "Minimum",
      },
      periodSeconds: 1800,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "ignore",
    });
    expect(shop?.description).toContain("drs-orchestrator plan check shop");
    expect(metricOf(payments as AlarmSpec)?.dimensions).toEqual({
      PlanId: "payments",
      service: "drs-orchestrator",
    });
    expect(others?.metric).toEqual({
      query:
        "SELECT MIN(PlanReady) FROM SCHEMA(DrsOrchestrator, PlanId, service) WHERE PlanId != 'shop' AND PlanId != 'payments' GROUP BY PlanId",
    });
    expect(others).toMatchObject({
      name: "plans-not-ready",
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
    });
  });

  it("watch every plan with the grouped query alone when the stage monitors none, within Metrics Insights' 3 hours", () => {
    const alarms = planReadyAlarmSpecs([], 1440);
    expect(alarms.map((alarm) => alarm.name)).toEqual(["plans-not-ready"]);
    expect(alarms[0]?.metric).toEqual({
      query: "SELECT MIN(PlanReady) FROM SCHEMA(DrsOrchestrator, PlanId, service) GROUP BY PlanId",
    });
    expect(alarms[0]?.periodSeconds).toBe(3 * 3600);
    expect(planReadyAlarmSpecs(["shop"], 1440)[0]?.periodSeconds).toBe(86_400);
  });
});
