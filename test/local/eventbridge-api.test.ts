import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  LimitExceededException,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import {
  createEventBridgeEmulator,
  type EventBridgeEmulator,
} from "../../packages/local/src/events/eventbridge-emulator";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";
import { createLambdaRuntime } from "../../packages/local/src/lambda/lambda-runtime";

const ACCOUNT = "111122223333";
const REGION = "eu-west-1";
const lambdaArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let clock: SimClock;
let events: EventBridgeEmulator;
let gateway: Gateway;
let client: EventBridgeClient;

beforeAll(async () => {
  clock = new SimClock({ speed: 60, start: new Date("2026-11-21T10:00:00Z") });
  const lambda = createLambdaRuntime({ clock, accountId: ACCOUNT, region: REGION });
  events = createEventBridgeEmulator({
    clock,
    accountId: ACCOUNT,
    region: REGION,
    lambda,
    stateMachines: {
      startExecution: async () => {
        throw new Error("no state machine targets in this suite");
      },
    },
  });
  gateway = await startGateway({ handlers: [events] });
  client = new EventBridgeClient({
    endpoint: gateway.endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    // The SDK classifies LimitExceededException as throttling and would retry it with backoff.
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  events.stop();
  await gateway.close();
  clock.stop();
});

describe("PutEvents", () => {
  it("answers each entry with an EventId or an error code", async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: "app", DetailType: "Ok", Detail: '{"a":1}', Time: new Date("2026-11-21T09:00:00.123Z") },
          { DetailType: "NoSource", Detail: "{}" },
          { Source: "app", DetailType: "BadDetail", Detail: "[1,2]" },
          { Source: "aws.drs", DetailType: "Spoofed", Detail: "{}" },
          { Source: "app", DetailType: "NoBus", Detail: "{}", EventBusName: "missing" },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(4);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries?.slice(1)).toEqual([
      {
        ErrorCode: "InvalidArgument",
        ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument.",
      },
      { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
      { ErrorCode: "NotAuthorizedForSourceException", ErrorMessage: "Not authorized for the source." },
      { ErrorCode: "ResourceNotFoundException", ErrorMessage: "Event bus missing does not exist." },
    ]);
    const accepted = events.receivedEvents.find(
      (received) => received.event.id === result.Entries?.[0]?.EventId,
    );
    expect(accepted?.event).toMatchObject({
      time: "2026-11-21T09:00:00Z",
      account: ACCOUNT,
      region: REGION,
      detail: { a: 1 },
    });
  });

  it("refuses more than 10 entries and more than 256 KB in one request", async () => {
    const entry = { Source: "app", DetailType: "x", Detail: "{}" };
    await expect(client.send(new PutEventsCommand({ Entries: Array(11).fill(entry) }))).rejects.toMatchObject(
      {
        name: "ValidationException",
        message: expect.stringMatching(/Entries: Member must have length less than or equal to 10/),
      },
    );
    const big = { ...entry, Detail: JSON.stringify({ text: "x".repeat(100 * 1024) }) };
    await expect(client.send(new PutEventsCommand({ Entries: [big, big, big] }))).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/Total size of the entries/),
    });
  });
});

describe("event buses", () => {
  it("creates and describes a bus, refusing duplicates and unknown names", async () => {
    const created = await client.send(
      new CreateEventBusCommand({ Name: "orders", Description: "order events" }),
    );
    expect(created.EventBusArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders`);
    const described = await client.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(described).toMatchObject({
      Name: "orders",
      Arn: created.EventBusArn,
      Description: "order events",
    });
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect((await client.send(new DescribeEventBusCommand({}))).Name).toBe("default");
    await expect(client.send(new CreateEventBusCommand({ Name: "orders" }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    await expect(client.send(new DescribeEventBusCommand({ Name: "nope" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe("rules and targets", () => {
  it("validates patterns and schedules with the service's errors", async () => {
    await expect(
      client.send(new PutRuleCommand({ Name: "bad", EventPattern: '{"detail":{"state":"x"}}' })),
    ).rejects.toSatisfy(
      (error) =>
        error instanceof InvalidEventPatternException &&
        /Event pattern is not valid\. Reason: detail\.state: must be an object or an array/.test(
          error.message,
        ),
    );
    await expect(client.send(new PutRuleCommand({ Name: "neither" }))).rejects.toMatchObject({
      name: "ValidationException",
      message: "Parameter(s) EventPattern or ScheduleExpression must be specified.",
    });
    await expect(
      client.send(new PutRuleCommand({ Name: "rate", ScheduleExpression: "rate(1 minutes)" })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/use "minute" with a rate of 1/),
    });
    await expect(
      client.send(
        new PutRuleCommand({
          Name: "on-bus",
          EventBusName: "orders-2",
          ScheduleExpression: "rate(5 minutes)",
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await client.send(new CreateEventBusCommand({ Name: "orders-2" }));
    await expect(
      client.send(
        new PutRuleCommand({
          Name: "on-bus",
          EventBusName: "orders-2",
          ScheduleExpression: "rate(5 minutes)",
        }),
      ),
    ).rejects.toMatchObject({ message: "ScheduleExpression is supported only on the default event bus." });
  });

  it("lists rules by prefix with pagination and describes them", async () => {
    for (const name of ["drs-b", "drs-a", "drs-c", "other"]) {
      await client.send(
        new PutRuleCommand({ Name: name, EventPattern: '{"source":["aws.drs"]}', Description: name }),
      );
    }
    const first = await client.send(new ListRulesCommand({ NamePrefix: "drs-", Limit: 2 }));
    expect(first.Rules?.map((rule) => rule.Name)).toEqual(["drs-a", "drs-b"]);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(
      new ListRulesCommand({ NamePrefix: "drs-", Limit: 2, NextToken: first.NextToken }),
    );
    expect(second.Rules?.map((rule) => rule.Name)).toEqual(["drs-c"]);
    expect(second.NextToken).toBeUndefined();
    expect(await client.send(new DescribeRuleCommand({ Name: "drs-a" }))).toMatchObject({
      Name: "drs-a",
      Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/drs-a`,
      EventPattern: '{"source":["aws.drs"]}',
      State: "ENABLED",
      Description: "drs-a",
      EventBusName: "default",
    });
  });

  it("manages targets: put, list, limits, input validation, remove, delete", async () => {
    await client.send(new PutRuleCommand({ Name: "with-targets", EventPattern: '{"source":["app"]}' }));
    const targets = ["one", "two", "three", "four", "five"].map((id) => ({ Id: id, Arn: lambdaArn(id) }));
    const put = await client.send(new PutTargetsCommand({ Rule: "with-targets", Targets: targets }));
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    await expect(
      client.send(
        new PutTargetsCommand({ Rule: "with-targets", Targets: [{ Id: "six", Arn: lambdaArn("six") }] }),
      ),
    ).rejects.toBeInstanceOf(LimitExceededException);
    await expect(
      client.send(
        new PutTargetsCommand({
          Rule: "with-targets",
          Targets: [{ Id: "one", Arn: lambdaArn("one"), Input: "{", InputPath: "$" }],
        }),
      ),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringMatching(/Target one: Only one of/),
    });
    await expect(
      client.send(
        new PutTargetsCommand({
          Rule: "with-targets",
          Targets: [
            {
              Id: "one",
              Arn: lambdaArn("one"),
              InputTransformer: { InputTemplate: '{"a": <aws.events.rule-arn>' },
            },
          ],
        }),
      ),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/not valid JSON once its placeholders are filled in/),
    });
    await expect(
      client.send(new PutTargetsCommand({ Rule: "missing", Targets: [{ Id: "x", Arn: lambdaArn("x") }] })),
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
      message: "Rule missing does not exist on EventBus default.",
    });

    const listed = await client.send(new ListTargetsByRuleCommand({ Rule: "with-targets", Limit: 3 }));
    expect(listed.Targets?.map((target) => target.Id)).toEqual(["one", "two", "three"]);
    const rest = await client.send(
      new ListTargetsByRuleCommand({ Rule: "with-targets", NextToken: listed.NextToken }),
    );
    expect(rest.Targets).toEqual([
      { Id: "four", Arn: lambdaArn("four") },
      { Id: "five", Arn: lambdaArn("five") },
    ]);

    await expect(client.send(new DeleteRuleCommand({ Name: "with-targets" }))).rejects.toMatchObject({
      message: "Rule can't be deleted since it has targets.",
    });
    await client.send(
      new RemoveTargetsCommand({ Rule: "with-targets", Ids: targets.map((target) => target.Id) }),
    );
    await client.send(new DeleteRuleCommand({ Name: "with-targets" }));
    await expect(client.send(new DescribeRuleCommand({ Name: "with-targets" }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
