import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CREDENTIALS,
  createMachine,
  eventually,
  history,
  REGION,
  runToEnd,
  type SfnHarness,
  startExecution,
  startSfnHarness,
  waitForExecution,
} from "./sfn-harness";

let harness: SfnHarness;

beforeAll(async () => {
  harness = await startSfnHarness();
});

afterAll(async () => {
  await harness.close();
});

/** A callback task whose Lambda receives the token and hands it to `tokens`; the test plays the party that answers. */
function callbackMachine(task: Record<string, unknown>, catchers: unknown[] = []) {
  return {
    StartAt: "Approval",
    States: {
      Approval: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: "request-approval",
          Payload: { "token.$": "$$.Task.Token", "wave.$": "$.wave" },
        },
        ResultPath: "$.approval",
        ...task,
        ...(catchers.length ? { Catch: catchers } : {}),
        End: true,
      },
      ...(catchers.length ? { Fallback: { Type: "Pass", End: true } } : {}),
    },
  };
}

const tokens: string[] = [];

async function nextToken(): Promise<string> {
  return eventually(() => tokens.shift());
}

describe(".waitForTaskToken tasks", () => {
  beforeAll(() => {
    harness.functions.set("request-approval", (event) => {
      tokens.push((event as { token: string }).token);
      return { requested: true };
    });
  });

  it("waits until another party calls SendTaskSuccess with the token the handler received", async () => {
    const arn = await createMachine(harness.client, callbackMachine({}));
    const executionArn = await startExecution(harness.client, arn, { wave: 2 });
    const token = await nextToken();
    await harness.clock.sleep(120_000);
    expect((await waitForExecution(harness.client, executionArn, () => true)).status).toBe("RUNNING");

    await harness.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );

    const execution = await waitForExecution(harness.client, executionArn);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({ wave: 2, approval: { approved: true } });
    const events = await history(harness.client, executionArn);
    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      "ExecutionSucceeded",
    ]);
    const scheduled = events.find((event) => event.type === "TaskScheduled")?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      region: REGION,
    });
    expect(JSON.parse(scheduled?.parameters as string).Payload).toEqual({ token, wave: 2 });

    await expect(
      harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      harness.client.send(new SendTaskSuccessCommand({ taskToken: "not-a-token", output: "{}" })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      harness.client.send(new SendTaskHeartbeatCommand({ taskToken: `AQ${"A".repeat(64)}` })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it("accepts the callback even when it arrives before the handler returns", async () => {
    const client = new SFNClient({
      endpoint: harness.gateway.endpoint,
      region: REGION,
      credentials: CREDENTIALS,
    });
    harness.functions.set("answers-at-once", async (event) => {
      await client.send(
        new SendTaskSuccessCommand({ taskToken: (event as { token: string }).token, output: '"done"' }),
      );
      return {};
    });
    const arn = await createMachine(harness.client, {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: "answers-at-once", Payload: { "token.$": "$$.Task.Token" } },
          End: true,
        },
      },
    });

    const { execution } = await runToEnd(harness.client, arn);
    client.destroy();

    expect(execution.status).toBe("SUCCEEDED");
    expect(execution.output).toBe('"done"');
  });

  it("fails the task with SendTaskFailure's error, which Catch matches", async () => {
    const arn = await createMachine(
      harness.client,
      callbackMachine({}, [{ ErrorEquals: ["Rejected"], ResultPath: "$.rejection", Next: "Fallback" }]),
    );
    const executionArn = await startExecution(harness.client, arn, { wave: 1 });
    await harness.client.send(
      new SendTaskFailureCommand({ taskToken: await nextToken(), error: "Rejected", cause: "not today" }),
    );

    const execution = await waitForExecution(harness.client, executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({
      wave: 1,
      rejection: { Error: "Rejected", Cause: "not today" },
    });
  });

  it("raises States.Timeout after TimeoutSecondsPath, which States.TaskFailed does not catch", async () => {
    const arn = await createMachine(
      harness.client,
      callbackMachine({ TimeoutSecondsPath: "$.timeout" }, [
        { ErrorEquals: ["States.TaskFailed"], Next: "Fallback", ResultPath: "$.wrong" },
        { ErrorEquals: ["States.Timeout"], Next: "Fallback", ResultPath: "$.timedOut" },
      ]),
    );
    const executionArn = await startExecution(harness.client, arn, { wave: 3, timeout: 600 });
    const token = await nextToken();

    const execution = await waitForExecution(harness.client, executionArn);

    expect(execution.status).toBe("SUCCEEDED");
    const output = JSON.parse(execution.output as string);
    expect(output.timedOut.Error).toBe("States.Timeout");
    expect(output.wrong).toBeUndefined();
    const events = await history(harness.client, executionArn);
    const scheduled = events.find((event) => event.type === "TaskScheduled");
    const timedOut = events.find((event) => event.type === "TaskTimedOut");
    expect(scheduled?.taskScheduledEventDetails?.timeoutInSeconds).toBe(600);
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe("States.Timeout");
    const waited = ((timedOut?.timestamp?.getTime() ?? 0) - (scheduled?.timestamp?.getTime() ?? 0)) / 1000;
    expect(waited).toBeGreaterThanOrEqual(600);
    await expect(
      harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: "{}" })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it("raises States.HeartbeatTimeout when heartbeats stop, and heartbeats keep a task alive", async () => {
    const arn = await createMachine(
      harness.client,
      callbackMachine({ HeartbeatSeconds: 200, TimeoutSeconds: 36_000 }, [
        { ErrorEquals: ["States.HeartbeatTimeout"], Next: "Fallback", ResultPath: "$.heartbeat" },
      ]),
    );

    const silent = await startExecution(harness.client, arn, { wave: 4 });
    await nextToken();
    const timedOut = await waitForExecution(harness.client, silent);
    expect(JSON.parse(timedOut.output as string).heartbeat.Error).toBe("States.HeartbeatTimeout");

    const alive = await startExecution(harness.client, arn, { wave: 5 });
    const token = await nextToken();
    const startedAt = harness.clock.nowMs();
    while (harness.clock.nowMs() - startedAt < 800_000) {
      await harness.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    await harness.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
    const succeeded = await waitForExecution(harness.client, alive);
    expect(JSON.parse(succeeded.output as string)).toEqual({ wave: 5, approval: { ok: true } });
  });
});
