import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { lambdaArn, localClientConfig } from "@drs-orchestrator/app";
import {
  ApprovalClosedError,
  ApprovalNotFoundError,
  ApproverNotAllowedError,
  approvalWaitSeconds,
  InvalidInputError,
} from "@drs-orchestrator/core";
import {
  type ApprovalItem,
  approvePendingGates,
  awaitApproval,
  decideApproval,
  expireApproval,
  keys,
  logger,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as awaitHandler } from "../../functions/await-approval";
import { handler as decideHandler } from "../../functions/decide-approval";
import { handler as expireHandler } from "../../functions/expire-approval";
import { type RecoveryFunctionArns, recoveryWorkflow } from "../../workflows/recovery-workflow";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { examplePlan, nowOf, seedExecution } from "./launch-fixtures";

const YEAR_SECONDS = 365 * 86_400;

/** The three-tier shop with the web group's approval replaced (undefined: no gate anywhere). */
async function shopPlan(id: string, webApproval: unknown, appApproval?: unknown): Promise<unknown> {
  const document = structuredClone(
    (await examplePlan("three-tier")) as { groups: Record<string, unknown>[] },
  );
  for (const group of document.groups) {
    delete group.approval;
    if (group.id === "web" && webApproval !== undefined) group.approval = webApproval;
    if (group.id === "app" && appApproval !== undefined) group.approval = appApproval;
  }
  return { ...document, id };
}

/**
 * The recovery workflow's own approval states (AwaitApproval, AbortOnRejection, ExpireApproval,
 * GateExpired?), taken from its definition, between a start and two ends: `Opened` where the wave
 * would launch, FinalizeAborted where the recovery would abort.
 */
function gateMachine(env: LocalEngine): string {
  const arn = (name: string) => lambdaArn(env.local.region, env.local.accountId, name);
  const arns = new Proxy({} as RecoveryFunctionArns, {
    get: (_, step) =>
      arn(
        step === "awaitApproval"
          ? "await-approval"
          : step === "expireApproval"
            ? "expire-approval"
            : String(step),
      ),
  });
  const states = (recoveryWorkflow(arns) as unknown as { States: Record<string, Record<string, unknown>> })
    .States;
  return JSON.stringify({
    StartAt: "AwaitApproval",
    States: {
      AwaitApproval: { ...states.AwaitApproval, Next: "Opened" },
      AbortOnRejection: states.AbortOnRejection,
      ExpireApproval: states.ExpireApproval,
      "GateExpired?": { ...states["GateExpired?"], Default: "Opened" },
      Opened: { Type: "Pass", Result: true, ResultPath: "$.launched", End: true },
      FinalizeAborted: { Type: "Pass", End: true },
      FinalizeAfterError: { Type: "Fail", Error: "StepFailed" },
    },
  });
}

describe("approval gates", () => {
  let env: LocalEngine;
  let lambda: LambdaClient;
  let stateMachineArn: string;

  beforeAll(async () => {
    // 1h of gate timeout passes in 1.2 real seconds.
    env = await startLocalEngine({ speed: 3000 });
    // The functions share this process's logger; the services called directly below log through it too.
    logger.setLogLevel("ERROR");
    const { config } = env.engine;
    const environment = {
      PLANS_TABLE: config.plansTable,
      EXECUTIONS_TABLE: config.executionsTable,
      RECOVERY_STATE_MACHINE_ARN: config.recoveryStateMachineArn,
      POWERTOOLS_LOG_LEVEL: "ERROR",
    };
    for (const [name, handler] of [
      ["await-approval", awaitHandler],
      ["expire-approval", expireHandler],
      ["decide-approval", decideHandler],
    ] as const) {
      env.local.lambda.register({ name, handler, timeoutSeconds: 60, environment });
    }
    const created = await env.engine.aws.sfn.send(
      new CreateStateMachineCommand({
        name: "approval-gate",
        roleArn: `arn:aws:iam::${env.local.accountId}:role/test`,
        definition: gateMachine(env),
      }),
    );
    stateMachineArn = created.stateMachineArn as string;
    lambda = new LambdaClient(localClientConfig(env.local));
  });
  afterAll(async () => {
    lambda?.destroy();
    await env?.stop();
  });

  /** Seeds an execution of the plan and starts the gate of one wave, as the workflow enters it. */
  async function enterGate(executionId: string, document: unknown, wave: number) {
    const { plan } = await seedExecution(env, { executionId, document });
    const started = await env.engine.aws.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionId,
        input: JSON.stringify({
          executionId,
          cursor: { wave, waveCount: 3, approvalWaitSeconds: approvalWaitSeconds(plan.groups) },
        }),
      }),
    );
    return { plan, executionArn: started.executionArn as string };
  }

  const approval = (executionId: string, wave: number) =>
    env.engine.executions.get<ApprovalItem>(keys.approval(executionId, wave));

  async function pendingGate(executionId: string, wave: number): Promise<ApprovalItem> {
    const deadline = performance.now() + 20_000;
    for (;;) {
      const item = await approval(executionId, wave);
      if (item?.status === "PENDING" && item.notifiedAt !== undefined) return item;
      if (performance.now() > deadline)
        throw new Error(`wave ${wave} of ${executionId} never waited: ${item?.status}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async function ended(executionArn: string): Promise<DescribeExecutionCommandOutput & { output?: string }> {
    for (;;) {
      const execution = await env.engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (execution.status !== "RUNNING") return execution;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const outputOf = async (executionArn: string) => {
    const execution = await ended(executionArn);
    expect(execution.status).toBe("SUCCEEDED");
    return JSON.parse(execution.output as string) as {
      launched?: true;
      policy?: { action: string; reason: string };
    };
  };

  const approvalEvents = (executionId: string) =>
    env.local.events.receivedEvents
      .map((received) => ({ bus: received.eventBusName, event: received.event }))
      .filter(
        ({ event }) =>
          event["detail-type"] === "Approval Required" &&
          (event.detail as { executionId?: string }).executionId === executionId,
      );

  /** The decide-approval function invoked as an entry point would: its result, or the error it reports. */
  async function invokeDecide(request: unknown) {
    const reply = await lambda.send(
      new InvokeCommand({ FunctionName: "decide-approval", Payload: JSON.stringify(request) }),
    );
    const body = JSON.parse(new TextDecoder().decode(reply.Payload));
    return reply.FunctionError
      ? { error: body as { errorType: string; errorMessage: string } }
      : { result: body };
  }

  it("lets a wave without a gate through at once: no record, no event", async () => {
    const { executionArn } = await enterGate("gate-none", await shopPlan("gate-none", undefined), 1);
    expect(await outputOf(executionArn)).toMatchObject({ launched: true });
    expect(await env.engine.executions.approvals("gate-none")).toEqual([]);
    expect(approvalEvents("gate-none")).toEqual([]);
    // Also a gateless wave of a plan that has a gate elsewhere.
    const other = await enterGate("gate-other-wave", await shopPlan("gate-other-wave", true), 2);
    expect(await outputOf(other.executionArn)).toMatchObject({ launched: true });
    expect(await env.engine.executions.approvals("gate-other-wave")).toEqual([]);
    expect(approvalEvents("gate-other-wave")).toEqual([]);
  });

  it("waits at a gate, announces it on the bus, and opens on approval; the same approval again is the recorded one", async () => {
    const { executionArn } = await enterGate("gate-approve", await shopPlan("gate-approve", true), 3);
    const gate = await pendingGate("gate-approve", 3);
    const web = (await env.engine.executions.servers("gate-approve", 3)).map((s) => s.sourceServerId).sort();
    expect(gate).toMatchObject({
      planId: "gate-approve",
      groupIds: ["web"],
      gatingGroupIds: ["web"],
      approvers: [],
      timeoutSeconds: YEAR_SECONDS,
      expiresAt: new Date(Date.parse(gate.requestedAt) + YEAR_SECONDS * 1000).toISOString(),
    });
    expect(gate.taskToken).toEqual(expect.any(String));
    expect((await env.engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe(
      "RUNNING",
    );

    const events = approvalEvents("gate-approve");
    expect(events).toHaveLength(1);
    expect(events[0]?.bus).toBe(env.engine.config.eventBusName);
    expect(events[0]?.event).toMatchObject({
      source: "drs-orchestrator",
      time: gate.requestedAt.replace(/\.\d{3}Z$/, "Z"),
      detail: {
        executionId: "gate-approve",
        planId: "gate-approve",
        wave: 3,
        groups: ["web"],
        sourceServerIds: web,
        serverCount: 3,
        approvers: [],
        expiresAt: gate.expiresAt,
      },
    });

    const approved = await invokeDecide({
      executionId: "gate-approve",
      wave: 3,
      decision: "APPROVE",
      by: "alice",
      comment: "web tier checked",
    });
    expect(approved).toEqual({
      result: {
        executionId: "gate-approve",
        wave: 3,
        status: "APPROVED",
        decidedAt: expect.any(String),
        by: "alice",
        comment: "web tier checked",
        alreadyDecided: false,
      },
    });
    expect(await outputOf(executionArn)).toMatchObject({ launched: true });
    const item = (await approval("gate-approve", 3)) as ApprovalItem;
    expect(item).toMatchObject({ status: "APPROVED", by: "alice", comment: "web tier checked" });
    expect(item.taskToken).toBeUndefined();
    expect(Date.parse(item.decidedAt as string)).toBeGreaterThanOrEqual(Date.parse(item.requestedAt));

    const again = await invokeDecide({
      executionId: "gate-approve",
      wave: 3,
      decision: "APPROVE",
      by: "bob",
    });
    expect(again).toEqual({ result: { ...approved.result, alreadyDecided: true } });
    const opposite = await invokeDecide({
      executionId: "gate-approve",
      wave: 3,
      decision: "REJECT",
      by: "bob",
    });
    expect(opposite.error?.errorType).toBe("ApprovalClosedError");
    expect(opposite.error?.errorMessage).toContain(`already approved by alice at ${item.decidedAt}`);
    expect(approvalEvents("gate-approve")).toHaveLength(1);
  });

  it("aborts on rejection with the reason; an approval after it is refused", async () => {
    const { executionArn } = await enterGate("gate-reject", await shopPlan("gate-reject", true), 3);
    await pendingGate("gate-reject", 3);
    const rejected = await decideApproval(
      env.engine,
      { executionId: "gate-reject", wave: 3, decision: "REJECT", by: "bob", comment: "database not in sync" },
      env.local.clock.now(),
    );
    expect(rejected).toMatchObject({ status: "REJECTED", by: "bob", alreadyDecided: false });
    expect(await outputOf(executionArn)).toEqual(
      expect.objectContaining({
        policy: { action: "ABORT", reason: "wave 3 rejected by bob: database not in sync" },
      }),
    );
    expect((await outputOf(executionArn)).launched).toBeUndefined();
    expect(await approval("gate-reject", 3)).toMatchObject({
      status: "REJECTED",
      reason: "wave 3 rejected by bob: database not in sync",
    });
    const same = await decideApproval(env.engine, {
      executionId: "gate-reject",
      wave: 3,
      decision: "REJECT",
      by: "carol",
    });
    expect(same).toEqual({ ...rejected, alreadyDecided: true });
    await expect(
      decideApproval(env.engine, { executionId: "gate-reject", wave: 3, decision: "APPROVE", by: "alice" }),
    ).rejects.toThrow(ApprovalClosedError);
  });

  it("lets only the approvers the plan lists decide", async () => {
    const document = await shopPlan("gate-approvers", {
      timeout: "1d",
      approvers: ["web-oncall", "sre-lead"],
    });
    const { executionArn } = await enterGate("gate-approvers", document, 3);
    const gate = await pendingGate("gate-approvers", 3);
    expect(gate.approvers).toEqual(["web-oncall", "sre-lead"]);
    expect(approvalEvents("gate-approvers")[0]?.event.detail).toMatchObject({
      approvers: ["web-oncall", "sre-lead"],
    });

    const refused = await invokeDecide({
      executionId: "gate-approvers",
      wave: 3,
      decision: "APPROVE",
      by: "mallory",
    });
    expect(refused.error?.errorType).toBe("ApproverNotAllowedError");
    expect(refused.error?.errorMessage).toBe(
      "mallory may not decide the approval of wave 3: the plan lists web-oncall, sre-lead as approvers",
    );
    await expect(
      decideApproval(env.engine, {
        executionId: "gate-approvers",
        wave: 3,
        decision: "REJECT",
        by: "mallory",
      }),
    ).rejects.toThrow(ApproverNotAllowedError);
    expect(await approval("gate-approvers", 3)).toMatchObject({ status: "PENDING" });

    await decideApproval(
      env.engine,
      { executionId: "gate-approvers", wave: 3, decision: "APPROVE", by: "sre-lead" },
      env.local.clock.now(),
    );
    expect(await outputOf(executionArn)).toMatchObject({ launched: true });
  });

  it("expires a gate nobody decided in time and aborts the recovery", async () => {
    const document = await shopPlan("gate-timeout", { timeout: "1h" });
    const { executionArn, plan } = await enterGate("gate-timeout", document, 3);
    expect(approvalWaitSeconds(plan.groups)).toBe(3600);
    const output = await outputOf(executionArn);
    expect(output.policy).toEqual({ action: "ABORT", reason: "approval for wave 3 expired after 1h" });
    expect(output.launched).toBeUndefined();
    const item = (await approval("gate-timeout", 3)) as ApprovalItem;
    expect(item).toMatchObject({ status: "EXPIRED", reason: "approval for wave 3 expired after 1h" });
    expect(item.taskToken).toBeUndefined();
    expect(Date.parse(item.decidedAt as string)).toBeGreaterThanOrEqual(Date.parse(item.expiresAt));
    expect(approvalEvents("gate-timeout")).toHaveLength(1);

    const late = await invokeDecide({
      executionId: "gate-timeout",
      wave: 3,
      decision: "APPROVE",
      by: "alice",
    });
    expect(late.error?.errorType).toBe("ApprovalClosedError");
    expect(late.error?.errorMessage).toContain("approval for wave 3 expired after 1h");
  });

  it("expires a gate on a decision after its own deadline, before the plan's longest wait is over", async () => {
    // The app group's 12h gate makes the workflow wait up to 12h at every wave; web's own is 30m.
    const document = await shopPlan("gate-deadline", { timeout: "30m" }, { timeout: "12h" });
    const { executionArn, plan } = await enterGate("gate-deadline", document, 3);
    expect(approvalWaitSeconds(plan.groups)).toBe(43_200);
    const gate = await pendingGate("gate-deadline", 3);
    expect(gate.timeoutSeconds).toBe(1800);
    while (env.local.clock.nowMs() < Date.parse(gate.expiresAt)) await new Promise((r) => setTimeout(r, 20));

    await expect(
      decideApproval(
        env.engine,
        { executionId: "gate-deadline", wave: 3, decision: "APPROVE", by: "alice" },
        env.local.clock.now(),
      ),
    ).rejects.toThrow(`it expired at ${gate.expiresAt}; the recovery is aborted`);
    expect((await outputOf(executionArn)).policy).toEqual({
      action: "ABORT",
      reason: "approval for wave 3 expired after 30m",
    });
    expect(await approval("gate-deadline", 3)).toMatchObject({ status: "EXPIRED" });
    // Well before the 12h wait would have timed out.
    expect(env.local.clock.nowMs()).toBeLessThan(Date.parse(gate.requestedAt) + 43_200 * 1000);
  });

  it("names every bad field of a decision, and says why a wave has no gate", async () => {
    const invalid = await invokeDecide({
      executionId: "",
      wave: 0,
      decision: "MAYBE",
      by: 3,
      coment: "typo",
    });
    expect(invalid.error?.errorType).toBe("InvalidInputError");
    const error = await decideApproval(env.engine, {
      executionId: "",
      wave: 1.5,
      decision: "MAYBE",
      by: 3,
      coment: "typo",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems.map((problem) => problem.path).sort()).toEqual([
      "by",
      "coment",
      "decision",
      "executionId",
      "wave",
    ]);
    expect((error as InvalidInputError).message).toContain("coment: unknown field; did you mean comment?");

    await seedExecution(env, { executionId: "gate-missing", document: await shopPlan("gate-missing", true) });
    const decide = (executionId: string, wave: number) =>
      decideApproval(env.engine, { executionId, wave, decision: "APPROVE", by: "alice" });
    await expect(decide("gate-missing", 1)).rejects.toThrow(
      "execution gate-missing has no approval gate for wave 1: its groups ask for no approval, or the workflow has not reached it yet",
    );
    await expect(decide("gate-missing", 7)).rejects.toThrow("the execution has 3 wave(s)");
    await expect(decide("no-such-execution", 1)).rejects.toThrow(ApprovalNotFoundError);
  });

  it("a retried gate keeps its record, parks the new token and announces itself once", async () => {
    const { plan } = await seedExecution(env, {
      executionId: "gate-retry",
      document: await shopPlan("gate-retry", true),
    });
    const input = { executionId: "gate-retry", wave: 3, now: nowOf(env) };
    // Tokens of no live task: a retried Lambda's first token is dead by the time the retry runs.
    expect(await awaitApproval({ ...input, taskToken: "first-attempt" }, env.engine)).toMatchObject({
      required: true,
      status: "PENDING",
    });
    const first = (await approval("gate-retry", 3)) as ApprovalItem;
    expect(
      await awaitApproval({ ...input, now: nowOf(env), taskToken: "retried-attempt" }, env.engine),
    ).toMatchObject({
      required: true,
      status: "PENDING",
      expiresAt: first.expiresAt,
    });
    expect(await approval("gate-retry", 3)).toEqual({ ...first, taskToken: "retried-attempt" });
    expect(approvalEvents("gate-retry")).toHaveLength(1);
    expect(plan.groups.find((group) => group.id === "web")?.approval).toBe(true);

    // The demo's own actor approves whatever waits, recorded under its name.
    const approved = await approvePendingGates(env.engine, "gate-retry", {
      by: "demo",
      now: env.local.clock.now(),
    });
    expect(approved).toMatchObject([{ wave: 3, status: "APPROVED", by: "demo", alreadyDecided: false }]);
    expect(await approvePendingGates(env.engine, "gate-retry", { by: "demo" })).toEqual([]);
  });

  it("after a timed-out wait, lets a wave without a gate go on and closes a gate that never opened", async () => {
    await seedExecution(env, {
      executionId: "gate-late",
      document: await shopPlan("gate-late", { timeout: "1h" }),
    });
    expect(await expireApproval({ executionId: "gate-late", wave: 2, now: nowOf(env) }, env.engine)).toEqual({
      action: "CONTINUE",
      reason: "wave 2 has no approval gate",
    });
    expect(await env.engine.executions.approvals("gate-late")).toEqual([]);

    // The wait of wave 3 timed out before await-approval recorded the gate: it is closed as expired,
    // and the late await-approval finds it so instead of opening it and announcing it.
    const now = nowOf(env);
    expect(await expireApproval({ executionId: "gate-late", wave: 3, now }, env.engine)).toEqual({
      action: "ABORT",
      reason: "approval for wave 3 expired after 1h",
    });
    expect(await approval("gate-late", 3)).toMatchObject({
      status: "EXPIRED",
      requestedAt: now,
      decidedAt: now,
    });
    expect(
      await awaitApproval(
        { executionId: "gate-late", wave: 3, now: nowOf(env), taskToken: "late" },
        env.engine,
      ),
    ).toMatchObject({ required: true, status: "EXPIRED" });
    expect(approvalEvents("gate-late")).toEqual([]);
  });
});
