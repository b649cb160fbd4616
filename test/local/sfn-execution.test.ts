import { GetExecutionHistoryCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ACCOUNT,
  createMachine,
  history,
  REGION,
  runToEnd,
  type SfnHarness,
  startSfnHarness,
  timeOf,
} from "./sfn-harness";

const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let harness: SfnHarness;

beforeAll(async () => {
  harness = await startSfnHarness();
});

afterAll(async () => {
  await harness.close();
});

describe("Step Functions executions", () => {
  it("runs a Lambda function task and a lambda:invoke task with the integration's result wrapping", async () => {
    harness.functions.set("double", (event) => ({ value: (event as { value: number }).value * 2 }));
    const arn = await createMachine(harness.client, {
      StartAt: "Direct",
      States: {
        Direct: { Type: "Task", Resource: fn("double"), ResultPath: "$.direct", Next: "Integrated" },
        Integrated: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: "double", "Payload.$": "$.direct" },
          ResultSelector: { "value.$": "$.Payload.value", "status.$": "$.StatusCode" },
          ResultPath: "$.integrated",
          End: true,
        },
      },
    });

    const { execution } = await runToEnd(harness.client, arn, { value: 21 });

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({
      value: 21,
      direct: { value: 42 },
      integrated: { value: 84, status: 200 },
    });
    expect(execution.startDate).toBeInstanceOf(Date);
    expect(execution.stopDate).toBeInstanceOf(Date);
  });

  it("loops through a Choice and a Wait in simulated time", async () => {
    harness.functions.set("increment", (event) => ({ count: (event as { count: number }).count + 1 }));
    const arn = await createMachine(harness.client, {
      StartAt: "Increment",
      States: {
        Increment: { Type: "Task", Resource: fn("increment"), Next: "Done?" },
        "Done?": {
          Type: "Choice",
          Choices: [{ Variable: "$.count", NumericGreaterThanEquals: 3, Next: "Finished" }],
          Default: "Pause",
        },
        Pause: { Type: "Wait", Seconds: 150, Next: "Increment" },
        Finished: { Type: "Succeed" },
      },
    });

    const realStart = Date.now();
    const { executionArn, execution } = await runToEnd(harness.client, arn, { count: 0 });
    const realElapsed = Date.now() - realStart;

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({ count: 3 });
    const simulatedSeconds =
      ((execution.stopDate as Date).getTime() - (execution.startDate as Date).getTime()) / 1000;
    expect(simulatedSeconds).toBeGreaterThanOrEqual(300);
    expect(realElapsed).toBeLessThan(300 * 1000);

    const events = await history(harness.client, executionArn);
    const waits = events.filter((event) => event.type === "WaitStateEntered");
    expect(waits).toHaveLength(2);
    const waited =
      (timeOf(events.find((event) => event.type === "WaitStateExited")) - timeOf(waits[0])) / 1000;
    expect(waited).toBeGreaterThanOrEqual(150);
  });

  it("retries a thrown error with backoff in simulated time, counting attempts", async () => {
    let attempts = 0;
    harness.functions.set("flaky", () => {
      attempts += 1;
      if (attempts < 3) throw Object.assign(new Error(`attempt ${attempts} failed`), { name: "FlakyError" });
      return { attempts };
    });
    const arn = await createMachine(harness.client, {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke",
          Parameters: { FunctionName: "flaky", Payload: {} },
          OutputPath: "$.Payload",
          Retry: [
            { ErrorEquals: ["Other"], MaxAttempts: 5 },
            { ErrorEquals: ["FlakyError"], IntervalSeconds: 30, BackoffRate: 2, MaxAttempts: 3 },
          ],
          End: true,
        },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn);

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({ attempts: 3 });
    const events = await history(harness.client, executionArn);
    expect(events.filter((event) => event.type === "TaskScheduled")).toHaveLength(3);
    const failed = events.filter((event) => event.type === "TaskFailed");
    expect(failed.map((event) => event.taskFailedEventDetails?.error)).toEqual(["FlakyError", "FlakyError"]);
    expect(JSON.parse(failed[0]?.taskFailedEventDetails?.cause as string)).toEqual({
      errorType: "FlakyError",
      errorMessage: "attempt 1 failed",
    });
    const scheduled = events.filter((event) => event.type === "TaskScheduled");
    const pauses = [1, 2].map((i) => (timeOf(scheduled[i]) - timeOf(scheduled[i - 1])) / 1000);
    expect(pauses[0]).toBeGreaterThanOrEqual(30);
    expect(pauses[1]).toBeGreaterThanOrEqual(60);
    expect(events.filter((event) => event.type === "TaskStateEntered")).toHaveLength(1);
  });

  it("catches an error into a fallback state and fails when nothing catches", async () => {
    harness.functions.set("boom", () => {
      throw Object.assign(new Error("it broke"), { name: "BoomError" });
    });
    const caught = await createMachine(harness.client, {
      StartAt: "Call",
      States: {
        Call: {
          Type: "Task",
          Resource: fn("boom"),
          Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 1 }],
          Catch: [
            { ErrorEquals: ["Unrelated"], Next: "Wrong" },
            { ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Fallback" },
          ],
          End: true,
        },
        Wrong: { Type: "Fail", Error: "Wrong" },
        Fallback: {
          Type: "Pass",
          Parameters: { "recovered.$": "$.error.Error", "input.$": "$.input" },
          End: true,
        },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, caught, { input: 1 });

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({ recovered: "BoomError", input: 1 });
    const types = (await history(harness.client, executionArn)).map((event) => event.type);
    expect(types).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionFailed",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
      "LambdaFunctionFailed",
      "TaskStateExited",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);

    const uncaught = await createMachine(harness.client, {
      StartAt: "Call",
      States: { Call: { Type: "Task", Resource: fn("boom"), End: true } },
    });
    const failed = await runToEnd(harness.client, uncaught);
    expect(failed.execution.status).toBe("FAILED");
    expect(failed.execution.error).toBe("BoomError");
    expect(JSON.parse(failed.execution.cause as string)).toEqual({
      errorType: "BoomError",
      errorMessage: "it broke",
    });
    const last = (await history(harness.client, failed.executionArn)).at(-1);
    expect(last?.type).toBe("ExecutionFailed");
    expect(last?.executionFailedEventDetails).toMatchObject({ error: "BoomError" });
  });

  it("gives the Context Object simulated times and the execution's identity", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "Hold",
      States: {
        Hold: { Type: "Wait", Seconds: 90, Next: "Read" },
        Read: {
          Type: "Pass",
          Parameters: {
            "start.$": "$$.Execution.StartTime",
            "entered.$": "$$.State.EnteredTime",
            "state.$": "$$.State.Name",
            "execution.$": "$$.Execution.Id",
            "machine.$": "$$.StateMachine.Name",
            "input.$": "$$.Execution.Input",
            "formatted.$": "States.Format('started {}', $$.Execution.StartTime)",
          },
          End: true,
        },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn, { hello: "world" });

    const output = JSON.parse(execution.output as string);
    const start = (execution.startDate as Date).getTime();
    expect(Date.parse(output.start)).toBe(start);
    expect(Date.parse(output.entered) - start).toBeGreaterThanOrEqual(90_000);
    expect(Date.parse(output.entered) - start).toBeLessThan(3_600_000);
    expect(new Date(start).getUTCFullYear()).toBe(2026);
    expect(output).toMatchObject({
      state: "Read",
      execution: executionArn,
      machine: arn.split(":").pop(),
      input: { hello: "world" },
      formatted: `started ${output.start}`,
    });
  });

  it("records complete entered/exited events with exact payloads, pages and reverses them", async () => {
    harness.functions.set("grow", (event) => ({ ...(event as object), grown: "x".repeat(1000) }));
    const arn = await createMachine(harness.client, {
      StartAt: "Prepare",
      States: {
        Prepare: { Type: "Pass", Result: { items: [1, 2, 3] }, ResultPath: "$.data", Next: "Grow" },
        Grow: { Type: "Task", Resource: fn("grow"), Next: "Each" },
        Each: {
          Type: "Map",
          ItemsPath: "$.data.items",
          ItemProcessor: { StartAt: "Square", States: { Square: { Type: "Pass", End: true } } },
          ResultPath: "$.mapped",
          Next: "Both",
        },
        Both: {
          Type: "Parallel",
          Branches: [
            { StartAt: "Left", States: { Left: { Type: "Pass", Result: "L", End: true } } },
            { StartAt: "Right", States: { Right: { Type: "Pass", Result: "R", End: true } } },
          ],
          ResultPath: "$.branches",
          OutputPath: "$.branches",
          End: true,
        },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn, { id: "a" });

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual(["L", "R"]);
    const events = await history(harness.client, executionArn);
    expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    const entered = events.filter((event) => event.type?.endsWith("StateEntered"));
    const exited = events.filter((event) => event.type?.endsWith("StateExited"));
    expect(entered.map((event) => event.stateEnteredEventDetails?.name).sort()).toEqual(
      ["Prepare", "Grow", "Each", "Square", "Square", "Square", "Both", "Left", "Right"].sort(),
    );
    expect(exited).toHaveLength(entered.length);
    expect(events.filter((event) => event.type === "MapIterationSucceeded")).toHaveLength(3);

    const growEntered = entered.find((event) => event.stateEnteredEventDetails?.name === "Grow");
    expect(JSON.parse(growEntered?.stateEnteredEventDetails?.input as string)).toEqual({
      id: "a",
      data: { items: [1, 2, 3] },
    });
    const growExited = exited.find((event) => event.stateExitedEventDetails?.name === "Grow");
    const growOutput = growExited?.stateExitedEventDetails?.output as string;
    expect(JSON.parse(growOutput)).toEqual({ id: "a", data: { items: [1, 2, 3] }, grown: "x".repeat(1000) });
    expect(growExited?.stateExitedEventDetails?.outputDetails).toEqual({ truncated: false });
    const largest = Math.max(
      ...exited.map((event) => Buffer.byteLength(event.stateExitedEventDetails?.output as string)),
    );
    expect(largest).toBe(Buffer.byteLength(growOutput) + Buffer.byteLength(',"mapped":[1,2,3]'));
    const timestamps = events.map(timeOf);
    expect([...timestamps].sort((a, b) => a - b)).toEqual(timestamps);

    const firstPage = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 4 }),
    );
    expect(firstPage.events?.map((event) => event.id)).toEqual([1, 2, 3, 4]);
    const secondPage = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 4, nextToken: firstPage.nextToken }),
    );
    expect(secondPage.events?.map((event) => event.id)).toEqual([5, 6, 7, 8]);
    const reversed = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 2, reverseOrder: true }),
    );
    expect(reversed.events?.map((event) => event.type)).toEqual([
      "ExecutionSucceeded",
      "ParallelStateExited",
    ]);
    const withoutData = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 2, includeExecutionData: false }),
    );
    expect(withoutData.events?.[1]?.stateEnteredEventDetails).toEqual({ name: "Prepare" });
  });

  it("runs tasks inside Map iterations and retries a failed Parallel state", async () => {
    harness.functions.set("launch-server", (event) => {
      const { server, plan } = event as { server: string; plan: string };
      return { server, plan, launched: true };
    });
    let branchCalls = 0;
    harness.functions.set("flaky-branch", () => {
      branchCalls += 1;
      if (branchCalls === 1) throw Object.assign(new Error("first call fails"), { name: "Transient" });
      return "ok";
    });
    const arn = await createMachine(harness.client, {
      StartAt: "Servers",
      States: {
        Servers: {
          Type: "Map",
          ItemsPath: "$.servers",
          MaxConcurrency: 2,
          ItemSelector: { "server.$": "$$.Map.Item.Value", "plan.$": "$$.Execution.Name" },
          ItemProcessor: {
            ProcessorConfig: { Mode: "INLINE" },
            StartAt: "LaunchOne",
            States: { LaunchOne: { Type: "Task", Resource: fn("launch-server"), End: true } },
          },
          ResultPath: "$.launched",
          Next: "Checks",
        },
        Checks: {
          Type: "Parallel",
          Branches: [
            {
              StartAt: "Check",
              States: { Check: { Type: "Task", Resource: fn("flaky-branch"), End: true } },
            },
          ],
          Retry: [{ ErrorEquals: ["Transient"], IntervalSeconds: 5, MaxAttempts: 2 }],
          ResultPath: "$.checks",
          End: true,
        },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn, {
      servers: ["s-1", "s-2", "s-3"],
    });

    expect(execution.status).toBe("SUCCEEDED");
    const name = executionArn.split(":").pop();
    expect(JSON.parse(execution.output as string)).toEqual({
      servers: ["s-1", "s-2", "s-3"],
      launched: ["s-1", "s-2", "s-3"].map((server) => ({ server, plan: name, launched: true })),
      checks: ["ok"],
    });
    const events = await history(harness.client, executionArn);
    expect(events.filter((event) => event.type === "LambdaFunctionSucceeded")).toHaveLength(4);
    expect(events.filter((event) => event.type === "ParallelStateEntered")).toHaveLength(1);
    expect(events.filter((event) => event.type === "TaskStateEntered")).toHaveLength(5);
  });

  it("times out an ordinary task after TimeoutSeconds of simulated time", async () => {
    harness.functions.set("slow", async () => {
      await harness.clock.sleep(600_000);
      return "too late";
    });
    const arn = await createMachine(harness.client, {
      StartAt: "Slow",
      States: {
        Slow: {
          Type: "Task",
          Resource: fn("slow"),
          TimeoutSeconds: 30,
          Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.timeout", Next: "GaveUp" }],
          End: true,
        },
        GaveUp: { Type: "Pass", End: true },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn);

    expect(JSON.parse(execution.output as string).timeout.Error).toBe("States.Timeout");
    const events = await history(harness.client, executionArn);
    const timedOut = events.find((event) => event.type === "LambdaFunctionTimedOut");
    expect(timedOut?.lambdaFunctionTimedOutEventDetails?.error).toBe("States.Timeout");
    const scheduled = events.find((event) => event.type === "LambdaFunctionScheduled");
    expect(scheduled?.lambdaFunctionScheduledEventDetails?.timeoutInSeconds).toBe(30);
    expect((timeOf(timedOut) - timeOf(scheduled)) / 1000).toBeGreaterThanOrEqual(30);
    expect((timeOf(timedOut) - timeOf(scheduled)) / 1000).toBeLessThan(600);
  });

  it("waits for SecondsPath and until Timestamp and TimestampPath", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "ForSeconds",
      States: {
        ForSeconds: { Type: "Wait", SecondsPath: "$.seconds", Next: "UntilFixed" },
        UntilFixed: { Type: "Wait", Timestamp: "2026-11-21T09:00:00Z", Next: "UntilGiven" },
        UntilGiven: { Type: "Wait", TimestampPath: "$.until", Next: "Done" },
        Done: { Type: "Pass", Parameters: { "at.$": "$$.State.EnteredTime" }, End: true },
      },
    });
    const start = harness.clock.nowMs();
    const until = new Date(start + 900_000).toISOString();

    const { executionArn, execution } = await runToEnd(harness.client, arn, { seconds: 300, until });

    expect(execution.status).toBe("SUCCEEDED");
    expect(Date.parse(JSON.parse(execution.output as string).at)).toBeGreaterThanOrEqual(Date.parse(until));
    const events = await history(harness.client, executionArn);
    const exited = (name: string) =>
      events.find(
        (event) => event.stateExitedEventDetails?.name === name && event.type === "WaitStateExited",
      );
    expect(timeOf(exited("ForSeconds")) - timeOf(events[0])).toBeGreaterThanOrEqual(300_000);
    expect(timeOf(exited("UntilFixed")) - timeOf(exited("ForSeconds"))).toBeLessThan(60_000);

    const invalid = await createMachine(harness.client, {
      StartAt: "Bad",
      States: { Bad: { Type: "Wait", SecondsPath: "$.seconds", End: true } },
    });
    const failed = await runToEnd(harness.client, invalid, { seconds: "soon" });
    expect(failed.execution).toMatchObject({ status: "FAILED", error: "States.Runtime" });
  });

  it("fails with States.DataLimitExceeded when a state's output passes 256 KiB", async () => {
    harness.functions.set("bloat", () => ({ blob: "x".repeat(300_000) }));
    const arn = await createMachine(harness.client, {
      StartAt: "Bloat",
      States: {
        Bloat: { Type: "Task", Resource: fn("bloat"), Next: "Never" },
        Never: { Type: "Pass", End: true },
      },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn);

    expect(execution).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    const types = (await history(harness.client, executionArn)).map((event) => event.type);
    expect(types).not.toContain("PassStateEntered");
    expect(types.at(-1)).toBe("ExecutionFailed");
  });

  it("times an execution out after its TimeoutSeconds", async () => {
    const arn = await createMachine(harness.client, {
      TimeoutSeconds: 300,
      StartAt: "Long",
      States: { Long: { Type: "Wait", Seconds: 3600, End: true } },
    });

    const { executionArn, execution } = await runToEnd(harness.client, arn);

    expect(execution.status).toBe("TIMED_OUT");
    const seconds = ((execution.stopDate as Date).getTime() - (execution.startDate as Date).getTime()) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(300);
    expect(seconds).toBeLessThan(3600);
    const types = (await history(harness.client, executionArn)).map((event) => event.type);
    expect(types).toEqual(["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]);
  });
});
