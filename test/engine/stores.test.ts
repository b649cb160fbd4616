import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { PlanNotFoundError, PlanValidationError, ServerConflictError } from "@drs-orchestrator/core";
import { ABANDONED_START_SECONDS, executionArnOf, keys } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";

const planDocument = (name: string) => ({
  id: "payments",
  name,
  rto: "45m",
  rpo: "5m",
  groups: [{ id: "db", select: { tags: { app: "payments" } } }],
});

describe("plan store", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startLocalEngine();
  });
  afterAll(() => env.stop());

  it("versions changed documents, keeps unchanged ones and serves pinned versions", async () => {
    const { plans } = env.engine;
    expect(await plans.apply(planDocument("Payments"), "alice")).toEqual({ version: 1, changed: true });
    expect(await plans.apply(planDocument("Payments"), "alice")).toEqual({ version: 1, changed: false });
    expect(await plans.apply(planDocument("Payments v2"), "bob")).toEqual({ version: 2, changed: true });

    expect((await plans.get("payments")).plan.name).toBe("Payments v2");
    const pinned = await plans.get("payments", 1);
    expect(pinned.plan.name).toBe("Payments");
    expect(pinned.plan.rto).toBe(2700);
    expect(pinned.stored.appliedBy).toBe("alice");
    expect(await plans.versions("payments")).toEqual([1, 2]);
    expect(await plans.list()).toMatchObject([{ planId: "payments", name: "Payments v2", version: 2 }]);
  });

  it("refuses an invalid document and names unknown plans and versions", async () => {
    await expect(env.engine.plans.apply({ id: "x" }, "alice")).rejects.toBeInstanceOf(PlanValidationError);
    await expect(env.engine.plans.get("nope")).rejects.toThrow(/plan "nope" not found/);
    await expect(env.engine.plans.get("payments", 9)).rejects.toBeInstanceOf(PlanNotFoundError);
  });
});

describe("server locks", () => {
  let env: LocalEngine;
  beforeAll(async () => {
    env = await startLocalEngine();
  });
  afterAll(() => env.stop());

  const running = (executionId: string) =>
    env.engine.executions.create(keys.meta(executionId), { executionId, status: "RUNNING" });

  it("lets one execution hold a server and names the holder to the other, taking nothing", async () => {
    const { locks, executions } = env.engine;
    await running("exec-a");
    await running("exec-b");
    await locks.acquire("exec-a", ["s-00000000000000001", "s-00000000000000002"]);
    const attempt = locks.acquire("exec-b", ["s-00000000000000003", "s-00000000000000002"]);
    await expect(attempt).rejects.toBeInstanceOf(ServerConflictError);
    await expect(attempt).rejects.toThrow(/1 in exec-a \(s-00000000000000002\)/);
    // exec-b's lock on the free server was rolled back.
    expect(await executions.get<{ releasedAt?: string }>(keys.lock("s-00000000000000003"))).toMatchObject({
      executionId: "exec-b",
      releasedAt: expect.any(String),
    });

    await locks.release("exec-a", ["s-00000000000000001", "s-00000000000000002"]);
    await locks.acquire("exec-b", ["s-00000000000000003", "s-00000000000000002"]);
  });

  it("takes over locks of an execution that ended without releasing them", async () => {
    const { locks, executions } = env.engine;
    await running("exec-c");
    await locks.acquire("exec-c", ["s-00000000000000009"]);
    await executions.update(keys.meta("exec-c"), { status: "FAILED" });
    await running("exec-d");
    await locks.acquire("exec-d", ["s-00000000000000009"]);
    expect(await executions.get(keys.lock("s-00000000000000009"))).toMatchObject({ executionId: "exec-d" });
  });

  describe("a holder whose META still says RUNNING", () => {
    let sfn: SFNClient;
    const server = "s-00000000000000020";
    /** Starts a workflow named after the execution on the recovery state machine, waiting for days. */
    const startWorkflow = async (executionId: string) => {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: env.engine.config.recoveryStateMachineArn,
          name: executionId,
          input: "{}",
        }),
      );
    };
    const lockAt = (seconds: number) => new Date(Date.parse("2026-11-21T10:00:00Z") + seconds * 1000);

    beforeAll(async () => {
      sfn = new SFNClient({});
      const name = env.engine.config.recoveryStateMachineArn.split(":").at(-1) as string;
      await sfn.send(
        new CreateStateMachineCommand({
          name,
          roleArn: `arn:aws:iam::${env.local.accountId}:role/${name}`,
          definition: JSON.stringify({
            StartAt: "Hold",
            States: { Hold: { Type: "Wait", Seconds: 30 * 86_400, End: true } },
          }),
        }),
      );
    });
    afterAll(() => sfn.destroy());

    it("keeps its locks while its workflow runs, and loses them once the workflow was stopped", async () => {
      const { locks, executions } = env.engine;
      await running("exec-e");
      await startWorkflow("exec-e");
      await locks.acquire("exec-e", [server], lockAt(0));
      await running("exec-f");
      // Long after it took the lock: Step Functions says it runs.
      await expect(locks.acquire("exec-f", [server], lockAt(86_400))).rejects.toBeInstanceOf(
        ServerConflictError,
      );

      // Stopped as in the console: nothing closed its META, only Step Functions knows it ended.
      await sfn.send(
        new StopExecutionCommand({
          executionArn: executionArnOf(env.engine.config.recoveryStateMachineArn, "exec-e"),
          cause: "stopped in the console",
        }),
      );
      expect((await executions.getMeta("exec-e"))?.status).toBe("RUNNING");
      await locks.acquire("exec-f", [server], lockAt(86_400));
      expect(await executions.get(keys.lock(server))).toMatchObject({ executionId: "exec-f" });
    });

    it("keeps the locks of one Step Functions does not know for a start's time after it took them", async () => {
      const { locks, executions } = env.engine;
      const other = "s-00000000000000021";
      await running("exec-g");
      await locks.acquire("exec-g", [other], lockAt(0));
      await running("exec-h");
      await expect(
        locks.acquire("exec-h", [other], lockAt(ABANDONED_START_SECONDS - 1)),
      ).rejects.toBeInstanceOf(ServerConflictError);
      await locks.acquire("exec-h", [other], lockAt(ABANDONED_START_SECONDS));
      expect(await executions.get(keys.lock(other))).toMatchObject({ executionId: "exec-h" });
    });
  });
});
