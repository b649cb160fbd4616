import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { type SimClock, type SimTimer, toAwsIso } from "../clock/sim-clock";
import type {
  BusEvent,
  BusEventInput,
  EventPublisher,
  LambdaInvoker,
  LocalRequest,
  LocalResponse,
  ServiceHandler,
  StateMachineStarter,
} from "../runtime/contracts";
import { EventsApiError, errorResponse, jsonResponse, parseBody, targetOperation } from "./aws-json";
import { type EventPattern, matchesEventPattern, parseEventPattern } from "./event-pattern";
import {
  createEventBusRequest,
  describeEventBusRequest,
  listRulesRequest,
  listTargetsByRuleRequest,
  putEventsRequest,
  putRuleRequest,
  putTargetsRequest,
  removeTargetsRequest,
  ruleRequest,
  type ruleState,
  type TargetInput,
} from "./eventbridge-requests";
import { renderTargetInput, validateTargetInput } from "./input-transformer";
import { nextRunAfter, parseScheduleExpression, type Schedule } from "./schedule-expression";
import { invokeTarget } from "./target-invoker";

export interface EventBridgeEmulatorOptions {
  clock: SimClock;
  accountId: string;
  region: string;
  lambda: LambdaInvoker;
  stateMachines: StateMachineStarter;
}

/** One attempt to hand an event to a rule target, kept for assertions. */
export interface DeliveryRecord {
  eventBusName: string;
  ruleName: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  event: BusEvent;
  /** The text handed to the target after Input / InputPath / InputTransformer. */
  input?: string;
  /** Simulated time the delivery was made (ISO-8601). */
  deliveredAt: string;
  outcome: "succeeded" | "failed";
  /** The Lambda result, or `{ executionArn }` for a state machine. */
  result?: unknown;
  error?: { errorType: string; message: string };
}

export interface ReceivedEvent {
  eventBusName: string;
  event: BusEvent;
}

export interface EventBridgeEmulator extends ServiceHandler, EventPublisher {
  /** Completed deliveries in completion order. */
  readonly deliveries: readonly DeliveryRecord[];
  /** Every event accepted on any bus (PutEvents, publish, schedules), in arrival order. */
  readonly receivedEvents: readonly ReceivedEvent[];
  /** Resolves once no delivery is in flight, including deliveries caused by other deliveries. */
  idle(): Promise<void>;
  /** Stops schedules and drops events published afterwards; in-flight deliveries are not awaited. */
  stop(): void;
}

interface Bus {
  name: string;
  arn: string;
  description?: string;
  createdMs: number;
  rules: Map<string, Rule>;
}

interface Rule {
  name: string;
  arn: string;
  bus: Bus;
  state: z.output<typeof ruleState>;
  eventPattern?: string;
  pattern?: EventPattern;
  scheduleExpression?: string;
  schedule?: Schedule;
  description?: string;
  roleArn?: string;
  targets: Map<string, TargetInput>;
  lastRunMs: number;
  timer?: SimTimer;
}

const DEFAULT_BUS = "default";
const MAX_TARGETS_PER_RULE = 5;
const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/**
 * The local EventBridge: the EventBridge API (awsJson1_1, `AWSEvents.<Op>`) over event buses,
 * rules with patterns or schedules, and Lambda / state machine targets. Delivery happens after
 * PutEvents returns, as on the real bus; each attempt is kept in `deliveries`. A target gets one
 * attempt: failures are recorded, not retried.
 */
export function createEventBridgeEmulator(options: EventBridgeEmulatorOptions): EventBridgeEmulator {
  const { clock, accountId, region } = options;
  const buses = new Map<string, Bus>();
  const deliveries: DeliveryRecord[] = [];
  const receivedEvents: ReceivedEvent[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const busArn = (name: string) => `arn:aws:events:${region}:${accountId}:event-bus/${name}`;
  const addBus = (name: string, description?: string): Bus => {
    const bus: Bus = { name, arn: busArn(name), createdMs: clock.nowMs(), rules: new Map() };
    if (description !== undefined) bus.description = description;
    buses.set(name, bus);
    return bus;
  };
  addBus(DEFAULT_BUS);

  function findBus(nameOrArn: string | undefined): Bus | undefined {
    const name = nameOrArn?.startsWith("arn:") ? nameOrArn.split(":event-bus/")[1] : nameOrArn;
    return buses.get(name ?? DEFAULT_BUS);
  }

  function requireBus(nameOrArn: string | undefined): Bus {
    const bus = findBus(nameOrArn);
    if (!bus) throw new EventsApiError("ResourceNotFoundException", `Event bus ${nameOrArn} does not exist.`);
    return bus;
  }

  function requireRule(bus: Bus, name: string): Rule {
    const rule = bus.rules.get(name);
    if (!rule)
      throw new EventsApiError(
        "ResourceNotFoundException",
        `Rule ${name} does not exist on EventBus ${bus.name}.`,
      );
    return rule;
  }

  function dispatch(bus: Bus, event: BusEvent) {
    receivedEvents.push({ eventBusName: bus.name, event });
    for (const rule of bus.rules.values()) {
      if (rule.state === "DISABLED" || !rule.pattern || !matchesEventPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) deliver(rule, { ...target }, event);
    }
  }

  function deliver(rule: Rule, target: TargetInput, event: BusEvent) {
    const ingestionTime = clock.isoNow();
    const record: DeliveryRecord = {
      eventBusName: rule.bus.name,
      ruleName: rule.name,
      ruleArn: rule.arn,
      targetId: target.Id,
      targetArn: target.Arn,
      event,
      deliveredAt: ingestionTime,
      outcome: "failed",
    };
    const task = (async () => {
      // Let the caller (PutEvents, a publishing emulator) finish first, as the real bus does.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        record.input = renderTargetInput(target, event, rule, ingestionTime);
        record.deliveredAt = clock.isoNow();
        record.result = await invokeTarget(target.Arn, record.input, options);
        record.outcome = "succeeded";
      } catch (error) {
        record.error = describeError(error);
      }
      deliveries.push(record);
    })();
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }

  function scheduleNextRun(rule: Rule) {
    if (rule.timer) clock.clearTimeout(rule.timer);
    rule.timer = undefined;
    if (stopped || clock.isStopped || !rule.schedule || rule.state === "DISABLED") return;
    const runAt = nextRunAfter(rule.schedule, rule.lastRunMs);
    if (runAt === undefined) return;
    rule.timer = clock.setTimeout(() => {
      rule.timer = undefined;
      rule.lastRunMs = runAt;
      const event: BusEvent = {
        version: "0",
        id: randomUUID(),
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: accountId,
        time: toAwsIso(new Date(runAt)),
        region,
        resources: [rule.arn],
        detail: {},
      };
      receivedEvents.push({ eventBusName: rule.bus.name, event });
      for (const target of rule.targets.values()) deliver(rule, { ...target }, event);
      scheduleNextRun(rule);
    }, runAt - clock.nowMs());
  }

  function putEvents(request: LocalRequest) {
    const { Entries } = parseBody(request, putEventsRequest);
    const size = Entries.reduce((total, entry) => total + entrySize(entry), 0);
    if (size > MAX_PUT_EVENTS_BYTES) {
      throw new EventsApiError(
        "ValidationException",
        `Total size of the entries in the request is over the limit (${size} > ${MAX_PUT_EVENTS_BYTES} bytes).`,
      );
    }
    const results = Entries.map((entry) => {
      const problem = entryProblem(entry);
      if (problem) return problem;
      const bus = findBus(entry.EventBusName);
      if (!bus) {
        return {
          ErrorCode: "ResourceNotFoundException",
          ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
        };
      }
      const event: BusEvent = {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType as string,
        source: entry.Source as string,
        account: accountId,
        time: entry.Time === undefined ? clock.isoNow() : toAwsIso(new Date(entry.Time * 1000)),
        region,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail as string),
      };
      dispatch(bus, event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((result) => "ErrorCode" in result).length, Entries: results };
  }

  function putRule(request: LocalRequest) {
    const input = parseBody(request, putRuleRequest);
    const bus = requireBus(input.EventBusName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw new EventsApiError(
        "ValidationException",
        "Parameter(s) EventPattern or ScheduleExpression must be specified.",
      );
    }
    let pattern: EventPattern | undefined;
    if (input.EventPattern !== undefined) {
      const parsed = parseEventPattern(input.EventPattern);
      if ("errors" in parsed) {
        throw new EventsApiError(
          "InvalidEventPatternException",
          `Event pattern is not valid. Reason: ${parsed.errors.join("; ")}`,
        );
      }
      pattern = parsed.pattern;
    }
    let schedule: Schedule | undefined;
    if (input.ScheduleExpression !== undefined) {
      if (bus.name !== DEFAULT_BUS) {
        throw new EventsApiError(
          "ValidationException",
          "ScheduleExpression is supported only on the default event bus.",
        );
      }
      const parsed = parseScheduleExpression(input.ScheduleExpression);
      if ("error" in parsed) {
        throw new EventsApiError(
          "ValidationException",
          `Parameter ScheduleExpression is not valid: ${parsed.error}.`,
        );
      }
      schedule = parsed.schedule;
    }
    const existing = bus.rules.get(input.Name);
    const rule: Rule = {
      name: input.Name,
      arn: `arn:aws:events:${region}:${accountId}:rule/${bus.name === DEFAULT_BUS ? "" : `${bus.name}/`}${input.Name}`,
      bus,
      state: input.State ?? "ENABLED",
      targets: existing?.targets ?? new Map(),
      lastRunMs: clock.nowMs(),
    };
    if (existing?.timer) clock.clearTimeout(existing.timer);
    if (input.EventPattern !== undefined) rule.eventPattern = input.EventPattern;
    if (pattern) rule.pattern = pattern;
    if (input.ScheduleExpression !== undefined) rule.scheduleExpression = input.ScheduleExpression;
    if (schedule) rule.schedule = schedule;
    if (input.Description !== undefined) rule.description = input.Description;
    if (input.RoleArn !== undefined) rule.roleArn = input.RoleArn;
    bus.rules.set(rule.name, rule);
    scheduleNextRun(rule);
    return { RuleArn: rule.arn };
  }

  function describeRule(rule: Rule) {
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.eventPattern,
      ScheduleExpression: rule.scheduleExpression,
      State: rule.state,
      Description: rule.description,
      RoleArn: rule.roleArn,
      EventBusName: rule.bus.name,
    };
  }

  function putTargets(request: LocalRequest) {
    const input = parseBody(request, putTargetsRequest);
    const rule = requireRule(requireBus(input.EventBusName), input.Rule);
    const ids = new Set<string>();
    for (const target of input.Targets) {
      if (ids.has(target.Id))
        throw new EventsApiError("ValidationException", `Target Id ${target.Id} is given twice.`);
      ids.add(target.Id);
      const problem = validateTargetInput(target);
      if (problem) throw new EventsApiError("ValidationException", `Target ${target.Id}: ${problem}`);
    }
    const total = new Set([...rule.targets.keys(), ...ids]).size;
    if (total > MAX_TARGETS_PER_RULE) {
      throw new EventsApiError(
        "LimitExceededException",
        `The requested resource exceeds the maximum number allowed: a rule has at most ${MAX_TARGETS_PER_RULE} targets.`,
      );
    }
    for (const target of input.Targets) rule.targets.set(target.Id, target);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  const operations: Record<string, (request: LocalRequest) => unknown> = {
    PutEvents: putEvents,
    PutRule: putRule,
    PutTargets: putTargets,
    CreateEventBus(request) {
      const input = parseBody(request, createEventBusRequest);
      if (buses.has(input.Name)) {
        throw new EventsApiError("ResourceAlreadyExistsException", `Event bus ${input.Name} already exists.`);
      }
      if (input.Name.includes("/")) {
        throw new EventsApiError(
          "ValidationException",
          "Only partner event buses (aws.partner/...) may contain '/'; they are not emulated.",
        );
      }
      const bus = addBus(input.Name, input.Description);
      return { EventBusArn: bus.arn, Description: bus.description };
    },
    DescribeEventBus(request) {
      const bus = requireBus(parseBody(request, describeEventBusRequest).Name);
      const created = bus.createdMs / 1000;
      return {
        Name: bus.name,
        Arn: bus.arn,
        Description: bus.description,
        CreationTime: created,
        LastModifiedTime: created,
      };
    },
    DescribeRule(request) {
      const input = parseBody(request, ruleRequest);
      return describeRule(requireRule(requireBus(input.EventBusName), input.Name));
    },
    DeleteRule(request) {
      const input = parseBody(request, ruleRequest);
      const bus = requireBus(input.EventBusName);
      const rule = bus.rules.get(input.Name);
      if (!rule) return {};
      if (rule.targets.size > 0)
        throw new EventsApiError("ValidationException", "Rule can't be deleted since it has targets.");
      if (rule.timer) clock.clearTimeout(rule.timer);
      bus.rules.delete(rule.name);
      return {};
    },
    ListRules(request) {
      const input = parseBody(request, listRulesRequest);
      const rules = [...requireBus(input.EventBusName).rules.values()]
        .filter((rule) => rule.name.startsWith(input.NamePrefix ?? ""))
        .sort((a, b) => a.name.localeCompare(b.name));
      const page = paginate(rules, input.NextToken, input.Limit);
      return { Rules: page.items.map(describeRule), NextToken: page.nextToken };
    },
    ListTargetsByRule(request) {
      const input = parseBody(request, listTargetsByRuleRequest);
      const rule = requireRule(requireBus(input.EventBusName), input.Rule);
      const page = paginate([...rule.targets.values()], input.NextToken, input.Limit);
      return { Targets: page.items, NextToken: page.nextToken };
    },
    RemoveTargets(request) {
      const input = parseBody(request, removeTargetsRequest);
      const rule = requireRule(requireBus(input.EventBusName), input.Rule);
      for (const id of input.Ids) rule.targets.delete(id);
      return { FailedEntryCount: 0, FailedEntries: [] };
    },
  };

  return {
    signingName: "events",
    deliveries,
    receivedEvents,
    async handle(request: LocalRequest): Promise<LocalResponse> {
      try {
        const operation = targetOperation(request, "AWSEvents");
        const run = operations[operation];
        if (!run)
          throw new EventsApiError(
            "UnknownOperationException",
            `${operation} is not emulated by the local EventBridge`,
          );
        return jsonResponse(run(request));
      } catch (error) {
        if (error instanceof EventsApiError) return errorResponse(error);
        throw error;
      }
    },
    async publish(input: BusEventInput) {
      if (stopped) return;
      const bus = findBus(input.eventBusName);
      if (!bus) throw new Error(`event bus ${input.eventBusName} does not exist on the local EventBridge`);
      dispatch(bus, {
        version: "0",
        id: randomUUID(),
        "detail-type": input.detailType,
        source: input.source,
        account: accountId,
        time: input.time ?? clock.isoNow(),
        region,
        resources: input.resources ?? [],
        detail: input.detail,
      });
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    stop() {
      stopped = true;
      for (const bus of buses.values()) {
        for (const rule of bus.rules.values()) if (rule.timer) clock.clearTimeout(rule.timer);
      }
    },
  };
}

type PutEventsEntry = z.output<typeof putEventsRequest>["Entries"][number];

/** The per-entry checks of the real service, answered as entry errors rather than request errors. */
function entryProblem(entry: PutEventsEntry): { ErrorCode: string; ErrorMessage: string } | undefined {
  for (const field of ["Source", "DetailType", "Detail"] as const) {
    if (!entry[field]) {
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    detail = undefined;
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) {
    return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
  }
  if (entry.Source?.startsWith("aws.")) {
    return { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." };
  }
  return undefined;
}

/** Entry size as the EventBridge user guide counts it ("Calculating PutEvents event entry size"). */
function entrySize(entry: PutEventsEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const text of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])]) {
    if (text) size += Buffer.byteLength(text, "utf8");
  }
  return size;
}

function paginate<T>(
  items: T[],
  nextToken: string | undefined,
  limit = 100,
): { items: T[]; nextToken?: string } {
  const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, "base64url").toString("utf8"));
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new EventsApiError(
      "ValidationException",
      "The NextToken is not valid: pass the token of the previous page.",
    );
  }
  const end = start + limit;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString("base64url") } : {}),
  };
}

function describeError(error: unknown): { errorType: string; message: string } {
  if (error instanceof Error) {
    const errorType = (error as { errorType?: unknown }).errorType;
    return { errorType: typeof errorType === "string" ? errorType : error.name, message: error.message };
  }
  return { errorType: "Error", message: String(error) };
}
