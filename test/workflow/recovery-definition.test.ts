import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RECOVERY_TIMING,
  type RecoveryFunctionArns,
  recoveryWorkflow,
} from "../../workflows/recovery-workflow";

type Validate = (definition: object) => { isValid: boolean; errorsText(separator?: string): string };
const validate = createRequire(import.meta.url)("asl-validator") as Validate;

/** Every step function's ARN, whatever steps the workflow has: the ARN names the step. */
const ARNS = new Proxy({} as RecoveryFunctionArns, {
  get: (_, step) => `arn:aws:lambda:us-east-1:111122223333:function:drs-orchestrator-test-${String(step)}`,
});
const WAIT_FOR_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";

interface TaskState {
  Type: "Task";
  Resource: string;
  Parameters?: Record<string, unknown>;
  ResultSelector?: Record<string, unknown>;
  ResultPath?: string | null;
  TimeoutSeconds?: number;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string | null }[];
  Next?: string;
}

type State = { Type: string; Next?: string } & Partial<TaskState>;

function states(timing = DEFAULT_RECOVERY_TIMING): Record<string, State> {
  return (recoveryWorkflow(ARNS, timing) as unknown as { States: Record<string, State> }).States;
}

function tasks(all = states()): [string, TaskState][] {
  return Object.entries(all).filter((entry): entry is [string, TaskState] => entry[1].Type === "Task");
}

/** The Lambda errors AWS recommends retrying, a timed-out or crashed sandbox, and the engine's own transient AWS failure. */
const TRANSIENT = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Sandbox.Timedout",
  "Runtime.ExitError",
  "TransientAwsError",
];
const FINALIZE_STATES = ["Finalize", "FinalizeAborted", "FinalizeAfterError"];
const CATCH_ALL = { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "FinalizeAfterError" };

/**
 * What a step may be given: IDs, counters, times and short texts from the execution input and the
 * workflow context, never a list or a document that grows with the plan.
 */
const ALLOWED_PARAMETERS: Record<string, RegExp> = {
  // The execution input itself (Prepare's): a fixed set of fields (recoveryExecutionInputSchema).
  "execution.$": /^\$$/,
  "executionId.$": /^\$\.executionId$/,
  "planId.$": /^\$\.planId$/,
  "planVersion.$": /^\$\.planVersion$/,
  "mode.$": /^\$\.mode$/,
  "requestedBy.$": /^\$\.requestedBy$/,
  "reason.$": /^\$\.(reason|policy\.reason)$/,
  "startedAt.$": /^\$\$\.Execution\.StartTime$/,
  // A resumed attempt's number and whether it skips failed servers: two scalars.
  "resume.$": /^\$\.resume$/,
  "wave.$": /^\$\.cursor\.wave$/,
  "now.$": /^\$\$\.State\.EnteredTime$/,
  "taskToken.$": /^\$\$\.Task\.Token$/,
  "error.$": /^\$\.error\.Error$/,
  "cause.$": /^\$\.error\.Cause$/,
  outcome: /^(COMPLETED|ABORTED|FAILED)$/,
  phase: /^(beforeRecovery|beforeWave|afterWave|afterRecovery)$/,
  maxPollSeconds: /^\d+$/,
};

/** Where step results may go in the state: small fixed objects of counters, or nowhere. */
const RESULT_PATHS = new Set([null, "$.cursor", "$.launch", "$.health", "$.policy", "$.summary"]);

function stepParameters(task: TaskState): Record<string, unknown> {
  const parameters = task.Parameters ?? {};
  if (task.Resource === WAIT_FOR_TOKEN) {
    expect(Object.keys(parameters).sort()).toEqual(["FunctionName", "Payload"]);
    return parameters.Payload as Record<string, unknown>;
  }
  return parameters;
}

describe("the recovery workflow definition", () => {
  it("is valid Amazon States Language, with the default timing and with a custom one", () => {
    for (const timing of [DEFAULT_RECOVERY_TIMING, { launchWaitTimeoutSeconds: 30, healthPollSeconds: 5 }]) {
      const result = validate(recoveryWorkflow(ARNS, timing));
      expect(result.errorsText(), "asl-validator").toBe("");
      expect(result.isValid).toBe(true);
    }
    // The validator is live: the same definition with a transition to nowhere is refused.
    const broken = structuredClone(recoveryWorkflow(ARNS)) as unknown as { States: Record<string, State> };
    (broken.States.NextWave as State).Next = "NoSuchState";
    expect(validate(broken).errorsText()).toMatch(/NoSuchState/);
  });

  it("calls each step function by its ARN, and waits for launch results on a task token with the configured timeout", () => {
    const all = states({ launchWaitTimeoutSeconds: 45, healthPollSeconds: 7 });
    const resources = Object.fromEntries(tasks(all).map(([name, task]) => [name, task.Resource]));
    expect(resources).toMatchObject({
      Prepare: ARNS.prepare,
      ApplyLaunchSettings: ARNS.applyLaunchSettings,
      LaunchBatches: ARNS.launchBatches,
      AwaitLaunchResults: WAIT_FOR_TOKEN,
      ReconcileLaunches: ARNS.reconcileLaunches,
      CheckHealth: ARNS.checkHealth,
      ApplyFailurePolicy: ARNS.applyFailurePolicy,
      Finalize: ARNS.finalize,
      FinalizeAborted: ARNS.finalize,
      FinalizeAfterError: ARNS.finalize,
    });
    for (const [name, task] of tasks(all)) {
      const target = task.Resource === WAIT_FOR_TOKEN ? task.Parameters?.FunctionName : task.Resource;
      expect(String(target), name).toMatch(
        /^arn:aws:lambda:us-east-1:111122223333:function:drs-orchestrator-test-/,
      );
    }
    const wait = all.AwaitLaunchResults as TaskState;
    expect(wait.Parameters?.FunctionName).toBe(ARNS.awaitLaunchResults);
    expect(wait.TimeoutSeconds).toBe(45);
    expect((all.CheckHealth as TaskState).Parameters).toMatchObject({ maxPollSeconds: 7 });
    expect(all.WaitForHealth).toMatchObject({
      Type: "Wait",
      SecondsPath: "$.health.nextCheckSeconds",
      Next: "CheckHealth",
    });
  });

  it("retries every task on transient Lambda and AWS errors, and on nothing broader", () => {
    for (const [name, task] of tasks()) {
      const retried = (task.Retry ?? []).flatMap((retrier) => retrier.ErrorEquals);
      expect(retried, name).toEqual(expect.arrayContaining(TRANSIENT));
      expect(retried, `${name} must not retry every error`).not.toContain("States.ALL");
      for (const retrier of task.Retry ?? []) expect(retrier.MaxAttempts ?? 3, name).toBeGreaterThan(0);
    }
  });

  it("sends every step failure to FinalizeAfterError, a launch wait timeout to the DescribeJobs poll, and never catches in finalize", () => {
    for (const [name, task] of tasks()) {
      if (FINALIZE_STATES.includes(name)) {
        expect(task.Catch, `${name} has nowhere left to go on failure`).toBeUndefined();
        continue;
      }
      const catchers = task.Catch ?? [];
      expect(catchers.at(-1), `${name} must end in the catch-all`).toEqual(CATCH_ALL);
      // Anything caught before the catch-all is a named error, or the catch-all would shadow it.
      for (const catcher of catchers.slice(0, -1))
        expect(catcher.ErrorEquals, name).not.toContain("States.ALL");
    }
    // States.Timeout must be caught before States.ALL, or a timed-out wait would end the recovery.
    expect((states().AwaitLaunchResults as TaskState).Catch).toEqual([
      { ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "ReconcileLaunches" },
      CATCH_ALL,
    ]);
    const ends = Object.fromEntries(FINALIZE_STATES.map((name) => [name, states()[name]?.Next]));
    expect(ends).toEqual({
      Finalize: "RecoverySucceeded",
      FinalizeAborted: "RecoveryAborted",
      FinalizeAfterError: "RecoveryFailed",
    });
  });

  it("gives each step only IDs, counters and times, never the plan or the execution's state", () => {
    for (const [name, task] of tasks()) {
      const parameters = stepParameters(task);
      expect(Object.keys(parameters).length, name).toBeGreaterThan(0);
      for (const [key, value] of Object.entries(parameters)) {
        const allowed = ALLOWED_PARAMETERS[key];
        expect(allowed, `${name}: parameter ${key} is not an ID, counter or time`).toBeDefined();
        expect(String(value), `${name}.${key}`).toMatch(allowed as RegExp);
      }
      expect(Object.keys(parameters), name).toEqual(expect.arrayContaining(["executionId.$"]));
    }
    for (const step of [
      "ApplyLaunchSettings",
      "LaunchBatches",
      "AwaitLaunchResults",
      "ReconcileLaunches",
      "CheckHealth",
      "ApplyFailurePolicy",
    ]) {
      expect(Object.keys(stepParameters(states()[step] as TaskState)).sort(), step).toEqual(
        expect.arrayContaining(["executionId.$", "now.$", "wave.$"]),
      );
    }
  });

  it("keeps only small step results in the state: counters at fixed paths, the cursor from Prepare's counts", () => {
    for (const [name, task] of tasks()) {
      expect(
        RESULT_PATHS.has(task.ResultPath ?? null),
        `${name} writes its result to ${task.ResultPath}`,
      ).toBe(true);
      if (name !== "Prepare") expect(task.ResultSelector, name).toBeUndefined();
    }
    expect(Object.fromEntries(tasks().map(([name, task]) => [name, task.ResultPath]))).toMatchObject({
      Prepare: "$.cursor",
      LaunchBatches: "$.launch",
      CheckHealth: "$.health",
      ApplyFailurePolicy: "$.policy",
      Finalize: "$.summary",
    });
    const cursor = (states().Prepare as TaskState).ResultSelector ?? {};
    // The cursor starts at the wave Prepare names: 1, or a resumed execution's first unfinished wave.
    expect(cursor).toMatchObject({ "wave.$": "$.firstWave", "waveCount.$": "$.waveCount" });
    for (const [key, value] of Object.entries(cursor)) {
      // Prepare's output fields, each a number: never a list of waves or servers.
      if (key.endsWith(".$")) expect(String(value), key).toMatch(/^\$\.[a-zA-Z]+$/);
      else expect(typeof value, key).toBe("number");
    }
    expect(states().NextWave).toMatchObject({
      Type: "Pass",
      Parameters: { "wave.$": "States.MathAdd($.cursor.wave, 1)", "waveCount.$": "$.cursor.waveCount" },
      ResultPath: "$.cursor",
    });
  });

  it("starts a resumed attempt at Prepare with its whole input, then runs the waves left or only the closing hooks", () => {
    const all = states();
    expect(recoveryWorkflow(ARNS).StartAt).toBe("Prepare");
    const prepare = all.Prepare as TaskState;
    // The whole execution input reaches Prepare, a resume's `resume` with it; absent fields stay absent.
    expect(prepare.Parameters).toEqual({
      "executionId.$": "$.executionId",
      "execution.$": "$",
      "startedAt.$": "$$.Execution.StartTime",
    });
    expect(prepare.Next).toBe("BeforeRecoveryHooks");
    // After the opening hooks the wave loop's test decides: an execution resumed after its last wave
    // (a closing hook aborted it) goes straight to the closing hooks.
    expect(all.BeforeRecoveryHooks?.Next).toBe("MoreWaves?");
    expect(all["MoreWaves?"]).toMatchObject({
      Choices: [
        { Variable: "$.cursor.wave", NumericLessThanEqualsPath: "$.cursor.waveCount", Next: "AwaitApproval" },
      ],
      Default: "AfterRecoveryHooks",
    });
  });
});
