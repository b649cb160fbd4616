import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { GetLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand } from "@aws-sdk/client-ec2";
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { localClientConfig } from "@drs-orchestrator/app";
import { type OutboundEvent, outboundEventSchema } from "@drs-orchestrator/core";
import {
  cleanupExecutionName,
  drillCleanupReport,
  endDrillCleanupHold,
  executionArnOf,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drillCleanupWorkflow } from "../../workflows/drill-cleanup-workflow";
import { type DeployedApp, type EndedExecution, startDeployedApp } from "../support/local-app";

type Validate = (definition: object) => { isValid: boolean; errorsText(separator?: string): string };
const aslValidator = createRequire(import.meta.url)("asl-validator") as Validate;

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = "packages/cli/bin/drs-orchestrator.js";

const PAYMENTS_DB = ["s-7c3596b519091e6eb", "s-c4ccb4e6c579fb1fa"];
const PAYMENTS_API = [
  "s-2e944b5d38d21c967",
  "s-7b6289308dfedf69b",
  "s-83cdef3cb6cd73f4a",
  "s-bcade8012ff37108a",
];
const DRILLED = [...PAYMENTS_DB, ...PAYMENTS_API];
/** The launch configuration fields the drill plan changes on its servers (the fleet launches BASIC, no tags, no BYOL). */
const CHANGED_FIELDS = ["targetInstanceTypeRightSizingMethod", "copyTags", "licensing"] as const;

/** Two waves (payments databases, then the API) with settings that differ from every server's own. */
function paymentsDrillPlan(id: string, drill?: Record<string, unknown>): Record<string, unknown> {
  return {
    id,
    name: `Payments drill ${id}`,
    rto: "1h",
    rpo: "5m",
    launch: {
      rightSizing: "NONE",
      copyTags: true,
      subnetId: "subnet-0a1b2c3d4e5f60002",
      securityGroupIds: ["sg-0a1b2c3d4e5f60002"],
      tags: { "recovered-by": "drs-orchestrator" },
    },
    groups: [
      {
        id: "db",
        select: { sourceServerIds: PAYMENTS_DB },
        critical: true,
        launch: { instanceType: "r6i.xlarge", licensing: { osByol: true } },
      },
      {
        id: "api",
        select: { sourceServerIds: PAYMENTS_API },
        dependsOn: ["db"],
        launch: { instanceType: "m6i.large" },
      },
    ],
    failure: { maxFailedPercent: 0, retries: 0 },
    ...(drill && { drill }),
  };
}

function singleGroupPlan(id: string, app: string, tier: string, drill?: Record<string, unknown>) {
  return {
    id,
    name: `${app} ${tier}`,
    rto: "1h",
    rpo: "5m",
    groups: [{ id: tier, select: { tags: { app, tier } } }],
    ...(drill && { drill }),
  };
}

interface ServerSettings {
  defaultVersion: number | undefined;
  launchConfiguration: Record<string, unknown>;
}

/** Each server's launch template default version and the launch configuration fields the drill changes. */
async function settingsOf(
  deployed: DeployedApp,
  ids: readonly string[],
): Promise<Record<string, ServerSettings>> {
  const settings: Record<string, ServerSettings> = {};
  for (const sourceServerID of ids) {
    const configuration = await deployed.engine.aws.drs.send(
      new GetLaunchConfigurationCommand({ sourceServerID }),
    );
    const { LaunchTemplates } = await deployed.ec2.send(
      new DescribeLaunchTemplatesCommand({
        LaunchTemplateIds: [configuration.ec2LaunchTemplateID as string],
      }),
    );
    settings[sourceServerID] = {
      defaultVersion: LaunchTemplates?.[0]?.DefaultVersionNumber,
      launchConfiguration: Object.fromEntries(CHANGED_FIELDS.map((field) => [field, configuration[field]])),
    };
  }
  return settings;
}

/** EC2's state of each instance, by DescribeInstances. */
async function instanceStates(
  deployed: DeployedApp,
  ids: readonly string[],
): Promise<Record<string, string>> {
  const { Reservations } = await deployed.ec2.send(new DescribeInstancesCommand({ InstanceIds: [...ids] }));
  const states: Record<string, string> = {};
  for (const instance of (Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
    states[instance.InstanceId as string] = instance.State?.Name as string;
  }
  return states;
}

/** The recovery instance of every launched server of the execution, by source server. */
async function instancesOf(deployed: DeployedApp, executionId: string): Promise<Record<string, string>> {
  const servers = await deployed.engine.executions.servers(executionId);
  return Object.fromEntries(
    servers
      .filter((server) => server.ec2InstanceId !== undefined)
      .map((server) => [server.sourceServerId, server.ec2InstanceId as string]),
  );
}

function cleanupArn(
  deployed: DeployedApp,
  executionId: string,
  name = cleanupExecutionName(executionId),
): string {
  return executionArnOf(deployed.app.environment.CLEANUP_STATE_MACHINE_ARN as string, name);
}

/** Polls the cleanup execution on the real clock until it exists and has ended. */
async function waitForCleanup(
  deployed: DeployedApp,
  executionArn: string,
  deadlineMs = 30_000,
): Promise<DescribeExecutionCommandOutput> {
  const begin = performance.now();
  for (;;) {
    const description = await describeExecution(deployed, executionArn);
    if (description && description.status !== "RUNNING") return description;
    if (performance.now() - begin > deadlineMs) {
      throw new Error(
        `cleanup ${executionArn} ${description ? "still RUNNING" : "never started"} after ${deadlineMs} ms ` +
          `(simulated now ${deployed.local.clock.isoNow()})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function describeExecution(deployed: DeployedApp, executionArn: string) {
  try {
    return await deployed.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}

/** The output of each run of a state, by state name, from the execution history. */
async function stateOutputs(deployed: DeployedApp, executionArn: string): Promise<Record<string, unknown[]>> {
  const { events } = await deployed.sfn.send(
    new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  const outputs: Record<string, unknown[]> = {};
  for (const event of events ?? []) {
    const exited = event.stateExitedEventDetails;
    if (!exited?.name || exited.output === undefined) continue;
    outputs[exited.name] = [...(outputs[exited.name] ?? []), JSON.parse(exited.output)];
  }
  return outputs;
}

/** Collects the app's outbound events through a rule on the app's bus, as a subscriber would. */
async function collectOutboundEvents(deployed: DeployedApp): Promise<OutboundEvent[]> {
  const received: OutboundEvent[] = [];
  const { local, app } = deployed;
  const collector = local.lambda.register({
    name: "outbound-event-collector",
    handler: async (event: unknown) => {
      received.push(outboundEventSchema.parse(event));
    },
  });
  const events = new EventBridgeClient(localClientConfig(local));
  await events.send(
    new PutRuleCommand({
      Name: "collect-drill-cleanup-completed",
      EventBusName: app.eventBusName,
      EventPattern: JSON.stringify({
        source: ["drs-orchestrator"],
        "detail-type": ["Drill Cleanup Completed"],
      }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "collect-drill-cleanup-completed",
      EventBusName: app.eventBusName,
      Targets: [{ Id: "collector", Arn: collector.arn }],
    }),
  );
  events.destroy();
  return received;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process with the engine environment the local deployment exports. */
function cli(deployed: DeployedApp, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          ...deployed.local.env,
          ...deployed.app.environment,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

describe("drill cleanup workflow definition", () => {
  it("is valid Amazon States Language", () => {
    const definition = drillCleanupWorkflow({
      holdDrillCleanup: "arn:aws:lambda:us-east-1:111122223333:function:hold",
      terminateDrillInstances: "arn:aws:lambda:us-east-1:111122223333:function:terminate",
      awaitDrillTermination: "arn:aws:lambda:us-east-1:111122223333:function:await",
      revertLaunchSettings: "arn:aws:lambda:us-east-1:111122223333:function:revert",
      completeDrillCleanup: "arn:aws:lambda:us-east-1:111122223333:function:complete",
    });
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText()).toBe(true);
  });
});

describe("cleanup after a drill that succeeded", () => {
  let deployed: DeployedApp;
  let outbound: OutboundEvent[];
  let before: Record<string, ServerSettings>;
  let drill: EndedExecution;
  let otherDrill: EndedExecution;
  let recovery: EndedExecution;

  beforeAll(async () => {
    deployed = await startDeployedApp({ speed: 600 });
    outbound = await collectOutboundEvents(deployed);
    const planId = await deployed.applyPlan(paymentsDrillPlan("payments-drill"));
    const otherPlanId = await deployed.applyPlan(singleGroupPlan("shop-web-drill", "shop", "web"));
    const recoveryPlanId = await deployed.applyPlan(singleGroupPlan("settlement", "payments", "worker"));
    before = await settingsOf(deployed, DRILLED);

    const realRecovery = async () => {
      const outcome = await deployed.start({
        planId: recoveryPlanId,
        mode: "RECOVERY",
        confirm: recoveryPlanId,
        reason: "cleanup test: a real recovery next to the drills",
        requestedBy: "workflow-tests",
      });
      if (!outcome.ok) throw new Error(`the recovery did not start: ${outcome.errorMessage}`);
      return deployed.waitForEnd(outcome.started, 30_000);
    };
    [drill, otherDrill, recovery] = await Promise.all([
      deployed.drill(planId, 30_000),
      deployed.drill(otherPlanId, 30_000),
      realRecovery(),
    ]);
  }, 90_000);

  afterAll(async () => {
    await deployed?.stop();
  });

  it("`recover cleanup` terminates exactly the drill's instances and restores exactly the settings it changed", async () => {
    expect([drill.status, otherDrill.status, recovery.status]).toEqual([
      "SUCCEEDED",
      "SUCCEEDED",
      "SUCCEEDED",
    ]);
    const drillInstances = await instancesOf(deployed, drill.meta.executionId);
    const keptInstances = [
      ...Object.values(await instancesOf(deployed, otherDrill.meta.executionId)),
      ...Object.values(await instancesOf(deployed, recovery.meta.executionId)),
    ];
    expect(Object.keys(drillInstances).sort()).toEqual(sorted(DRILLED));
    expect(keptInstances).toHaveLength(6);
    // The drill did change every server's template default and launch configuration.
    const during = await settingsOf(deployed, DRILLED);
    for (const id of DRILLED) {
      expect(during[id]?.defaultVersion).not.toBe(before[id]?.defaultVersion);
      expect(during[id]?.launchConfiguration.targetInstanceTypeRightSizingMethod).toBe("NONE");
    }
    // A successful drill of a plan without drill.cleanupAfter is not cleaned up on its own.
    expect(await describeExecution(deployed, cleanupArn(deployed, drill.meta.executionId))).toBeUndefined();

    const run = await cli(deployed, "recover", "cleanup", drill.meta.executionId, "--wait");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      `cleanup of ${drill.meta.executionId} started: ${cleanupArn(deployed, drill.meta.executionId)}`,
    );
    expect(lines[1]).toBe("cleanup SUCCEEDED: 6 instance(s) terminated, 6 server(s) restored");

    const states = await instanceStates(deployed, [...Object.values(drillInstances), ...keptInstances]);
    for (const id of Object.values(drillInstances)) expect(states[id], id).toBe("terminated");
    for (const id of keptInstances) expect(states[id], id).toBe("running");
    const drsInstances = new Set(deployed.local.drs.recoveryInstances().map((i) => i.recoveryInstanceID));
    expect(keptInstances.every((id) => drsInstances.has(id))).toBe(true);
    expect(Object.values(drillInstances).some((id) => drsInstances.has(id))).toBe(false);

    expect(await settingsOf(deployed, DRILLED)).toEqual(before);

    const report = await drillCleanupReport(deployed.engine, drill.meta.executionId);
    expect(report?.status).toBe("SUCCEEDED");
    // In source server order.
    const terminated = sorted(DRILLED).map((id) => drillInstances[id]);
    expect(report?.terminatedInstanceIds).toEqual(terminated);
    expect(report?.revertedServers.map((server) => server.sourceServerId)).toEqual(sorted(DRILLED));
    for (const server of report?.revertedServers ?? []) {
      expect(server.restoredDefaultVersion).toBe(before[server.sourceServerId]?.defaultVersion);
      // Only the databases' group asks for BYOL licensing.
      const fields = PAYMENTS_DB.includes(server.sourceServerId)
        ? CHANGED_FIELDS
        : CHANGED_FIELDS.filter((field) => field !== "licensing");
      expect(Object.keys(server.restoredLaunchConfiguration).sort()).toEqual(sorted(fields));
    }

    const completed = outbound.filter(
      (event) => "executionId" in event.detail && event.detail.executionId === drill.meta.executionId,
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]?.detail).toEqual({
      executionId: drill.meta.executionId,
      planId: "payments-drill",
      status: "SUCCEEDED",
      terminatedInstanceCount: 6,
      terminatedInstanceIds: terminated,
      revertedServers: 6,
    });
  }, 60_000);

  it("a second cleanup finds nothing left to do and succeeds", async () => {
    const { executionId } = drill.meta;
    const again = await cli(deployed, "recover", "cleanup", executionId);
    expect(again).toEqual({
      code: 0,
      stdout: `cleanup of ${executionId} was already started (SUCCEEDED): ${cleanupArn(deployed, executionId)}\n`,
      stderr: "",
    });

    // The state machine itself run a second time: no DRS job, no template or configuration change.
    const drsCalls = { ...deployed.local.drs.counters.calls };
    const ec2Calls = { ...deployed.local.ec2.calls };
    const secondArn = cleanupArn(deployed, executionId, `again-${executionId}`.slice(0, 80));
    await deployed.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployed.app.environment.CLEANUP_STATE_MACHINE_ARN,
        name: `again-${executionId}`.slice(0, 80),
        input: JSON.stringify({ executionId }),
      }),
    );
    expect((await waitForCleanup(deployed, secondArn)).status).toBe("SUCCEEDED");
    expect(deployed.local.drs.counters.calls.TerminateRecoveryInstances).toBe(
      drsCalls.TerminateRecoveryInstances,
    );
    expect(deployed.local.drs.counters.calls.UpdateLaunchConfiguration).toBe(
      drsCalls.UpdateLaunchConfiguration,
    );
    expect(deployed.local.ec2.calls.ModifyLaunchTemplate).toBe(ec2Calls.ModifyLaunchTemplate);
    const outputs = await stateOutputs(deployed, secondArn);
    expect(outputs.TerminateDrillInstances?.[0]).toMatchObject({
      termination: { requested: 0, pendingJobs: 0, waitingInstances: 0 },
    });
    expect(outputs.RevertLaunchSettings?.[0]).toMatchObject({
      revert: { reverted: 0, unchanged: 0, skipped: 0 },
    });
    expect(await settingsOf(deployed, DRILLED)).toEqual(before);
    expect((await drillCleanupReport(deployed.engine, executionId))?.status).toBe("SUCCEEDED");
  }, 30_000);

  it("names each bad field of a start request and starts nothing", async () => {
    expect(await invokeStartCleanup(deployed, { executionId: "", delaySeconds: 1.5, hold: true })).toEqual({
      errorType: "InvalidInputError",
      errorMessage:
        'invalid drill cleanup request: executionId: required: the execution ID of the drill to clean up; delaySeconds: must be a whole number of seconds; Unrecognized key: "hold"',
    });
  });

  it("refuses a real recovery and leaves its instances alone", async () => {
    const { executionId } = recovery.meta;
    const instances = Object.values(await instancesOf(deployed, executionId));
    const run = await cli(deployed, "recover", "cleanup", executionId);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `execution ${executionId} cannot be cleaned up: it is a RECOVERY execution; only a drill's instances and settings are cleaned up\n`,
    );
    expect(await describeExecution(deployed, cleanupArn(deployed, executionId))).toBeUndefined();
    expect(Object.values(await instanceStates(deployed, instances))).toEqual([
      "running",
      "running",
      "running",
    ]);
  }, 30_000);
});

describe("automatic cleanup when a drill ends", () => {
  let deployed: DeployedApp;

  beforeAll(async () => {
    // The first payments database never launches: the critical group fails and the drill aborts.
    deployed = await startDeployedApp({
      speed: 600,
      faults: { failLaunch: { sourceServerIds: [PAYMENTS_DB[0] as string] } },
    });
  }, 30_000);

  afterAll(async () => {
    await deployed?.stop();
  });

  it("cleans up an aborted drill through the status-change rule, touching only what the drill launched and changed", async () => {
    const planId = await deployed.applyPlan(paymentsDrillPlan("payments-abort"));
    const before = await settingsOf(deployed, DRILLED);
    const started = await deployed.startDrill(planId);
    // While the drill runs, no entry point may clean it up.
    expect(await invokeStartCleanup(deployed, { executionId: started.executionId })).toEqual({
      errorType: "DrillCleanupRefusedError",
      errorMessage: `execution ${started.executionId} cannot be cleaned up: the drill is still running; wait for it to end (or stop it) before cleaning up`,
    });
    const drill = await deployed.waitForEnd(started, 30_000);
    expect(drill.status).toBe("FAILED");
    expect(drill.meta.status).toBe("ABORTED");
    const launched = await instancesOf(deployed, drill.meta.executionId);
    expect(Object.keys(launched)).toEqual([PAYMENTS_DB[1]]);

    const cleanup = await waitForCleanup(deployed, cleanupArn(deployed, drill.meta.executionId));
    expect(cleanup.status).toBe("SUCCEEDED");
    expect(JSON.parse(cleanup.input ?? "{}")).toEqual({ executionId: drill.meta.executionId });
    expect(Object.values(await instanceStates(deployed, Object.values(launched)))).toEqual(["terminated"]);
    // Both databases had their settings applied before the abort and get them back; the API wave never ran.
    expect(await settingsOf(deployed, DRILLED)).toEqual(before);
    const report = await drillCleanupReport(deployed.engine, drill.meta.executionId);
    expect(report?.terminatedInstanceIds).toEqual(Object.values(launched));
    expect(report?.revertedServers.map((server) => server.sourceServerId)).toEqual(sorted(PAYMENTS_DB));
  }, 60_000);

  it("waits the plan's drill.cleanupAfter after a successful drill (simulated clock)", async () => {
    const planId = await deployed.applyPlan(
      singleGroupPlan("shop-web-hold", "shop", "web", { cleanupAfter: "45m" }),
    );
    const drill = await deployed.drill(planId, 30_000);
    expect(drill.status).toBe("SUCCEEDED");
    const instances = Object.values(await instancesOf(deployed, drill.meta.executionId));
    expect(instances).toHaveLength(3);

    const arn = cleanupArn(deployed, drill.meta.executionId);
    const started = await waitFor(() => describeExecution(deployed, arn));
    expect(JSON.parse(started.input ?? "{}")).toEqual({
      executionId: drill.meta.executionId,
      delaySeconds: 2700,
    });
    // Held: the instances keep running while the cleanup waits, and the report says until when.
    const holding = await waitFor(async () => {
      const report = await drillCleanupReport(deployed.engine, drill.meta.executionId);
      return report?.status === "HOLDING" ? report : undefined;
    });
    expect(
      Date.parse(holding.holdUntil as string) - Date.parse(drill.meta.endedAt as string),
    ).toBeGreaterThanOrEqual(2700_000);
    expect(Object.values(await instanceStates(deployed, instances))).toEqual([
      "running",
      "running",
      "running",
    ]);

    expect((await waitForCleanup(deployed, arn)).status).toBe("SUCCEEDED");
    expect(Object.values(await instanceStates(deployed, instances))).toEqual([
      "terminated",
      "terminated",
      "terminated",
    ]);
    const report = await drillCleanupReport(deployed.engine, drill.meta.executionId);
    const heldSeconds =
      (Date.parse(report?.startedAt as string) - Date.parse(drill.meta.endedAt as string)) / 1000;
    expect(heldSeconds).toBeGreaterThanOrEqual(2700);
    // Held for the plan's time, not for some other one (the rule and the start add simulated seconds under load).
    expect(heldSeconds).toBeLessThan(2 * 2700);
  }, 60_000);

  it("`recover cleanup` ends the hold of a cleanup waiting out drill.cleanupAfter", async () => {
    const planId = await deployed.applyPlan(
      singleGroupPlan("shop-app-hold", "shop", "app", { cleanupAfter: "2h" }),
    );
    const drill = await deployed.drill(planId, 30_000);
    expect(drill.status).toBe("SUCCEEDED");
    const { executionId } = drill.meta;
    // In source server order, as the report lists them.
    const instances = Object.values(await instancesOf(deployed, executionId));
    await waitFor(
      async () => (await drillCleanupReport(deployed.engine, executionId))?.status === "HOLDING" || undefined,
    );

    const run = await cli(deployed, "recover", "cleanup", executionId, "--wait");
    expect(run).toEqual({
      code: 0,
      stdout:
        `cleanup of ${executionId} was holding 2h after the drill: hold ended, cleaning up now: ${cleanupArn(deployed, executionId)}\n` +
        "cleanup SUCCEEDED: 3 instance(s) terminated, 0 server(s) restored\n" +
        instances.map((id) => `  terminated ${id}\n`).join(""),
      stderr: "",
    });
    expect(Object.values(await instanceStates(deployed, instances))).toEqual([
      "terminated",
      "terminated",
      "terminated",
    ]);
    // Cleaned up long before the two hours the plan holds.
    const report = await drillCleanupReport(deployed.engine, executionId);
    expect(Date.parse(report?.startedAt as string) - Date.parse(drill.meta.endedAt as string)).toBeLessThan(
      3600_000,
    );
  }, 60_000);

  it("a request to clean up now that comes before the hold begins ends it as soon as it does", async () => {
    const planId = await deployed.applyPlan(singleGroupPlan("shop-db-early", "shop", "db"));
    const drill = await deployed.drill(planId, 30_000);
    expect(drill.status).toBe("SUCCEEDED");
    const { executionId } = drill.meta;
    expect(await endDrillCleanupHold(deployed.engine, executionId)).toBe(true);

    const arn = cleanupArn(deployed, executionId);
    await deployed.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployed.app.environment.CLEANUP_STATE_MACHINE_ARN,
        name: cleanupExecutionName(executionId),
        input: JSON.stringify({ executionId, delaySeconds: 7200 }),
      }),
    );
    expect((await waitForCleanup(deployed, arn)).status).toBe("SUCCEEDED");
    const outputs = await stateOutputs(deployed, arn);
    expect(outputs.HoldBeforeCleanup).toHaveLength(1);
    const report = await drillCleanupReport(deployed.engine, executionId);
    expect(report?.terminatedInstanceIds).toHaveLength(3);
    expect(Date.parse(report?.startedAt as string) - Date.parse(drill.meta.endedAt as string)).toBeLessThan(
      3600_000,
    );
  }, 60_000);
});

describe("cleanup of a drill stopped mid-launch", () => {
  let deployed: DeployedApp;

  beforeAll(async () => {
    // Instances take 50 simulated minutes to boot (5 s here): the cleanup surely finds the launch in flight.
    deployed = await startDeployedApp({ speed: 600, timings: { bootLinuxSeconds: 3000, jitter: 0 } });
  }, 30_000);

  afterAll(async () => {
    await deployed?.stop();
  });

  it("cleans up a drill stopped mid-launch once its launches in flight have ended", async () => {
    const planId = await deployed.applyPlan({
      ...singleGroupPlan("payments-api-stopped", "payments", "api"),
      launch: { instanceType: "m6i.large" },
    });
    const before = await settingsOf(deployed, PAYMENTS_API);
    const started = await deployed.startDrill(planId);
    await waitFor(async () => {
      const servers = await deployed.engine.executions.servers(started.executionId);
      return servers.length > 0 && servers.every((server) => server.status === "LAUNCHING")
        ? true
        : undefined;
    });
    await deployed.sfn.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        cause: "cleanup test: stopped mid-launch",
      }),
    );

    const cleanup = await waitForCleanup(deployed, cleanupArn(deployed, started.executionId));
    expect(cleanup.status).toBe("SUCCEEDED");
    // The first look found the launch job still running: nothing to terminate yet, one job to wait for.
    const outputs = await stateOutputs(deployed, cleanup.executionArn as string);
    expect(outputs.TerminateDrillInstances?.[0]).toMatchObject({
      termination: { requested: 0, pendingJobs: 1 },
    });
    expect(outputs.AwaitDrillTermination?.length).toBeGreaterThan(1);

    const report = await drillCleanupReport(deployed.engine, started.executionId);
    expect(report?.terminatedInstanceIds).toHaveLength(4);
    const states = await instanceStates(deployed, report?.terminatedInstanceIds ?? []);
    expect(Object.values(states)).toEqual(["terminated", "terminated", "terminated", "terminated"]);
    const launchedByDrill = deployed.local.drs
      .recoveryInstances()
      .filter((instance) => PAYMENTS_API.includes(instance.sourceServerID as string));
    expect(launchedByDrill).toEqual([]);
    expect(await settingsOf(deployed, PAYMENTS_API)).toEqual(before);
  }, 60_000);
});

/** Invokes the deployed start-drill-cleanup function as an entry point does; its result or its error. */
async function invokeStartCleanup(deployed: DeployedApp, payload: unknown): Promise<unknown> {
  const lambda = new LambdaClient(localClientConfig(deployed.local));
  try {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: deployed.app.functionNames["start-drill-cleanup"],
        Payload: JSON.stringify(payload),
      }),
    );
    const result = JSON.parse(new TextDecoder().decode(response.Payload));
    return response.FunctionError
      ? { errorType: result.errorType, errorMessage: result.errorMessage }
      : result;
  } finally {
    lambda.destroy();
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>, deadlineMs = 10_000): Promise<T> {
  const begin = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() - begin > deadlineMs) throw new Error(`nothing after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
