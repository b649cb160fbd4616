import { randomUUID } from "node:crypto";
import type { SimClock } from "../clock/sim-clock";
import type {
  EventPublisher,
  LambdaInvoker,
  LocalRequest,
  LocalResponse,
  ServiceHandler,
  StateMachineStarter,
} from "../runtime/contracts";
import { epochSeconds, errorResponse, jsonResponse, operationOf, parseBody } from "./api/aws-json";
import { page } from "./api/pagination";
import {
  checkExecutionArn,
  checkName,
  checkStateMachineArn,
  executionArn,
  stateMachineArn,
} from "./api/resource-names";
import { SfnApiError } from "./api/sfn-api-error";
import {
  createStateMachineRequest,
  executionRequest,
  getExecutionHistoryRequest,
  listExecutionsRequest,
  listStateMachinesRequest,
  sendTaskFailureRequest,
  sendTaskHeartbeatRequest,
  sendTaskSuccessRequest,
  startExecutionRequest,
  stateMachineRequest,
  stopExecutionRequest,
} from "./api/sfn-requests";
import { DefinitionError } from "./definition/definition-error";
import { loadDefinition } from "./definition/load-definition";
import type { PreparedDefinition } from "./definition/prepare-definition";
import { AwsSdkIntegration } from "./integrations/aws-sdk-integration";
import { createTaskIntegrations } from "./integrations/task-integrations";
import { Execution, type ExecutionStateMachine, MAX_PAYLOAD_BYTES } from "./run/execution";
import type { HistoryEvent } from "./run/execution-history";
import { executionStatusChangeEvent } from "./run/status-change-event";
import { TaskTokens } from "./run/task-tokens";

export interface StepFunctionsEmulatorOptions {
  clock: SimClock;
  accountId: string;
  region: string;
  /** Runs Lambda tasks. */
  lambda: LambdaInvoker;
  /** Receives execution status changes and `events:putEvents` tasks. */
  events: EventPublisher;
  /** Where `aws-sdk:` tasks send their requests (the local gateway); read when first needed. */
  awsEndpoint: () => string;
}

export interface StepFunctionsEmulator extends ServiceHandler, StateMachineStarter {
  /** Ends every running execution (ABORTED, without status events) and leaves no timers or clients behind. */
  stop(): Promise<void>;
}

interface StateMachineRecord extends ExecutionStateMachine {
  definition: string;
  creationMs: number;
}

type Operation = (request: LocalRequest) => unknown;

/**
 * The Step Functions API (awsJson1_0) over aws-local-stepfunctions: Standard state machines whose
 * executions run the deployed ASL with Lambda, `aws-sdk:`, `events:putEvents` and `.waitForTaskToken`
 * tasks, Wait states, Retry and timeouts in simulated time, and history and status-change events as
 * Step Functions records them.
 */
export function createStepFunctionsEmulator(options: StepFunctionsEmulatorOptions): StepFunctionsEmulator {
  const { clock, accountId, region, lambda, events } = options;
  const machines = new Map<string, StateMachineRecord>();
  const executions = new Map<string, Execution>();
  const tokens = new TaskTokens();
  const sdk = new AwsSdkIntegration({ endpoint: options.awsEndpoint, region });
  const services = {
    clock,
    region,
    tokens,
    integrations: createTaskIntegrations({ lambda, events, sdk }),
    statusChanged: publishStatus,
  };
  let published: Promise<void> = Promise.resolve();
  let stopped = false;

  function publishStatus(execution: Execution): void {
    const event = executionStatusChangeEvent(execution);
    // Delivered in order and best effort, like every AWS service event: a failing bus never fails an execution.
    published = published.then(() => events.publish(event)).catch(() => {});
  }

  function machine(arn: string): StateMachineRecord {
    checkStateMachineArn(arn);
    const found = machines.get(arn);
    if (!found) throw new SfnApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${arn}'`);
    return found;
  }

  function execution(arn: string): Execution {
    checkExecutionArn(arn);
    const found = executions.get(arn);
    if (!found) throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`);
    return found;
  }

  async function prepare(definition: string): Promise<PreparedDefinition> {
    try {
      return await loadDefinition(definition, (service, action) => sdk.problem(service, action));
    } catch (error) {
      if (error instanceof DefinitionError) {
        throw new SfnApiError("InvalidDefinition", `Invalid State Machine Definition: '${error.message}'`);
      }
      throw error;
    }
  }

  function start(input: { stateMachineArn: string; name?: string | undefined; input?: string | undefined }) {
    if (stopped)
      throw new SfnApiError("ServiceUnavailable", "the local Step Functions emulator is stopped", 503);
    const target = machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    checkName(name, "execution");
    const text = input.input ?? "{}";
    checkExecutionInput(text);
    const arn = executionArn(target.arn, name);
    const existing = executions.get(arn);
    if (existing) {
      // StartExecution is idempotent for a running Standard execution started with the same input.
      if (existing.status === "RUNNING" && existing.input === text) {
        return { executionArn: arn, startDate: epochSeconds(existing.startMs) };
      }
      throw new SfnApiError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
    }
    const started = Execution.start(services, target, arn, name, text);
    executions.set(arn, started);
    return { executionArn: arn, startDate: epochSeconds(started.startMs) };
  }

  const operations: Record<string, Operation> = {
    async CreateStateMachine(request) {
      const input = parseBody(request, createStateMachineRequest);
      checkName(input.name, "state machine");
      if (input.type === "EXPRESS") {
        throw new SfnApiError(
          "StateMachineTypeNotSupported",
          "EXPRESS state machines are not emulated; use STANDARD",
        );
      }
      const arn = stateMachineArn(region, accountId, input.name);
      const existing = machines.get(arn);
      if (existing) {
        if (existing.definition === input.definition && existing.roleArn === input.roleArn) {
          return { stateMachineArn: arn, creationDate: epochSeconds(existing.creationMs) };
        }
        throw new SfnApiError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
      }
      const prepared = await prepare(input.definition);
      const creationMs = Math.floor(clock.nowMs());
      machines.set(arn, {
        arn,
        name: input.name,
        roleArn: input.roleArn,
        definition: input.definition,
        prepared,
        creationMs,
      });
      return { stateMachineArn: arn, creationDate: epochSeconds(creationMs) };
    },

    DescribeStateMachine(request) {
      const found = machine(parseBody(request, stateMachineRequest).stateMachineArn);
      return {
        stateMachineArn: found.arn,
        name: found.name,
        status: "ACTIVE",
        definition: found.definition,
        roleArn: found.roleArn,
        type: "STANDARD",
        creationDate: epochSeconds(found.creationMs),
        loggingConfiguration: { level: "OFF", includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },

    ListStateMachines(request) {
      const input = parseBody(request, listStateMachinesRequest);
      const listed = page([...machines.values()], (item) => item.arn, input.maxResults, input.nextToken);
      return {
        stateMachines: listed.items.map((item) => ({
          stateMachineArn: item.arn,
          name: item.name,
          type: "STANDARD",
          creationDate: epochSeconds(item.creationMs),
        })),
        ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
      };
    },

    DeleteStateMachine(request) {
      // Executions already started run to their end and stay describable, as in AWS.
      const { stateMachineArn: arn } = parseBody(request, stateMachineRequest);
      checkStateMachineArn(arn);
      machines.delete(arn);
      return {};
    },

    StartExecution(request) {
      return start(parseBody(request, startExecutionRequest));
    },

    DescribeExecution(request) {
      const found = execution(parseBody(request, executionRequest).executionArn);
      return {
        executionArn: found.arn,
        stateMachineArn: found.stateMachine.arn,
        name: found.name,
        status: found.status,
        startDate: epochSeconds(found.startMs),
        ...(found.stopMs === undefined ? {} : { stopDate: epochSeconds(found.stopMs) }),
        input: found.input,
        inputDetails: { included: true },
        ...(found.output === undefined ? {} : { output: found.output, outputDetails: { included: true } }),
        ...(found.error === undefined ? {} : { error: found.error }),
        ...(found.cause === undefined ? {} : { cause: found.cause }),
      };
    },

    ListExecutions(request) {
      const input = parseBody(request, listExecutionsRequest);
      const target = machine(input.stateMachineArn);
      const matching = [...executions.values()]
        .filter((item) => item.stateMachine.arn === target.arn)
        .filter((item) => input.statusFilter === undefined || item.status === input.statusFilter)
        .reverse()
        .sort((a, b) => b.startMs - a.startMs);
      const listed = page(matching, (item) => item.arn, input.maxResults, input.nextToken);
      return {
        executions: listed.items.map((item) => ({
          executionArn: item.arn,
          stateMachineArn: item.stateMachine.arn,
          name: item.name,
          status: item.status,
          startDate: epochSeconds(item.startMs),
          ...(item.stopMs === undefined ? {} : { stopDate: epochSeconds(item.stopMs) }),
        })),
        ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
      };
    },

    StopExecution(request) {
      const input = parseBody(request, stopExecutionRequest);
      const found = execution(input.executionArn);
      found.stop(input.error, input.cause);
      return { stopDate: epochSeconds(found.stopMs ?? clock.nowMs()) };
    },

    GetExecutionHistory(request) {
      const input = parseBody(request, getExecutionHistoryRequest);
      const found = execution(input.executionArn);
      const ordered = input.reverseOrder ? [...found.history.events].reverse() : found.history.events;
      const listed = page(ordered, (event) => String(event.id), input.maxResults, input.nextToken);
      return {
        events: listed.items.map((event) => historyEventBody(event, input.includeExecutionData ?? true)),
        ...(listed.nextToken ? { nextToken: listed.nextToken } : {}),
      };
    },

    SendTaskSuccess(request) {
      const input = parseBody(request, sendTaskSuccessRequest);
      let output: unknown;
      try {
        output = JSON.parse(input.output);
      } catch {
        throw new SfnApiError("InvalidOutput", "Invalid Output: the output is not valid JSON");
      }
      tokens.succeed(input.taskToken, output);
      return {};
    },

    SendTaskFailure(request) {
      const input = parseBody(request, sendTaskFailureRequest);
      tokens.fail(input.taskToken, input.error ?? "", input.cause ?? "");
      return {};
    },

    SendTaskHeartbeat(request) {
      tokens.heartbeat(parseBody(request, sendTaskHeartbeatRequest).taskToken);
      return {};
    },
  };

  return {
    signingName: "states",

    async handle(request: LocalRequest): Promise<LocalResponse> {
      try {
        const name = operationOf(request);
        const operation = operations[name];
        if (!operation) {
          throw new SfnApiError(
            "UnknownOperationException",
            `operation ${name} is not emulated by the local runtime`,
          );
        }
        return jsonResponse(await operation(request));
      } catch (error) {
        if (error instanceof SfnApiError) return errorResponse(error);
        throw error;
      }
    },

    async startExecution(input) {
      const { executionArn: arn } = start(input);
      return { executionArn: arn };
    },

    async stop() {
      stopped = true;
      await Promise.all([...executions.values()].map((item) => item.shutdown()));
      await published;
      await sdk.destroy();
    },
  };
}

function checkExecutionInput(text: string): void {
  try {
    JSON.parse(text);
  } catch {
    throw new SfnApiError("InvalidExecutionInput", "Invalid Execution Input: the input is not valid JSON");
  }
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new SfnApiError(
      "InvalidExecutionInput",
      `Invalid Execution Input: the input exceeds the maximum of ${MAX_PAYLOAD_BYTES} bytes`,
    );
  }
}

const EXECUTION_DATA = new Set(["input", "inputDetails", "output", "outputDetails", "parameters"]);

function historyEventBody(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    timestamp: epochSeconds(event.timestampMs),
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  if (event.details) {
    body[event.details.member] = includeExecutionData
      ? event.details.value
      : Object.fromEntries(Object.entries(event.details.value).filter(([key]) => !EXECUTION_DATA.has(key)));
  }
  return body;
}
