import { type ExecutionListItem, type HistoryEvent, paginateListExecutions } from "@aws-sdk/client-sfn";
import type { Fleet } from "@drs-orchestrator/core";
import { activeRun, engineContext, type ServerItem } from "@drs-orchestrator/engine";
import { LambdaServiceError } from "@drs-orchestrator/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DeployedApp,
  type DeployedAppOptions,
  type EndedExecution,
  pickServers,
  startDeployedApp,
} from "../support/local-app";
import { exampleFleet } from "../support/local-engine";

/**
 * Drills that meet the failures DRS, Lambda and callers bring: lost launch-result events, a
 * throttling storm, a launch function that dies after StartRecovery, two starts of one plan at
 * once, and start requests that must be refused.
 */

let fleet: Fleet;
beforeAll(async () => {
  fleet = await exampleFleet();
});

/** A two-wave plan over servers of two estate tiers. */
function twoWavePlan(id: string, perWave: number) {
  return {
    id,
    name: `${id} drill`,
    rto: "2h",
    rpo: "15m",
    groups: [
      {
        id: "data",
        select: { sourceServerIds: pickServers(fleet, { app: "estate", tier: "db-core" }, perWave) },
      },
      {
        id: "apps",
        select: { sourceServerIds: pickServers(fleet, { app: "estate", tier: "api-partner" }, perWave) },
        dependsOn: ["data"],
      },
    ],
  };
}

interface Drill {
  env: DeployedApp;
  ended: EndedExecution;
  servers: ServerItem[];
  history: HistoryEvent[];
}

async function drillOnce(options: DeployedAppOptions, plan: Record<string, unknown>): Promise<Drill> {
  const env = await startDeployedApp({ fleet, ...options });
  try {
    const ended = await env.drill(await env.applyPlan(plan), 60_000);
    return {
      env,
      ended,
      servers: await env.engine.executions.servers(ended.meta.executionId),
      history: await env.history(ended.executionArn),
    };
  } catch (error) {
    await env.stop();
    throw error;
  }
}

/** The waves whose launch wait timed out and were completed by the DescribeJobs poll. */
function polledWaves(history: HistoryEvent[]): number[] {
  const waves = history
    .filter((event) => event.stateEnteredEventDetails?.name === "ReconcileLaunches")
    .map((event) => JSON.parse(event.stateEnteredEventDetails?.input ?? "{}").cursor.wave as number);
  return [...new Set(waves)].sort();
}

function expectAllHealthy(drill: Drill, servers: number): void {
  expect(drill.ended.status).toBe("SUCCEEDED");
  expect(drill.servers).toHaveLength(servers);
  for (const server of drill.servers) expect(server.status, server.sourceServerId).toBe("HEALTHY");
  expect(drill.ended.meta.summary).toMatchObject({ servers, healthy: servers, failed: 0 });
}

/** Launch results the event recorder wrote (the rest were written by the poll). */
function recordedByEvents(env: DeployedApp): number {
  return env.local.lambda.invocations.filter(
    (invocation) =>
      invocation.functionName === env.app.functionNames["record-launch-result"] &&
      (invocation.result as { recorded?: boolean } | undefined)?.recorded === true,
  ).length;
}

describe("lost DRS launch-result events", () => {
  let half: Drill;
  let all: Drill;

  beforeAll(async () => {
    half = await drillOnce({ faults: { dropEvents: { percent: 50 } } }, twoWavePlan("drop-half", 6));
    await half.env.stop();
    all = await drillOnce({ faults: { dropEvents: { percent: 100 } } }, twoWavePlan("drop-all", 3));
    await all.env.stop();
  }, 90_000);

  it("with half of them dropped, the DescribeJobs backstop records the rest and every wave completes", () => {
    expectAllHealthy(half, 12);
    const { counters } = half.env.local.drs;
    expect(counters.eventsDropped).toBeGreaterThan(0);
    expect(counters.eventsPublished).toBeGreaterThan(0);
    const byEvents = recordedByEvents(half.env);
    expect(byEvents).toBeGreaterThan(0);
    expect(byEvents).toBeLessThan(12);
    expect(polledWaves(half.history)).toEqual([1, 2]);
  });

  it("with all of them dropped, the recovery still completes on the poll alone", () => {
    expectAllHealthy(all, 6);
    expect(all.env.local.drs.counters.eventsPublished).toBe(0);
    expect(all.env.local.drs.counters.eventsDropped).toBe(6);
    expect(recordedByEvents(all.env)).toBe(0);
    expect(polledWaves(all.history)).toEqual([1, 2]);
  });
});

describe("a DRS throttling storm", () => {
  let storm: Drill;

  beforeAll(async () => {
    storm = await drillOnce(
      { faults: { throttle: { percent: 30, retryAfterSeconds: 0 } } },
      twoWavePlan("throttled", 4),
    );
    await storm.env.stop();
  }, 90_000);

  it("completes, with every batch started exactly once", () => {
    expectAllHealthy(storm, 8);
    const { counters } = storm.env.local.drs;
    const requests = Object.values(counters.calls).reduce((total, calls) => total + calls, 0);
    expect(counters.throttled).toBeGreaterThan(requests / 10);
    expect(counters.launchJobs).toBe(2);
    const started = storm.env.local.drs
      .jobs()
      .filter((job) => job.type === "LAUNCH")
      .map((job) => job.tags?.["drs-orchestrator:batch-id"]);
    expect(new Set(started).size).toBe(2);
  });
});

/**
 * The launch function dies right after DRS accepted its StartRecovery: a middleware on the
 * functions' DRS client (the in-process functions share this process's engine context) holds the
 * first StartRecovery response forever, so the invocation never records the job it started, and
 * the in-process Lambda service fails that one invocation as Lambda fails an invocation whose
 * sandbox died under it: Lambda.ServiceException, which the workflow retries.
 */
function launchDiesAfterFirstStartRecovery(env: DeployedApp): { died: () => boolean } {
  let armed = true;
  let killCurrent: ((error: Error) => void) | undefined;
  engineContext().aws.drs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (!armed || context.commandName !== "StartRecoveryCommand") return result;
      armed = false;
      killCurrent?.(
        new LambdaServiceError("ServiceException", "the function's sandbox failed mid-invocation", 500),
      );
      return new Promise<never>(() => {});
    },
    { step: "initialize", name: "dieAfterStartRecovery" },
  );
  const launchBatches = env.local.lambda.find(env.app.functionNames["launch-batches"] as string)?.arn;
  const invoke = env.local.lambda.invoke.bind(env.local.lambda);
  env.local.lambda.invoke = (name, payload) => {
    if (!armed || name !== launchBatches) return invoke(name, payload);
    return Promise.race([
      invoke(name, payload),
      new Promise<never>((_, reject) => {
        killCurrent = reject;
      }),
    ]);
  };
  return { died: () => !armed };
}

describe("a launch function that dies after StartRecovery", () => {
  let env: DeployedApp;
  let ended: EndedExecution;
  let history: HistoryEvent[];
  let died: () => boolean;

  beforeAll(async () => {
    // Three servers per job: the wave's six servers launch in two batches.
    env = await startDeployedApp({
      fleet,
      app: { environment: { DRS_MAX_SERVERS_PER_JOB: "3" } },
    });
    const planId = await env.applyPlan({
      id: "launch-crash",
      name: "launch crash drill",
      rto: "2h",
      rpo: "15m",
      groups: [
        { id: "web", select: { sourceServerIds: pickServers(fleet, { app: "estate", tier: "web" }, 6) } },
      ],
    });
    ({ died } = launchDiesAfterFirstStartRecovery(env));
    ended = await env.drill(planId, 60_000);
    history = await env.history(ended.executionArn);
  }, 90_000);

  afterAll(() => env?.stop());

  it("loses one launch invocation after DRS accepted its StartRecovery", () => {
    expect(died()).toBe(true);
    const failures = history.filter((event) => event.type === "LambdaFunctionFailed");
    expect(failures.map((event) => event.lambdaFunctionFailedEventDetails?.error)).toEqual([
      "Lambda.ServiceException",
    ]);
  });

  it("starts each batch exactly once: the retried step finds the started job by its tags", async () => {
    expect(ended.status).toBe("SUCCEEDED");
    const { counters } = env.local.drs;
    expect(counters.startRecoveryCalls).toBe(2);
    expect(counters.launchJobs).toBe(2);
    const batches = await env.engine.executions.batches(ended.meta.executionId, 1);
    expect(batches).toHaveLength(2);
    const jobs = env.local.drs.jobs();
    for (const batch of batches) {
      expect(batch.status).toBe("STARTED");
      const job = jobs.find((candidate) => candidate.jobID === batch.jobId);
      expect(job?.tags?.["drs-orchestrator:batch-id"]).toBe(batch.batchId);
      expect((job?.participatingServers ?? []).map((p) => p.sourceServerID).sort()).toEqual(
        [...batch.sourceServerIds].sort(),
      );
    }
    const servers = await env.engine.executions.servers(ended.meta.executionId);
    for (const server of servers) expect(server).toMatchObject({ status: "HEALTHY", attempts: 1 });
  });
});

describe("starting recoveries", () => {
  let env: DeployedApp;

  beforeAll(async () => {
    env = await startDeployedApp({ fleet });
    await env.applyPlan(twoWavePlan("start-race", 2));
  });

  afterAll(() => env?.stop());

  async function executions(): Promise<ExecutionListItem[]> {
    const listed: ExecutionListItem[] = [];
    for await (const page of paginateListExecutions(
      { client: env.sfn },
      { stateMachineArn: env.app.recoveryStateMachineArn },
    )) {
      listed.push(...(page.executions ?? []));
    }
    return listed;
  }

  const drill = { planId: "start-race", reason: "race test", requestedBy: "workflow-tests" };

  it("refuses bad requests with the field and the fix, and starts nothing", async () => {
    const refusals = await Promise.all([
      env.start({ ...drill, planId: "no-such-plan" }),
      env.start({ ...drill, mode: "RECOVERY" }),
      env.start({ planId: "start-race" }),
      env.start({
        planId: 7,
        mode: "TEST",
        reason: " ",
        requestedBy: "workflow-tests",
        confrim: "start-race",
      }),
    ]);
    const [unknown, unconfirmed, missing, malformed] = refusals;
    expect(unknown).toMatchObject({ ok: false, errorType: "PlanNotFoundError" });
    expect(unknown?.ok === false && unknown.errorMessage).toMatch(
      /plan "no-such-plan" not found: upload it with/,
    );
    expect(unconfirmed).toMatchObject({ ok: false, errorType: "RecoveryNotConfirmedError" });
    expect(unconfirmed?.ok === false && unconfirmed.errorMessage).toMatch(/set confirm to "start-race"/);
    expect(missing).toMatchObject({ ok: false, errorType: "InvalidInputError" });
    expect(missing?.ok === false && missing.errorMessage).toMatch(
      /reason: required: say why this recovery runs/,
    );
    expect(missing?.ok === false && missing.errorMessage).toMatch(/requestedBy: required: name who asks/);
    expect(malformed).toMatchObject({ ok: false, errorType: "InvalidInputError" });
    const message = malformed?.ok === false ? malformed.errorMessage : "";
    expect(message).toMatch(/planId: /);
    expect(message).toMatch(/mode: expected DRILL/);
    expect(message).toMatch(/reason: must not be empty/);
    expect(message).toMatch(/confrim: unknown field; did you mean confirm\?/);

    expect(await executions()).toEqual([]);
    expect(await activeRun(env.engine, "start-race")).toBeUndefined();
    expect(env.local.drs.counters.startRecoveryCalls).toBe(0);
  });

  it("runs one of two starts of the same plan at once and refuses the other with the running execution", async () => {
    const [first, second] = await Promise.all([env.start(drill), env.start(drill)]);
    const outcomes = [first, second];
    const winner = outcomes.find((outcome) => outcome?.ok);
    const loser = outcomes.find((outcome) => !outcome?.ok);
    expect(winner?.ok && loser && !loser.ok).toBe(true);
    if (!winner?.ok || !loser || loser.ok) return;
    expect(loser.errorType).toBe("RecoveryInProgressError");
    expect(loser.errorMessage).toBe(
      `plan "start-race" is already being recovered by execution ${winner.started.executionId}: wait for it to end or stop it before starting another`,
    );
    expect((await executions()).map((execution) => execution.name)).toEqual([winner.started.executionId]);

    const ended = await env.waitForEnd(winner.started, 60_000);
    expect(ended.status).toBe("SUCCEEDED");
    // The plan is free again once its execution ended.
    expect(await activeRun(env.engine, "start-race")).toBeUndefined();
  });
});
