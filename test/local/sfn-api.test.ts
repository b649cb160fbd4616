import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StateMachineTypeNotSupported,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClock, type SimTimer } from "../../packages/local/src/clock/sim-clock";
import {
  ACCOUNT,
  createMachine,
  eventually,
  history,
  REGION,
  ROLE,
  runToEnd,
  type SfnHarness,
  startExecution,
  startSfnHarness,
  waitForExecution,
  waitForHistoryEvent,
} from "./sfn-harness";

let harness: SfnHarness;

beforeAll(async () => {
  harness = await startSfnHarness();
});

afterAll(async () => {
  await harness.close();
});

const passMachine = { StartAt: "Done", States: { Done: { Type: "Pass", End: true } } };
const waitMachine = { StartAt: "Hold", States: { Hold: { Type: "Wait", Seconds: 86_400, End: true } } };

describe("state machines", () => {
  it("creates, describes, lists, recreates idempotently and deletes", async () => {
    const definition = JSON.stringify(passMachine);
    const created = await harness.client.send(
      new CreateStateMachineCommand({ name: "orders", definition, roleArn: ROLE }),
    );
    expect(created.stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:orders`);
    expect(created.creationDate).toBeInstanceOf(Date);

    const again = await harness.client.send(
      new CreateStateMachineCommand({ name: "orders", definition, roleArn: ROLE }),
    );
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    await expect(
      harness.client.send(
        new CreateStateMachineCommand({
          name: "orders",
          definition: JSON.stringify(waitMachine),
          roleArn: ROLE,
        }),
      ),
    ).rejects.toBeInstanceOf(StateMachineAlreadyExists);

    const described = await harness.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(described).toMatchObject({
      name: "orders",
      definition,
      roleArn: ROLE,
      type: "STANDARD",
      status: "ACTIVE",
    });

    await createMachine(harness.client, passMachine, "orders-2");
    await createMachine(harness.client, passMachine, "orders-3");
    const first = await harness.client.send(new ListStateMachinesCommand({ maxResults: 2 }));
    const second = await harness.client.send(
      new ListStateMachinesCommand({ maxResults: 2, nextToken: first.nextToken }),
    );
    const names = [...(first.stateMachines ?? []), ...(second.stateMachines ?? [])].map(
      (machine) => machine.name,
    );
    expect(names).toEqual(expect.arrayContaining(["orders", "orders-2", "orders-3"]));
    expect(new Set(names).size).toBe(names.length);

    await harness.client.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await expect(
      harness.client.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it.each([
    ["JSON that does not parse", "{ not json", /not valid JSON/],
    [
      "an unreachable state",
      JSON.stringify({
        ...passMachine,
        States: { ...passMachine.States, Orphan: { Type: "Pass", End: true } },
      }),
      /Orphan/,
    ],
    ["JSONata", JSON.stringify({ QueryLanguage: "JSONata", ...passMachine }), /JSONata/],
    [
      "an unsupported integration",
      JSON.stringify({
        StartAt: "T",
        States: { T: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", End: true } },
      }),
      /not supported/,
    ],
    [
      "an unknown aws-sdk action",
      JSON.stringify({
        StartAt: "T",
        States: { T: { Type: "Task", Resource: "arn:aws:states:::aws-sdk:drs:launchEverything", End: true } },
      }),
      /launchEverything/,
    ],
  ])("rejects a definition with %s as InvalidDefinition", async (_case, definition, message) => {
    const error = await harness.client
      .send(new CreateStateMachineCommand({ name: "invalid", definition, roleArn: ROLE }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidDefinition);
    expect((error as Error).message).toMatch(message);
  });

  it("rejects bad names and express machines", async () => {
    const definition = JSON.stringify(passMachine);
    await expect(
      harness.client.send(new CreateStateMachineCommand({ name: "has space", definition, roleArn: ROLE })),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      harness.client.send(
        new CreateStateMachineCommand({ name: "fast", definition, roleArn: ROLE, type: "EXPRESS" }),
      ),
    ).rejects.toBeInstanceOf(StateMachineTypeNotSupported);
  });
});

describe("executions", () => {
  it("starts idempotently by name and input, and refuses a reused name otherwise", async () => {
    const arn = await createMachine(harness.client, waitMachine);
    const first = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: "drill-1", input: '{"plan":"payments"}' }),
    );
    const repeat = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: "drill-1", input: '{"plan":"payments"}' }),
    );
    expect(repeat.executionArn).toBe(first.executionArn);
    expect(repeat.startDate).toEqual(first.startDate);
    await expect(
      harness.client.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: "drill-1", input: '{"plan":"other"}' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    const finished = await createMachine(harness.client, passMachine);
    const done = await startExecution(harness.client, finished, { a: 1 }, "once");
    await waitForExecution(harness.client, done);
    await expect(
      harness.client.send(
        new StartExecutionCommand({ stateMachineArn: finished, name: "once", input: '{"a":1}' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it("checks names, input and ARNs", async () => {
    const arn = await createMachine(harness.client, passMachine);
    for (const name of ["x".repeat(81), "", "a b", "a/b", "wave:1", "tab\there"]) {
      await expect(
        harness.client.send(new StartExecutionCommand({ stateMachineArn: arn, name })),
      ).rejects.toBeInstanceOf(InvalidName);
    }
    const accepted = await startExecution(harness.client, arn, {}, `${"x".repeat(70)}-drill_1.a`);
    expect(accepted).toMatch(/:execution:machine-\d+:x{70}-drill_1\.a$/);
    await expect(
      harness.client.send(new StartExecutionCommand({ stateMachineArn: arn, input: "{broken" })),
    ).rejects.toBeInstanceOf(InvalidExecutionInput);
    await expect(
      harness.client.send(new StartExecutionCommand({ stateMachineArn: `${arn}-missing` })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      harness.client.send(
        new StartExecutionCommand({ stateMachineArn: "arn:aws:sqs:us-east-1:111122223333:queue" }),
      ),
    ).rejects.toBeInstanceOf(InvalidArn);
    await expect(
      harness.client.send(new DescribeExecutionCommand({ executionArn: `${accepted}-missing` })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it("lists executions newest first, filtered by status and paginated", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "Route",
      States: {
        Route: {
          Type: "Choice",
          Choices: [{ Variable: "$.hold", BooleanEquals: true, Next: "Hold" }],
          Default: "Done",
        },
        Hold: { Type: "Wait", Seconds: 86_400, End: true },
        Done: { Type: "Pass", End: true },
      },
    });
    const started: string[] = [];
    for (const hold of [false, true, false, true, false]) {
      started.push(await startExecution(harness.client, arn, { hold }));
      await harness.clock.sleep(1000);
    }
    for (const [index, executionArn] of started.entries()) {
      if (index % 2 === 0) await waitForExecution(harness.client, executionArn);
    }

    const firstPage = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2 }),
    );
    const secondPage = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: firstPage.nextToken }),
    );
    const thirdPage = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 2, nextToken: secondPage.nextToken }),
    );
    const listed = [firstPage, secondPage, thirdPage].flatMap((page) => page.executions ?? []);
    expect(listed.map((execution) => execution.executionArn)).toEqual([...started].reverse());
    expect(thirdPage.nextToken).toBeUndefined();

    const running = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: "RUNNING" }),
    );
    expect(running.executions?.map((execution) => execution.executionArn)).toEqual([started[3], started[1]]);
    const succeeded = await harness.client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: "SUCCEEDED" }),
    );
    expect(succeeded.executions).toHaveLength(3);
    expect(succeeded.executions?.[0]?.stopDate).toBeInstanceOf(Date);
  });

  it("stops an execution: ABORTED with error and cause, and its pending wait never completes", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "Hold",
      States: { Hold: { Type: "Wait", Seconds: 120, Next: "After" }, After: { Type: "Pass", End: true } },
    });
    const executionArn = await startExecution(harness.client, arn, { wave: 1 });
    await waitForHistoryEvent(harness.client, executionArn, "WaitStateEntered");
    const stopped = await harness.client.send(
      new StopExecutionCommand({ executionArn, error: "Operator.Cancelled", cause: "drill called off" }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);

    await harness.clock.sleep(300_000);
    const execution = await waitForExecution(harness.client, executionArn);
    expect(execution).toMatchObject({
      status: "ABORTED",
      error: "Operator.Cancelled",
      cause: "drill called off",
    });
    const events = await history(harness.client, executionArn);
    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      "WaitStateEntered",
      "ExecutionAborted",
    ]);
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: "Operator.Cancelled",
      cause: "drill called off",
    });
  });

  it("publishes a Step Functions Execution Status Change event on every status change", async () => {
    const arn = await createMachine(harness.client, passMachine);
    const { executionArn, execution } = await runToEnd(harness.client, arn, { id: 7 });
    const changes = await eventually(() => {
      const found = harness.published.filter((event) => event.resources?.includes(executionArn));
      return found.length === 2 ? found : undefined;
    });

    expect(changes.map((event) => event.detail.status)).toEqual(["RUNNING", "SUCCEEDED"]);
    for (const event of changes) {
      expect(event).toMatchObject({
        source: "aws.states",
        detailType: "Step Functions Execution Status Change",
      });
    }
    expect(changes[0]?.detail).toMatchObject({
      executionArn,
      stateMachineArn: arn,
      name: executionArn.split(":").pop(),
      startDate: execution.startDate?.getTime(),
      stopDate: null,
      input: '{"id":7}',
      output: null,
    });
    expect(changes[1]?.detail).toMatchObject({
      status: "SUCCEEDED",
      stopDate: execution.stopDate?.getTime(),
      output: '{"id":7}',
    });

    const failing = await createMachine(harness.client, {
      StartAt: "Fail",
      States: { Fail: { Type: "Fail", Error: "Plan.Invalid", Cause: "no waves" } },
    });
    const failed = await runToEnd(harness.client, failing);
    expect(failed.execution).toMatchObject({ status: "FAILED", error: "Plan.Invalid", cause: "no waves" });
    const failure = await eventually(() =>
      harness.published.find(
        (event) => event.resources?.includes(failed.executionArn) && event.detail.status === "FAILED",
      ),
    );
    expect(failure.detail).toMatchObject({ error: "Plan.Invalid", cause: "no waves" });
  });
});

/** Counts the emulator's outstanding simulated-time timers. */
class CountingClock extends SimClock {
  readonly pending = new Set<SimTimer>();

  override setTimeout(fn: () => void, simMs: number): SimTimer {
    const timer = super.setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, simMs);
    this.pending.add(timer);
    return timer;
  }

  override clearTimeout(timer: SimTimer): void {
    this.pending.delete(timer);
    super.clearTimeout(timer);
  }
}

describe("stopping the emulator", () => {
  it("ends every running execution and leaves no timers", async () => {
    const clock = new CountingClock({ speed: 1000 });
    const local = await startSfnHarness(clock);
    local.functions.set("hand-out", () => ({}));
    const waiting = await createMachine(local.client, waitMachine);
    const callback = await createMachine(local.client, {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
          Parameters: { FunctionName: "hand-out", Payload: { "token.$": "$$.Task.Token" } },
          TimeoutSeconds: 86_400,
          HeartbeatSeconds: 3_600,
          End: true,
        },
      },
    });
    const executions = [
      await startExecution(local.client, waiting),
      await startExecution(local.client, callback),
      await startExecution(local.client, callback),
    ];
    await eventually(() => (clock.pending.size >= 5 ? true : undefined));
    const publishedBefore = local.published.length;

    await local.sfn.stop();

    expect(clock.pending.size).toBe(0);
    for (const executionArn of executions) {
      const execution = await local.client.send(new DescribeExecutionCommand({ executionArn }));
      expect(execution.status).toBe("ABORTED");
    }
    expect(local.published).toHaveLength(publishedBefore);
    await expect(startExecution(local.client, waiting)).rejects.toThrow(/stopped/);
    await local.close();
  });
});
