import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";
import type {
  BusEventInput,
  EventPublisher,
  LambdaInvoker,
} from "../../packages/local/src/runtime/contracts";
import {
  createStepFunctionsEmulator,
  type StepFunctionsEmulator,
} from "../../packages/local/src/sfn/step-functions-emulator";

export const ACCOUNT = "111122223333";
export const REGION = "us-east-1";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/local-state-machine`;
export const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export type TestFunction = (event: unknown) => unknown;

/** A Lambda handler error as the runtime reports it: the thrown error's name becomes `errorType`. */
class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SfnHarness {
  clock: SimClock;
  gateway: Gateway;
  sfn: StepFunctionsEmulator;
  client: SFNClient;
  /** Functions Lambda tasks invoke, by name; a thrown error surfaces under its name. */
  functions: Map<string, TestFunction>;
  /** Every event the emulator put on the bus. */
  published: BusEventInput[];
  close(): Promise<void>;
}

/** The emulator behind a gateway, driven through the official SFNClient; simulated time runs 1000 times faster. */
export async function startSfnHarness(
  clock = new SimClock({ speed: 1000, start: new Date("2026-11-21T10:00:00Z") }),
): Promise<SfnHarness> {
  const functions = new Map<string, TestFunction>();
  const published: BusEventInput[] = [];
  const lambda: LambdaInvoker = {
    async invoke(functionNameOrArn, payload) {
      const name = functionNameOrArn.split(":function:").pop()?.split(":")[0] ?? functionNameOrArn;
      const fn = functions.get(name);
      if (!fn)
        throw Object.assign(new Error(`Function not found: ${name}`), { name: "ResourceNotFoundException" });
      try {
        return await fn(JSON.parse(JSON.stringify(payload)));
      } catch (error) {
        const thrown = error as Error;
        throw new FunctionError(thrown.name, thrown.message);
      }
    },
  };
  const events: EventPublisher = {
    async publish(event) {
      published.push(event);
    },
  };
  const gateway = await startGateway();
  const sfn = createStepFunctionsEmulator({
    clock,
    accountId: ACCOUNT,
    region: REGION,
    lambda,
    events,
    awsEndpoint: () => gateway.endpoint,
  });
  gateway.register(sfn);
  const client = new SFNClient({ endpoint: gateway.endpoint, region: REGION, credentials: CREDENTIALS });
  return {
    clock,
    gateway,
    sfn,
    client,
    functions,
    published,
    async close() {
      await sfn.stop();
      client.destroy();
      await gateway.close();
      clock.stop();
    },
  };
}

let machineCount = 0;

export async function createMachine(
  client: SFNClient,
  definition: object,
  name = `machine-${++machineCount}`,
) {
  const created = await client.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return created.stateMachineArn as string;
}

export async function startExecution(
  client: SFNClient,
  stateMachineArn: string,
  input: unknown = {},
  name?: string,
) {
  const started = await client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }),
  );
  return started.executionArn as string;
}

/** Polls DescribeExecution until `done` holds (by default: the execution has ended). */
export async function waitForExecution(
  client: SFNClient,
  executionArn: string,
  done: (execution: DescribeExecutionCommandOutput) => boolean = (execution) =>
    execution.status !== "RUNNING",
  realTimeoutMs = 10_000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + realTimeoutMs;
  for (;;) {
    const execution = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (done(execution)) return execution;
    if (Date.now() > deadline)
      throw new Error(`execution still ${execution.status} after ${realTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function runToEnd(client: SFNClient, stateMachineArn: string, input: unknown = {}) {
  const executionArn = await startExecution(client, stateMachineArn, input);
  const execution = await waitForExecution(client, executionArn);
  return { executionArn, execution };
}

/** The full history, read page by page. */
export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** Polls the history until it has an event of `type`. */
export async function waitForHistoryEvent(
  client: SFNClient,
  executionArn: string,
  type: string,
  realTimeoutMs = 10_000,
) {
  const deadline = Date.now() + realTimeoutMs;
  for (;;) {
    const found = (await history(client, executionArn)).find((event) => event.type === type);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${type} event after ${realTimeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Polls `condition` in real time (for things another party does asynchronously). */
export async function eventually<T>(condition: () => T | undefined, realTimeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + realTimeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A history event's simulated time in epoch milliseconds (NaN when there is no such event). */
export function timeOf(event: HistoryEvent | undefined): number {
  return event?.timestamp?.getTime() ?? Number.NaN;
}
