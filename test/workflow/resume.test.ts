import { DescribeRecoveryInstancesCommand, GetLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import { DescribeInstancesCommand, DescribeLaunchTemplatesCommand } from "@aws-sdk/client-ec2";
import { DescribeExecutionCommand, ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { ExecutionNotResumableError, type Fleet } from "@drs-orchestrator/core";
import {
  attemptExecutionName,
  cancelRecovery,
  cleanupExecutionName,
  executionArnOf,
  getRecoveryStatus,
  listRecoveries,
  loadRecoveryReport,
  type ResumeRecoveryResult,
  resumeRecovery,
  type ServerItem,
  type StartRecoveryResult,
  startDrillCleanup,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IncidentServer, startIncidentServer } from "../../examples/mcp-incident-server/incident-server";
import {
  type DeployedApp,
  type EndedExecution,
  FAST_DRS_TIMINGS,
  pickServers,
  startDeployedApp,
} from "../support/local-app";
import { exampleFleet } from "../support/local-engine";
import { rejection, until } from "../support/waiting";

/**
 * Resuming executions that stopped, on the deployed app with the real SDK clients: a real recovery
 * whose wave 2 fails beyond its policy (one server's first launch fails, no retries, no failure
 * allowed) and is resumed to the end, the same resumed skipping the failed server, and a drill
 * cancelled at its approval gate, cleaned up, then resumed.
 */

const DEADLINE_MS = 60_000;
/**
 * A drill cleanup's TERMINATE job takes this long (simulated; about 1 to 3 s real with the harness's
 * jitter and clock speed), so a resume asked while it runs meets it running. Within the cleanup's
 * one-hour wait for terminations.
 */
const TERMINATE_SECONDS = 2000;
const DRILL_INSTANCE_TYPE = "c6i.2xlarge";
const WAVE_SERVERS = 3;

const INCIDENTS_TOKEN = "resume-hooks-token";

let fleet: Fleet;
let env: DeployedApp;
let incidents: IncidentServer;
const now = () => env.local.clock.now();

interface BadDay {
  planId: string;
  core: string[];
  app: string[];
  edge: string[];
  /** The app server whose first launch fails. */
  failing: string;
}

function badDay(planId: string, tiers: [string, string, string]): BadDay {
  const [core, app, edge] = tiers.map((tier) =>
    pickServers(fleet, { app: "estate", tier }, WAVE_SERVERS),
  ) as [string[], string[], string[]];
  return { planId, core, app, edge, failing: app[1] as string };
}

function badDayPlan(day: BadDay) {
  return {
    id: day.planId,
    name: `${day.planId} bad day`,
    rto: "4h",
    rpo: "15m",
    groups: [
      { id: "core", select: { sourceServerIds: day.core } },
      { id: "app", select: { sourceServerIds: day.app }, dependsOn: ["core"] },
      { id: "edge", select: { sourceServerIds: day.edge }, dependsOn: ["app"] },
    ],
    failure: { retries: 0, maxFailedPercent: 0 },
  };
}

async function startRecovery(planId: string): Promise<StartRecoveryResult> {
  const outcome = await env.start({
    planId,
    mode: "RECOVERY",
    confirm: planId,
    reason: "region outage",
    requestedBy: "workflow-tests",
  });
  if (!outcome.ok) throw new Error(`${planId} did not start: ${outcome.errorType}: ${outcome.errorMessage}`);
  return outcome.started;
}

/** The resumed attempt as the harness waits for it: the same execution, the attempt's workflow. */
function waitForAttempt(resumed: ResumeRecoveryResult, options = {}): Promise<EndedExecution> {
  return env.waitForEnd({ ...resumed, alreadyStarted: false }, { deadlineMs: DEADLINE_MS, ...options });
}

async function serversById(executionId: string): Promise<Map<string, ServerItem>> {
  const servers = await env.engine.executions.servers(executionId);
  return new Map(servers.map((server) => [server.sourceServerId, server]));
}

async function recoveryInstances(ids: readonly string[]) {
  const { items = [] } = await env.drs.send(
    new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [...ids] } }),
  );
  return new Map(items.map((item) => [item.sourceServerID as string, item]));
}

/** Each server's launch template default version now. */
async function defaultVersions(ids: readonly string[]): Promise<Record<string, number | undefined>> {
  const versions: Record<string, number | undefined> = {};
  for (const sourceServerID of ids) {
    const { ec2LaunchTemplateID } = await env.drs.send(new GetLaunchConfigurationCommand({ sourceServerID }));
    const { LaunchTemplates = [] } = await env.ec2.send(
      new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [ec2LaunchTemplateID as string] }),
    );
    versions[sourceServerID] = LaunchTemplates[0]?.DefaultVersionNumber;
  }
  return versions;
}

/** The drill cleanup of an execution's attempt, once it has ended. */
async function cleanupEnded(executionId: string, attempt: number): Promise<string> {
  const executionArn = executionArnOf(
    env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
    cleanupExecutionName(executionId, attempt),
  );
  return until(
    `the cleanup of attempt ${attempt}`,
    async () => {
      try {
        const { status } = await env.sfn.send(new DescribeExecutionCommand({ executionArn }));
        return status === "RUNNING" ? undefined : status;
      } catch (error) {
        if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
        throw error;
      }
    },
    DEADLINE_MS,
  );
}

/** Step Functions executions of the recovery state machine for one execution (its attempts). */
async function workflowsOf(executionId: string): Promise<string[]> {
  const { executions = [] } = await env.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: env.app.recoveryStateMachineArn, maxResults: 1000 }),
  );
  return executions
    .map((execution) => execution.name as string)
    .filter((name) => name.startsWith(executionId))
    .sort();
}

const launches = (id: string) => env.local.drs.counters.launches[id] ?? 0;

const resumeDay = {} as BadDay;
const skipDay = {} as BadDay;
const drillDay = {} as BadDay;

beforeAll(async () => {
  fleet = await exampleFleet();
  Object.assign(resumeDay, badDay("resume-bad-day", ["dns", "identity", "edge"]));
  Object.assign(skipDay, badDay("resume-skip", ["cache", "queue", "web"]));
  Object.assign(drillDay, badDay("resume-drill", ["db-reporting", "workers", "reporting"]));
  incidents = await startIncidentServer({ port: 0, token: INCIDENTS_TOKEN });
  env = await startDeployedApp({
    fleet,
    timings: { ...FAST_DRS_TIMINGS, terminateSeconds: TERMINATE_SECONDS },
    faults: {
      failLaunch: { times: { [resumeDay.failing]: 1, [skipDay.failing]: 1, [drillDay.failing]: 1 } },
    },
    app: {
      environment: {
        HOOK_MCP_SERVERS: JSON.stringify({
          incidents: { url: incidents.url, tokenSecret: "drs-orchestrator/incidents-token" },
        }),
      },
    },
  });
  env.local.secrets.seed("drs-orchestrator/incidents-token", INCIDENTS_TOKEN);
  for (const day of [resumeDay, skipDay]) await env.applyPlan(badDayPlan(day));
  // The drill launches with settings of its own, which its cleanup puts back.
  await env.applyPlan({
    ...badDayPlan(drillDay),
    launch: {
      rightSizing: "NONE",
      instanceType: DRILL_INSTANCE_TYPE,
      subnetId: "subnet-0a1b2c3d4e5f60001",
      securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
    },
  });
  await env.applyPlan("three-tier.yaml");
}, 30_000);

afterAll(async () => {
  await env?.stop();
  await incidents?.close();
});

describe("a recovery whose wave 2 fails beyond its policy", () => {
  let started: StartRecoveryResult;
  let first: EndedExecution;
  let before: Map<string, ServerItem>;
  let resumed: ResumeRecoveryResult;
  let second: EndedExecution;

  beforeAll(async () => {
    started = await startRecovery(resumeDay.planId);
    first = await env.waitForEnd(started, DEADLINE_MS);
    before = await serversById(started.executionId);
  }, DEADLINE_MS);

  it("ends ABORTED at wave 2 with the failed server named, wave 1 healthy and wave 3 never launched", async () => {
    expect(first.status).toBe("FAILED");
    expect(first.meta).toMatchObject({ status: "ABORTED", error: "RecoveryAborted" });
    expect(first.meta.cause).toContain(resumeDay.failing);
    const waves = await env.engine.executions.waves(started.executionId);
    expect(waves.map((wave) => wave.status)).toEqual(["COMPLETED", "ABORTED", "PENDING"]);
    expect(before.get(resumeDay.failing)).toMatchObject({ status: "FAILED", attempts: 1 });
    for (const id of resumeDay.core) expect(before.get(id)?.status, id).toBe("HEALTHY");
    for (const id of resumeDay.edge) expect(before.get(id)?.status, id).toBe("PENDING");
  });

  it(
    "refuses a resume while the resumed attempt runs, and starts one attempt for two requests at once",
    async () => {
      const request = {
        executionId: started.executionId,
        requestedBy: "ops:bob",
        reason: "capacity is back",
      };
      const outcomes = await Promise.allSettled([
        resumeRecovery(env.engine, request, now()),
        resumeRecovery(env.engine, request, now()),
      ]);
      const answers = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      const first = answers.find((answer) => !answer.alreadyStarted);
      if (!first) throw new Error(`no request started the attempt: ${JSON.stringify(outcomes)}`);
      resumed = first;
      // The other request found the attempt recorded or started, or (later) the attempt running.
      for (const outcome of outcomes) {
        if (outcome.status === "fulfilled") expect(outcome.value).toMatchObject({ attempt: 2 });
        else expect(outcome.reason).toBeInstanceOf(ExecutionNotResumableError);
      }
      expect(resumed).toMatchObject({
        executionId: started.executionId,
        attempt: 2,
        planId: resumeDay.planId,
        planVersion: started.planVersion,
        mode: "RECOVERY",
        requestedBy: "ops:bob",
        skipFailed: false,
        executionArn: executionArnOf(
          env.app.recoveryStateMachineArn,
          attemptExecutionName(started.executionId, 2),
        ),
      });

      const running = await rejection(resumeRecovery(env.engine, request, now()));
      expect(running).toBeInstanceOf(ExecutionNotResumableError);
      expect(running.message).toMatch(/is still running \(attempt 2/);

      second = await waitForAttempt(resumed);
      expect(await workflowsOf(started.executionId)).toEqual([
        started.executionId,
        attemptExecutionName(started.executionId, 2),
      ]);
    },
    DEADLINE_MS,
  );

  it("finishes SUCCEEDED: wave 1 launched once in all and kept as it was, the failed server relaunched once", async () => {
    expect(second.status).toBe("SUCCEEDED");
    expect(second.meta).toMatchObject({ status: "SUCCEEDED", planVersion: started.planVersion });
    expect(second.meta.error).toBeUndefined();
    const after = await serversById(started.executionId);
    for (const id of [...resumeDay.core, ...resumeDay.app, ...resumeDay.edge]) {
      expect(after.get(id)?.status, id).toBe("HEALTHY");
      expect(launches(id), id).toBe(id === resumeDay.failing ? 2 : 1);
    }
    // Wave 1 (and wave 2's healthy servers) kept their recovery instances, still running.
    const kept = [...resumeDay.core, ...resumeDay.app.filter((id) => id !== resumeDay.failing)];
    const instances = await recoveryInstances(kept);
    for (const id of kept) {
      const { ec2InstanceId, recoveryInstanceId, launchedAt } = before.get(id) as ServerItem;
      expect(after.get(id), id).toMatchObject({ ec2InstanceId, recoveryInstanceId, launchedAt, attempts: 1 });
      expect(instances.get(id), id).toMatchObject({
        recoveryInstanceID: recoveryInstanceId,
        ec2InstanceState: "RUNNING",
      });
    }
    // The failed launch stays in the relaunched server's history.
    const relaunched = after.get(resumeDay.failing) as ServerItem;
    expect(relaunched.attempts).toBe(2);
    expect(relaunched.attemptHistory).toEqual([
      expect.objectContaining({
        attempt: 0,
        status: "FAILED",
        jobId: before.get(resumeDay.failing)?.jobId,
        failureReason: before.get(resumeDay.failing)?.failureReason,
      }),
    ]);
    const waves = await env.engine.executions.waves(started.executionId);
    expect(waves.map((wave) => [wave.status, wave.attempt, wave.resumedBy])).toEqual([
      ["COMPLETED", 0, undefined],
      ["COMPLETED", 1, 2],
      ["COMPLETED", 0, undefined],
    ]);
  });

  it("reports both attempts, with the RTO from the first attempt's start to the last wave healthy", async () => {
    const report = await loadRecoveryReport(env.engine, started.executionId, now());
    const { summary } = report;
    expect(summary.status).toBe("SUCCEEDED");
    expect(summary.attempts).toEqual([
      expect.objectContaining({
        number: 1,
        executionArn: started.executionArn,
        requestedBy: "workflow-tests",
        firstWave: 1,
        status: "ABORTED",
        error: "RecoveryAborted",
        endedAt: first.meta.endedAt,
      }),
      expect.objectContaining({
        number: 2,
        executionArn: resumed.executionArn,
        requestedBy: "ops:bob",
        reason: "capacity is back",
        skipFailed: false,
        firstWave: 2,
        status: "SUCCEEDED",
        endedAt: second.meta.endedAt,
      }),
    ]);
    const [one, two] = summary.attempts ?? [];
    expect(summary.startedAt).toBe(one?.startedAt);
    const recoveredAt = summary.rto.recoveredAt as string;
    expect(Date.parse(recoveredAt)).toBeGreaterThan(Date.parse(two?.startedAt as string));
    expect(summary.rto.achievedSeconds).toBe(
      Math.round((Date.parse(recoveredAt) - Date.parse(summary.startedAt)) / 1000),
    );
    expect(summary.durationSeconds).toBe(
      Math.round((Date.parse(second.meta.endedAt as string) - Date.parse(summary.startedAt)) / 1000),
    );
    expect(summary.counts).toMatchObject({ servers: 9, healthy: 9, failed: 0, relaunched: 1 });

    const status = await getRecoveryStatus(env.engine, started.executionId, { now: now() });
    expect(status).toMatchObject({ status: "SUCCEEDED", attempt: 2, executionArn: resumed.executionArn });
    expect(status.attempts?.map((attempt) => attempt.status)).toEqual(["ABORTED", "SUCCEEDED"]);

    const listed = (await listRecoveries(env.engine, { planId: resumeDay.planId })).map((entry) => [
      entry.executionId,
      entry.status,
    ]);
    expect(listed).toEqual([[started.executionId, "SUCCEEDED"]]);
  });

  it("refuses to resume it again now that it SUCCEEDED, and an execution nobody knows", async () => {
    const succeeded = await rejection(
      resumeRecovery(env.engine, { executionId: started.executionId, requestedBy: "ops:bob" }, now()),
    );
    expect(succeeded).toBeInstanceOf(ExecutionNotResumableError);
    expect(succeeded.message).toBe(
      `execution ${started.executionId} cannot be resumed: it SUCCEEDED: there is nothing left to resume`,
    );
    const unknown = await rejection(
      resumeRecovery(env.engine, { executionId: "no-such-execution", requestedBy: "ops:bob" }, now()),
    );
    expect(unknown.name).toBe("ExecutionNotFoundError");
  });
});

describe("an execution Prepare refused", () => {
  it("cannot be resumed: nothing was launched, a new recovery is the way", async () => {
    const planId = await env.applyPlan({
      id: "resume-nothing",
      name: "selects nothing",
      rto: "1h",
      rpo: "15m",
      groups: [{ id: "ghosts", select: { tags: { app: "no-such-app" } } }],
    });
    const started = await startRecovery(planId);
    await until(
      "the refused execution's end",
      async () => {
        const { status } = await env.sfn.send(
          new DescribeExecutionCommand({ executionArn: started.executionArn }),
        );
        return status === "RUNNING" ? undefined : status;
      },
      DEADLINE_MS,
    );
    const refused = await rejection(
      resumeRecovery(env.engine, { executionId: started.executionId, requestedBy: "ops:bob" }, now()),
    );
    expect(refused).toBeInstanceOf(ExecutionNotResumableError);
    expect(refused.message).toMatch(
      /cannot be resumed: it ended FAILED before it recorded anything \(RecoveryFailed: .*\), so nothing was launched: start a new recovery of plan resume-nothing$/,
    );
    expect(await workflowsOf(started.executionId)).toEqual([started.executionId]);
  });
});

describe("a resume that skips the failed servers", () => {
  it(
    "accepts the failed server as failed, launches nothing more in its wave and finishes the later waves",
    async () => {
      const started = await startRecovery(skipDay.planId);
      const first = await env.waitForEnd(started, DEADLINE_MS);
      expect(first.meta.status).toBe("ABORTED");
      const before = await serversById(started.executionId);

      const resumed = await resumeRecovery(
        env.engine,
        { executionId: started.executionId, skipFailed: true, requestedBy: "ops:carol" },
        now(),
      );
      expect(resumed).toMatchObject({ attempt: 2, skipFailed: true, alreadyStarted: false });
      const second = await waitForAttempt(resumed);
      expect(second.status).toBe("SUCCEEDED");

      const after = await serversById(started.executionId);
      expect(after.get(skipDay.failing)).toMatchObject({
        status: "FAILED",
        attempts: 1,
        failureReason: before.get(skipDay.failing)?.failureReason,
      });
      expect(launches(skipDay.failing)).toBe(1);
      for (const id of [
        ...skipDay.core,
        ...skipDay.edge,
        ...skipDay.app.filter((id) => id !== skipDay.failing),
      ]) {
        expect(after.get(id)?.status, id).toBe("HEALTHY");
        expect(launches(id), id).toBe(1);
      }
      const wave2 = await env.engine.executions.getWave(started.executionId, 2);
      expect(wave2).toMatchObject({
        status: "FAILED",
        acceptFailed: true,
        failurePolicy: { action: "CONTINUE", failedServers: 1 },
      });
      expect(wave2?.failurePolicy?.reason).toMatch(/accepted them as failed/);
      expect(second.meta.summary).toMatchObject({ servers: 9, healthy: 8, failed: 1 });
    },
    DEADLINE_MS * 2,
  );
});

describe("a drill cancelled at its approval gate", () => {
  it(
    "is resumed once its cleanup has ended, asks the gate again and is cleaned up again after it",
    async () => {
      const started = await env.startDrill("shop");
      const { executionId } = started;
      await until(
        "the web wave's gate",
        async () => {
          const status = await getRecoveryStatus(env.engine, executionId, { now: now() });
          return status.pendingApprovals.length > 0 ? status : undefined;
        },
        DEADLINE_MS,
      );
      await cancelRecovery(
        env.engine,
        { executionId, reason: "drill window closed", requestedBy: "ops:dan" },
        now(),
      );

      // The drill-ended rule cleans the cancelled drill up (its TERMINATE job takes TERMINATE_SECONDS);
      // a resume waits for that to end.
      const cleanup = () => env.engine.executions.getDrillCleanup(executionId);
      await until(
        "the first cleanup",
        async () => ((await cleanup())?.status === "RUNNING" ? true : undefined),
        DEADLINE_MS,
      );
      const refused = await rejection(
        resumeRecovery(env.engine, { executionId, requestedBy: "ops:dan" }, now()),
      );
      expect(refused).toBeInstanceOf(ExecutionNotResumableError);
      expect(refused.message).toMatch(/its drill cleanup is RUNNING \(it terminates the drill's instances\)/);
      const firstCleanup = await until(
        "the first cleanup's end",
        async () => {
          const record = await cleanup();
          return record?.status === "RUNNING" ? undefined : record;
        },
        DEADLINE_MS,
      );
      expect(firstCleanup.status).toBe("SUCCEEDED");

      const resumed = await resumeRecovery(
        env.engine,
        { executionId, requestedBy: "ops:dan", reason: "new window" },
        now(),
      );
      expect(resumed).toMatchObject({ attempt: 2, mode: "DRILL" });
      const ended = await waitForAttempt(resumed, { approveAs: "ops:erin" });
      expect(ended.status).toBe("SUCCEEDED");
      const approvals = await env.engine.executions.approvals(executionId);
      expect(approvals).toEqual([expect.objectContaining({ wave: 3, status: "APPROVED", by: "ops:erin" })]);

      // The resumed drill began at the gated wave: waves 1 and 2 completed before and were not launched again.
      const servers = await env.engine.executions.servers(executionId);
      for (const server of servers) expect(launches(server.sourceServerId), server.sourceServerId).toBe(1);
      expect(servers.filter((server) => server.wave === 3).map((server) => server.status)).toEqual([
        "HEALTHY",
        "HEALTHY",
        "HEALTHY",
      ]);

      // The second attempt's end starts its own cleanup, which terminates the third wave's drill instances.
      const cleanupArn = executionArnOf(
        env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
        cleanupExecutionName(executionId, 2),
      );
      const second = await until(
        "the second cleanup's end",
        async () => {
          try {
            const { status } = await env.sfn.send(new DescribeExecutionCommand({ executionArn: cleanupArn }));
            return status === "RUNNING" ? undefined : status;
          } catch (error) {
            if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
            throw error;
          }
        },
        DEADLINE_MS,
      );
      expect(second).toBe("SUCCEEDED");
      const instances = await recoveryInstances(servers.map((server) => server.sourceServerId));
      for (const server of servers.filter((item) => item.wave === 3)) {
        expect(
          instances.get(server.sourceServerId)?.ec2InstanceState ?? "TERMINATED",
          server.sourceServerId,
        ).toBe("TERMINATED");
      }
    },
    DEADLINE_MS * 3,
  );
});

describe("a recovery a closing hook aborted after its last wave", () => {
  it(
    "runs only that hook again: hooks that ran are not called again and no server is launched again",
    async () => {
      const servers = pickServers(fleet, { app: "estate", tier: "db-core" }, 2);
      incidents.notes.open({ title: "DR board", severity: 3, reference: "board" });
      const planId = await env.applyPlan({
        id: "resume-hooks",
        name: "resume hooks",
        rto: "4h",
        rpo: "15m",
        groups: [{ id: "db", select: { sourceServerIds: servers } }],
        hooks: {
          beforeRecovery: [
            {
              name: "announce",
              mcp: {
                server: "incidents",
                tool: "add_note",
                arguments: { incident: "board", text: "{{executionId}} starting" },
              },
            },
          ],
          // The execution's own incident is not open yet: the note fails and the hook aborts.
          afterRecovery: [
            {
              name: "close out",
              mcp: {
                server: "incidents",
                tool: "add_note",
                arguments: { incident: "{{executionId}}", text: "recovered" },
              },
            },
          ],
        },
      });
      const started = await startRecovery(planId);
      const first = await env.waitForEnd(started, DEADLINE_MS);
      expect(first.meta).toMatchObject({ status: "FAILED", error: "HookFailedError" });
      const { executionId } = started;
      expect((await env.engine.executions.waves(executionId)).map((wave) => wave.status)).toEqual([
        "COMPLETED",
      ]);

      incidents.notes.open({ title: "the recovery", severity: 2, reference: executionId });
      const resumed = await resumeRecovery(env.engine, { executionId, requestedBy: "ops:frank" }, now());
      const second = await waitForAttempt(resumed);
      expect(second.status).toBe("SUCCEEDED");
      expect(
        second.meta.attempts?.map((attempt) => [attempt.number, attempt.firstWave, attempt.status]),
      ).toEqual([
        [1, 1, "FAILED"],
        [2, 2, "SUCCEEDED"],
      ]);
      for (const id of servers) expect(launches(id), id).toBe(1);
      const board = incidents.notes
        .find("board")
        .notes.filter((note) => note.text === `${executionId} starting`);
      expect(board).toHaveLength(1);
      expect(incidents.notes.find(executionId).notes.map((note) => note.text)).toEqual(["recovered"]);
      const hooks = await env.engine.executions.hooks(executionId);
      expect(hooks.map((hook) => [hook.phase, hook.name, hook.status])).toEqual(
        expect.arrayContaining([
          ["beforeRecovery", "announce", "SUCCEEDED"],
          ["afterRecovery", "close out", "SUCCEEDED"],
        ]),
      );
      expect(hooks).toHaveLength(2);
      const announce = hooks.find((hook) => hook.phase === "beforeRecovery");
      expect(Date.parse(announce?.startedAt as string)).toBeLessThan(
        Date.parse(second.meta.attempts?.[1]?.startedAt as string),
      );
    },
    DEADLINE_MS * 2,
  );
});

describe("a drill whose wave 2 failed and was cleaned up", () => {
  it(
    "relaunches the wave with the plan's settings applied again, and its second cleanup puts them back",
    async () => {
      const all = [...drillDay.core, ...drillDay.app, ...drillDay.edge];
      const original = await defaultVersions(all);
      const started = await env.startDrill(drillDay.planId);
      const { executionId } = started;
      const first = await env.waitForEnd(started, DEADLINE_MS);
      expect(first.meta.status).toBe("ABORTED");
      const before = await serversById(executionId);

      // The drill-ended rule cleaned the failed drill up: its instances terminated, its settings put back.
      expect(await cleanupEnded(executionId, 1)).toBe("SUCCEEDED");
      expect(await defaultVersions(all)).toEqual(original);

      const resumed = await resumeRecovery(env.engine, { executionId, requestedBy: "ops:gina" }, now());
      const second = await waitForAttempt(resumed);
      expect(second.status).toBe("SUCCEEDED");
      const after = await serversById(executionId);

      // Wave 1 completed before: not launched again. Wave 2's instances were gone: all launched again.
      for (const id of drillDay.core) expect(launches(id), id).toBe(1);
      for (const id of drillDay.app) {
        expect(launches(id), id).toBe(2);
        const server = after.get(id) as ServerItem;
        expect(server.status, id).toBe("HEALTHY");
        expect(server.ec2InstanceId, id).not.toBe(before.get(id)?.ec2InstanceId);
        const { Reservations = [] } = await env.ec2.send(
          new DescribeInstancesCommand({ InstanceIds: [server.ec2InstanceId as string] }),
        );
        expect(Reservations[0]?.Instances?.[0]?.InstanceType, id).toBe(DRILL_INSTANCE_TYPE);
      }
      const healthyBefore = drillDay.app.find((id) => id !== drillDay.failing) as string;
      expect(after.get(healthyBefore)?.attemptHistory?.at(-1)).toMatchObject({
        attempt: 0,
        status: "HEALTHY",
        ec2InstanceId: before.get(healthyBefore)?.ec2InstanceId,
        failureReason: expect.stringMatching(
          /recovery instance .* (is TERMINATED|no longer lists)|no longer lists/,
        ),
      });

      // The plan sets no drill.cleanupAfter: the operator cleans the succeeded drill up, which is the
      // second attempt's own cleanup: it terminates what that attempt launched and puts the settings back.
      const cleanup = await startDrillCleanup({ executionId }, env.engine);
      expect(cleanup).toMatchObject({
        alreadyStarted: false,
        cleanupExecutionArn: executionArnOf(
          env.app.environment.CLEANUP_STATE_MACHINE_ARN as string,
          cleanupExecutionName(executionId, 2),
        ),
      });
      expect(await cleanupEnded(executionId, 2)).toBe("SUCCEEDED");
      expect(await defaultVersions(all)).toEqual(original);
      const instances = await recoveryInstances(all);
      for (const id of [...drillDay.app, ...drillDay.edge]) {
        expect(instances.get(id)?.ec2InstanceState ?? "TERMINATED", id).toBe("TERMINATED");
      }
    },
    DEADLINE_MS * 3,
  );
});
