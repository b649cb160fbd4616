import { ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  InvalidInputError,
  loadDocumentFile,
  PlanNotFoundError,
  RecoveryInProgressError,
  RecoveryNotConfirmedError,
} from "@drs-orchestrator/core";
import {
  ABANDONED_START_SECONDS,
  activeRun,
  activeRunKey,
  attemptExecutionName,
  cleanupExecutionName,
  executionName,
  MAX_EXECUTION_NAME_LENGTH,
  releaseActiveRun,
  type StartRecoveryResult,
  startRecovery,
} from "@drs-orchestrator/engine";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../functions/start-recovery";
import { deployStep, type LocalEngine, startLocalEngine } from "../support/local-engine";

const THREE_TIER = new URL("../../examples/plans/three-tier.yaml", import.meta.url).pathname;
/** A state machine that stays RUNNING for 30 simulated days: long enough to hold a plan. */
const HOLD = JSON.stringify({
  StartAt: "Hold",
  States: { Hold: { Type: "Wait", Seconds: 2_592_000, End: true } },
});

async function planDocument(path: string): Promise<unknown> {
  const document = await loadDocumentFile(path);
  if (!document.ok) throw new Error(`${path} does not parse`);
  return document.data;
}

async function startEnvironment(): Promise<LocalEngine> {
  const env = await startLocalEngine();
  const arn = env.engine.config.recoveryStateMachineArn;
  await env.engine.aws.sfn.send(
    new CreateStateMachineCommand({
      name: arn.slice(arn.lastIndexOf(":") + 1),
      roleArn: `arn:aws:iam::${env.local.accountId}:role/recovery`,
      definition: HOLD,
    }),
  );
  await env.engine.plans.apply(await planDocument(THREE_TIER), "test");
  return env;
}

async function executions(env: LocalEngine) {
  const { executions: listed = [] } = await env.engine.aws.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: env.engine.config.recoveryStateMachineArn }),
  );
  return listed;
}

async function tableItemCount(env: LocalEngine): Promise<number> {
  const { Items = [] } = await env.engine.aws.dynamo.send(
    new ScanCommand({ TableName: env.engine.config.executionsTable }),
  );
  return Items.length;
}

const drill = { planId: "shop", reason: "monthly DR drill", requestedBy: "alice" };

describe("start-recovery refusals", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(() => env.stop());

  it("refuses a RECOVERY without confirm or with a wrong one", async () => {
    for (const confirm of [undefined, "shop-prod", "SHOP"]) {
      const attempt = startRecovery({ ...drill, mode: "RECOVERY", confirm }, env.engine);
      await expect(attempt).rejects.toBeInstanceOf(RecoveryNotConfirmedError);
      await expect(attempt).rejects.toThrow('set confirm to "shop" (the plan ID)');
    }
  });

  it("refuses an unknown plan", async () => {
    const attempt = startRecovery({ ...drill, planId: "payments" }, env.engine);
    await expect(attempt).rejects.toBeInstanceOf(PlanNotFoundError);
    await expect(attempt).rejects.toThrow('plan "payments" not found');
  });

  it("names every bad field with its fix", async () => {
    const error = await startRecovery(
      { mode: "TEST", reason: "  ", requestedBy: 7, idempotencyKey: "", confrim: "shop" },
      env.engine,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    const problems = (error as InvalidInputError).problems;
    expect(problems.map((problem) => problem.path).sort()).toEqual(
      ["confrim", "idempotencyKey", "mode", "planId", "reason", "requestedBy"].sort(),
    );
    const message = (path: string) => problems.find((problem) => problem.path === path)?.message;
    expect(message("planId")).toMatch(
      /^required: the ID of a plan stored with `drs-orchestrator plan apply`/,
    );
    expect(message("mode")).toMatch(/expected DRILL .* or RECOVERY/);
    expect(message("reason")).toMatch(/must not be empty: say why this recovery runs/);
    expect(message("requestedBy")).toMatch(/expected a non-empty string: name who asks for the recovery/);
    expect(message("idempotencyKey")).toMatch(/must not be empty/);
    expect(message("confrim")).toMatch(/unknown field; did you mean confirm\?/);

    const notAnObject = await startRecovery("shop", env.engine).catch((caught: unknown) => caught);
    expect((notAnObject as InvalidInputError).problems).toEqual([
      { path: "", message: expect.stringMatching(/^expected an object with the fields planId, mode/) },
    ]);
  });

  it("refuses an asOf that is unparsable, without a time zone or in the future, and replaceExisting for a drill", async () => {
    const now = new Date("2026-11-21T10:00:00Z");
    const problems = async (request: Record<string, unknown>) => {
      const error = await startRecovery({ ...drill, ...request }, env.engine, now).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).problems;
    };
    for (const asOf of ["two hours ago", "2026-11-21T08:00:00", "2026-11-21", 1_796_000_000]) {
      expect(await problems({ asOf })).toEqual([
        { path: "asOf", message: expect.stringMatching(/^expected an ISO-8601 date-time with a time zone/) },
      ]);
    }
    expect(await problems({ asOf: "2026-11-21T12:00:01+02:00" })).toEqual([
      {
        path: "asOf",
        message:
          "2026-11-21T12:00:01+02:00 is in the future (now is 2026-11-21T10:00:00.000Z): give a time at or before now",
      },
    ]);
    expect(await problems({ replaceExisting: true })).toEqual([
      { path: "replaceExisting", message: expect.stringMatching(/^only for mode RECOVERY/) },
    ]);
    expect(await problems({ mode: "RECOVERY", confirm: "shop", replaceExisting: "yes" })).toEqual([
      { path: "replaceExisting", message: expect.stringMatching(/^expected true or false/) },
    ]);
  });

  it("started nothing and wrote nothing for any refused request", async () => {
    expect(await executions(env)).toEqual([]);
    expect(await tableItemCount(env)).toBe(0);
  });
});

describe("start-recovery", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startEnvironment();
  });
  afterAll(() => env.stop());

  const running = async () => (await executions(env)).filter((execution) => execution.status === "RUNNING");

  it("starts a drill of the latest plan version and holds the plan for it", async () => {
    await env.engine.plans.apply(
      { ...((await planDocument(THREE_TIER)) as object), name: "Three-tier web shop v2" },
      "test",
    );
    const started = await startRecovery({ ...drill, idempotencyKey: "drill-2026-11" }, env.engine);
    expect(started).toEqual({
      executionId: expect.stringMatching(/^shop-drill-[0-9a-f]{16}$/),
      executionArn: `${env.engine.config.recoveryStateMachineArn.replace(":stateMachine:", ":execution:")}:${started.executionId}`,
      planId: "shop",
      planVersion: 2,
      mode: "DRILL",
      alreadyStarted: false,
    });
    const described = await env.engine.aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    expect(described.status).toBe("RUNNING");
    expect(JSON.parse(described.input ?? "")).toEqual({
      executionId: started.executionId,
      planId: "shop",
      planVersion: 2,
      mode: "DRILL",
      requestedBy: "alice",
      reason: "monthly DR drill",
    });
    expect(await activeRun(env.engine, "shop")).toMatchObject({
      executionId: started.executionId,
      executionArn: started.executionArn,
      requestedBy: "alice",
    });
  });

  it("returns the same execution for a repeat with the same key, whatever else differs", async () => {
    const first = (await running())[0];
    const same = await startRecovery({ ...drill, idempotencyKey: "drill-2026-11" }, env.engine);
    const different = await startRecovery(
      {
        planId: "shop",
        reason: "retry from the pipeline",
        requestedBy: "ci",
        idempotencyKey: "drill-2026-11",
      },
      env.engine,
    );
    for (const repeat of [same, different]) {
      expect(repeat).toMatchObject({
        executionArn: first?.executionArn,
        planVersion: 2,
        alreadyStarted: true,
      });
    }
    expect(await executions(env)).toHaveLength(1);
  });

  it("refuses a second execution of the plan while one runs, naming it", async () => {
    const [holder] = await running();
    const other = startRecovery({ ...drill, idempotencyKey: "another-key" }, env.engine);
    await expect(other).rejects.toBeInstanceOf(RecoveryInProgressError);
    await expect(other).rejects.toThrow(`already being recovered by execution ${holder?.name}`);
    await expect(startRecovery(drill, env.engine)).rejects.toBeInstanceOf(RecoveryInProgressError);
    expect(await executions(env)).toHaveLength(1);
  });

  it("takes the plan over once the holder no longer runs; unkeyed starts get unique names", async () => {
    const [holder] = await running();
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: holder?.executionArn }));
    const first = await startRecovery(drill, env.engine);
    expect(first.alreadyStarted).toBe(false);
    expect((await activeRun(env.engine, "shop"))?.executionId).toBe(first.executionId);

    expect(await releaseActiveRun(env.engine, "shop", "someone-else")).toBe(false);
    expect(await releaseActiveRun(env.engine, "shop", first.executionId)).toBe(true);
    expect(await activeRun(env.engine, "shop")).toBeUndefined();
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));

    const second = await startRecovery(drill, env.engine);
    expect(second.executionId).not.toBe(first.executionId);
    expect(second.executionId).toMatch(/^shop-drill-[0-9a-f]{16}$/);
    expect((await running()).map((execution) => execution.name)).toEqual([second.executionId]);
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: second.executionArn }));
  });

  it("lets exactly one of two concurrent starts of the plan through", async () => {
    const results = await Promise.allSettled([
      startRecovery({ ...drill, idempotencyKey: "concurrent-a" }, env.engine),
      startRecovery({ ...drill, idempotencyKey: "concurrent-b" }, env.engine),
      startRecovery({ ...drill, idempotencyKey: "concurrent-c" }, env.engine),
    ]);
    const started = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result) => result.status === "rejected");
    expect(started).toHaveLength(1);
    for (const result of refused) expect(result.reason).toBeInstanceOf(RecoveryInProgressError);
    const winner = (started[0] as PromiseFulfilledResult<StartRecoveryResult>).value;
    expect((await running()).map((execution) => execution.name)).toEqual([winner.executionId]);
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: winner.executionArn }));
  });

  it("starts a confirmed RECOVERY", async () => {
    const started = await startRecovery(
      { ...drill, mode: "RECOVERY", confirm: "shop", reason: "region outage" },
      env.engine,
    );
    expect(started).toMatchObject({ mode: "RECOVERY", alreadyStarted: false });
    expect(started.executionId).toMatch(/^shop-recovery-[0-9a-f]{16}$/);
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
  });

  it("carries asOf and replaceExisting in the execution input, for Prepare", async () => {
    const now = new Date("2026-11-21T10:00:00Z");
    const started = await startRecovery(
      {
        ...drill,
        mode: "RECOVERY",
        confirm: "shop",
        reason: "ransomware",
        asOf: "2026-11-21T09:00:00+01:00",
        replaceExisting: true,
      },
      env.engine,
      now,
    );
    const described = await env.engine.aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: started.executionArn }),
    );
    expect(JSON.parse(described.input ?? "{}")).toMatchObject({
      asOf: "2026-11-21T09:00:00+01:00",
      replaceExisting: true,
    });
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
  });

  it("takes over from a start that died before StartExecution, but not while it may still be starting", async () => {
    const now = new Date();
    const stateMachineArn = env.engine.config.recoveryStateMachineArn;
    await env.engine.aws.dynamo.send(
      new PutCommand({
        TableName: env.engine.config.executionsTable,
        Item: {
          ...activeRunKey("shop"),
          planId: "shop",
          executionId: "shop-drill-never-started",
          executionArn: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:shop-drill-never-started`,
          mode: "DRILL",
          requestedBy: "bob",
          acquiredAt: now.toISOString(),
        },
      }),
    );
    await expect(startRecovery(drill, env.engine, now)).rejects.toThrow(
      "already being recovered by execution shop-drill-never-started",
    );
    const later = new Date(now.getTime() + (ABANDONED_START_SECONDS + 1) * 1000);
    const started = await startRecovery(drill, env.engine, later);
    expect((await activeRun(env.engine, "shop"))?.executionId).toBe(started.executionId);
    await env.engine.aws.sfn.send(new StopExecutionCommand({ executionArn: started.executionArn }));
  });

  it("starts through the Lambda function and reports refusals as named function errors", async () => {
    const { invoke, destroy } = deployStep(env, "start-recovery-test", handler, 30);
    try {
      const started = await invoke({ ...drill, idempotencyKey: "through-lambda" });
      expect(started).toEqual({
        error: undefined,
        body: expect.objectContaining({ planId: "shop", mode: "DRILL", alreadyStarted: false }),
      });
      const refused = await invoke({ ...drill, mode: "RECOVERY" });
      expect(refused.error).toBe("Unhandled");
      expect(refused.body).toMatchObject({ errorType: "RecoveryNotConfirmedError" });
      const invalid = await invoke({ planId: "shop" });
      expect(invalid.body).toMatchObject({
        errorType: "InvalidInputError",
        errorMessage: expect.stringMatching(/reason: required: .*; requestedBy: required: /),
      });
    } finally {
      destroy();
    }
  });
});

describe("execution names", () => {
  const planIds = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);
  const modes = fc.constantFrom("DRILL" as const, "RECOVERY" as const);

  it("are valid Step Functions names, readable, and the same for the same key", () => {
    fc.assert(
      fc.property(planIds, modes, fc.string({ minLength: 1, maxLength: 256 }), (planId, mode, key) => {
        const name = executionName(planId, mode, key);
        expect(name.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME_LENGTH);
        expect(name).toMatch(/^[a-z0-9_-]+$/);
        expect(name).toContain(`-${mode.toLowerCase()}-`);
        expect(name.startsWith(planId.slice(0, 20))).toBe(true);
        expect(executionName(planId, mode, key)).toBe(name);
      }),
    );
  });

  it("differ for different keys, plans and modes", () => {
    fc.assert(
      fc.property(
        planIds,
        modes,
        fc.uniqueArray(fc.string(), { minLength: 2, maxLength: 5 }),
        (planId, mode, keys) => {
          const names = keys.map((key) => executionName(planId, mode, key));
          expect(new Set(names).size).toBe(keys.length);
        },
      ),
    );
    const long = "a".repeat(63);
    expect(executionName(long, "DRILL", "k")).not.toBe(executionName(`${"a".repeat(62)}b`, "DRILL", "k"));
    expect(executionName("shop", "DRILL", "k")).not.toBe(executionName("shop", "RECOVERY", "k"));
  });

  it("name each attempt of an execution apart, within the limit, the start by the execution ID itself", () => {
    fc.assert(
      fc.property(
        planIds,
        modes,
        fc.string({ minLength: 1 }),
        fc.integer({ min: 2, max: 9999 }),
        (planId, mode, key, attempt) => {
          const executionId = executionName(planId, mode, key);
          const names = [1, attempt - 1, attempt].map((n) => attemptExecutionName(executionId, n));
          expect(names[0]).toBe(executionId);
          expect(names[2]).toBe(attemptExecutionName(executionId, attempt));
          expect(new Set(names).size).toBe(attempt === 2 ? 2 : 3);
          for (const name of names) {
            expect(name.length).toBeLessThanOrEqual(MAX_EXECUTION_NAME_LENGTH);
            expect(name).toMatch(/^[a-z0-9_-]+$/);
            // The plan's prefix and the mode stay readable, so a listing by plan still finds them.
            expect(name.startsWith(executionId.slice(0, executionId.lastIndexOf("-") + 1))).toBe(true);
          }
          // Cleanups follow the attempts: one per attempt of a drill.
          expect(cleanupExecutionName(executionId, 1)).toBe(cleanupExecutionName(executionId));
          expect(cleanupExecutionName(executionId, attempt)).not.toBe(cleanupExecutionName(executionId));
          expect(cleanupExecutionName(executionId, attempt).length).toBeLessThanOrEqual(
            MAX_EXECUTION_NAME_LENGTH,
          );
        },
      ),
    );
  });
});
