import { ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { type PlanHealthBlockedError, renderRecoveryReportHtml } from "@drs-orchestrator/core";
import {
  activeRun,
  evaluateAndRecordPlan,
  loadRecoveryReport,
  type StartRecoveryResult,
  startRecovery,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";
import { rejection } from "../support/waiting";

/**
 * Every start refuses early, naming the findings and their fixes, when the plan's latest recorded
 * evaluation holds what blocks the chosen mode; nothing starts then. A RECOVERY is refused only by
 * recovery blockers: replication DISCONNECTED blocks a drill, never the bad day's RECOVERY. Through
 * the deployed start-recovery function (the path of triggers and the MCP server) and the engine's
 * start as the CLI calls it.
 */

const GONE_SUBNET = "subnet-0a1b2c3d4e5f60003";
const KEPT_SUBNET = "subnet-0a1b2c3d4e5f60002";

let env: DeployedApp;
const ids = {} as Record<"unroutable" | "outage" | "caughtUp", string[]>;

function plan(id: string, sourceServerIds: string[], launch?: Record<string, unknown>) {
  return {
    id,
    name: `${id} plan`,
    rto: "2h",
    rpo: "5m",
    ...(launch && { launch }),
    groups: [{ id: "all", select: { sourceServerIds } }],
    failure: { maxFailedPercent: 0, retries: 0 },
  };
}

async function executionsOf(planId: string): Promise<string[]> {
  const { executions = [] } = await env.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: env.app.recoveryStateMachineArn }),
  );
  return executions
    .map((execution) => execution.name as string)
    .filter((name) => name.startsWith(`${planId}-`));
}

async function record(planId: string) {
  const { health, recorded } = await evaluateAndRecordPlan(env.engine, planId, env.local.clock.now());
  expect(recorded).toBe(true);
  return health;
}

function request(planId: string, mode: "DRILL" | "RECOVERY") {
  return {
    planId,
    mode,
    reason: "plan health start test",
    requestedBy: "workflow-tests",
    ...(mode === "RECOVERY" && { confirm: planId }),
  };
}

async function started(planId: string, mode: "DRILL" | "RECOVERY"): Promise<StartRecoveryResult> {
  const outcome = await env.start(request(planId, mode));
  if (!outcome.ok) throw new Error(`${planId} ${mode}: ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.started;
}

beforeAll(async () => {
  env = await startDeployedApp();
  ids.unroutable = pickServers(env.local.fleet, { app: "estate", tier: "dns" }, 2);
  ids.outage = pickServers(env.local.fleet, { app: "estate", tier: "cache" }, 2);
  ids.caughtUp = pickServers(env.local.fleet, { app: "estate", tier: "queue" }, 2);
  await env.applyPlan(plan("unroutable", ids.unroutable, { subnetId: GONE_SUBNET }));
  await env.applyPlan(plan("outage", ids.outage));
  await env.applyPlan(plan("caught-up", ids.caughtUp));
  env.local.ec2.deleteSubnet(GONE_SUBNET);
  for (const id of ids.outage)
    env.local.drs.setReplication(id, { state: "DISCONNECTED", lagSeconds: 3 * 3600 });
}, 60_000);

afterAll(() => env?.stop());

describe("a start refused early by the plan's recorded health", () => {
  it("refuses a DRILL and a RECOVERY over a recovery blocker, naming it and its fix; nothing starts", async () => {
    const health = await record("unroutable");
    expect(health.verdict).toBe("RECOVERY_BLOCKED");

    for (const mode of ["DRILL", "RECOVERY"] as const) {
      const outcome = await env.start(request("unroutable", mode));
      expect(outcome.ok, mode).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.errorType, mode).toBe("PlanHealthBlockedError");
      expect(outcome.errorMessage).toContain(`plan "unroutable" cannot start a ${mode}`);
      expect(outcome.errorMessage).toContain(
        `SUBNET_MISSING: subnet ${GONE_SUBNET} (launch.subnetId) does not exist`,
      );
      expect(outcome.errorMessage).toContain(
        `(fix: recreate subnet ${GONE_SUBNET}, or set launch.subnetId to one that exists)`,
      );
      expect(outcome.errorMessage).toContain("drs-orchestrator plan check unroutable");
      // Warnings never refuse: only the blocker is listed.
      expect(outcome.errorMessage).not.toContain("LAUNCH_CONFIGURATION_DRIFT");
    }
    expect(await executionsOf("unroutable")).toEqual([]);
    expect(await activeRun(env.engine, "unroutable")).toBeUndefined();
  }, 60_000);

  it("lets a fixed plan start: a recorded evaluation of an older version refuses nothing", async () => {
    await env.applyPlan(plan("unroutable", ids.unroutable, { subnetId: KEPT_SUBNET }));
    const drill = await env.waitForEnd(await started("unroutable", "DRILL"), 60_000);
    expect(drill.status).toBe("SUCCEEDED");
    expect(drill.meta.planVersion).toBe(2);
  }, 90_000);

  it("refuses a DRILL over DISCONNECTED sources, but not the confirmed RECOVERY of the bad day", async () => {
    const health = await record("outage");
    expect(health.verdict).toBe("DRILL_BLOCKED");
    expect(health.findings.map((finding) => [finding.code, finding.severity])).toEqual(
      ids.outage.map(() => ["REPLICATION_DISCONNECTED", "BLOCKS_DRILL"]),
    );

    const refused = await env.start(request("outage", "DRILL"));
    expect(refused).toMatchObject({ ok: false, errorType: "PlanHealthBlockedError" });
    if (!refused.ok) {
      for (const id of ids.outage) expect(refused.errorMessage).toContain(`REPLICATION_DISCONNECTED: ${id}`);
      expect(refused.errorMessage).toContain("fix: reconnect the source server");
    }
    expect(await executionsOf("outage")).toEqual([]);

    const recovery = await env.waitForEnd(await started("outage", "RECOVERY"), 60_000);
    expect(recovery.status).toBe("SUCCEEDED");

    // The report keeps the health the plan was last evaluated with before the start.
    const report = await loadRecoveryReport(env.engine, recovery.meta.executionId, env.local.clock.now());
    expect(report.planHealth).toEqual({
      planVersion: 1,
      evaluatedAt: health.evaluatedAt,
      verdict: "DRILL_BLOCKED",
      counts: health.counts,
      findings: health.findings,
      findingCount: health.findings.length,
    });
    const html = renderRecoveryReportHtml(report);
    expect(html).toContain("Plan health before the start");
    expect(html).toContain("DRILL_BLOCKED");
    expect(html).toContain("REPLICATION_DISCONNECTED");
  }, 90_000);

  it("does not refuse for a readiness blocker DRS no longer reports: replication is checked again at the start", async () => {
    const [lagging] = ids.caughtUp as [string];
    env.local.drs.setReplication(lagging, { state: "DISCONNECTED", lagSeconds: 3600 });
    expect((await record("caught-up")).verdict).toBe("DRILL_BLOCKED");
    env.local.drs.setReplication(lagging, { state: "CONTINUOUS", lagSeconds: 1 });

    const drill = await env.waitForEnd(await started("caught-up", "DRILL"), 60_000);
    expect(drill.status).toBe("SUCCEEDED");
  }, 90_000);

  it("trusts a recorded evaluation for two scheduled periods only", async () => {
    await env.applyPlan(plan("unroutable", ids.unroutable, { subnetId: GONE_SUBNET }));
    const health = await record("unroutable");
    expect(health).toMatchObject({ planVersion: 3, verdict: "RECOVERY_BLOCKED" });
    const evaluatedAt = Date.parse(health.evaluatedAt);
    const period = env.engine.config.planHealthMinutes * 60_000;

    const withinTwo = await rejection(
      startRecovery(request("unroutable", "DRILL"), env.engine, new Date(evaluatedAt + 2 * period)),
    );
    expect(withinTwo.name).toBe("PlanHealthBlockedError");
    expect((withinTwo as PlanHealthBlockedError).findings.map((finding) => finding.code)).toEqual([
      "SUBNET_MISSING",
    ]);

    // Older: the start goes on, and Prepare's own checks meet what the launch needs.
    const later = await startRecovery(
      request("unroutable", "DRILL"),
      env.engine,
      new Date(evaluatedAt + 2 * period + 1000),
    );
    expect(later).toMatchObject({ planId: "unroutable", planVersion: 3, alreadyStarted: false });
    await env.waitForEnd(later, 60_000);
  }, 90_000);
});
