import { describe, expect, it } from "vitest";
import {
  applyInputTransformer,
  renderTargetInput,
  validateTargetInput,
} from "../../packages/local/src/events/input-transformer";
import { nextRunAfter, parseScheduleExpression } from "../../packages/local/src/events/schedule-expression";
import type { BusEvent } from "../../packages/local/src/runtime/contracts";

/** The EC2 event of the user guide's "Input transform examples". */
const event: BusEvent = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};
const rule = { name: "ec2-rule", arn: "arn:aws:events:us-east-1:123456789012:rule/ec2-rule" };
const paths = { instance: "$.detail.instance-id", state: "$.detail.state" };
const transform = (InputTemplate: string, InputPathsMap: Record<string, string> = paths) =>
  applyInputTransformer({ InputPathsMap, InputTemplate }, event, rule, "2015-11-11T21:29:55Z");

describe("InputTransformer", () => {
  it("inserts values as JSON outside string literals (the guide's JSON example)", () => {
    const output = transform(
      '{"timestamp": <timestamp>, "instance_id": <instance>, "instance_state": <state>, "instance_resource": <resource>}',
      {
        timestamp: "$.time",
        instance: "$.detail.instance-id",
        state: "$.detail.state",
        resource: "$.resources[0]",
      },
    );
    expect(JSON.parse(output)).toEqual({
      timestamp: "2015-11-11T21:29:54Z",
      instance_id: "i-0123456789",
      instance_state: "RUNNING",
      instance_resource: "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111",
    });
  });

  it("inserts text inside string literals (the guide's string examples)", () => {
    expect(transform('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
    expect(transform('"<instance> is in state \\"<state>\\""')).toBe(
      '"i-0123456789 is in state \\"RUNNING\\""',
    );
  });

  it("mixes both in one JSON template (the API reference example)", () => {
    const output = transform('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}');
    expect(JSON.parse(output)).toEqual({
      myInstance: "i-0123456789",
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });

  it("removes inner quotes when an object lands inside a string", () => {
    expect(JSON.parse(transform('{"text": "Detail is <detail>"}', { detail: "$.detail" }))).toEqual({
      text: "Detail is {instance-id:i-0123456789,state:RUNNING}",
    });
  });

  it("offers the predefined variables", () => {
    const output = JSON.parse(
      transform(
        '{"rule": "<aws.events.rule-name>", "arn": <aws.events.rule-arn>, "at": "<aws.events.event.ingestion-time>", "original": <aws.events.event.json>, "envelope": <aws.events.event>}',
        {},
      ),
    );
    expect(output).toMatchObject({
      rule: "ec2-rule",
      arn: rule.arn,
      at: "2015-11-11T21:29:55Z",
      original: event,
    });
    expect(output.envelope).toEqual({ ...event, detail: undefined });
  });

  it("turns paths that find nothing into null values or empty text", () => {
    expect(
      JSON.parse(transform('{"a": <missing>, "b": "x<missing>y"}', { missing: "$.detail.nope" })),
    ).toEqual({
      a: null,
      b: "xy",
    });
  });

  it("leaves unknown <...> text alone and collects wildcard paths into arrays", () => {
    expect(transform('"a <b> c"', {})).toBe('"a <b> c"');
    expect(JSON.parse(transform("<all>", { all: "$.detail.*" }))).toEqual(["i-0123456789", "RUNNING"]);
  });

  it("renders Input, InputPath and the whole event", () => {
    expect(renderTargetInput({ Input: '{"fixed":1}' }, event, rule, "")).toBe('{"fixed":1}');
    expect(JSON.parse(renderTargetInput({ InputPath: "$.detail" }, event, rule, ""))).toEqual(event.detail);
    expect(JSON.parse(renderTargetInput({}, event, rule, ""))).toEqual(event);
  });

  it("validates target input options as PutTargets does", () => {
    expect(validateTargetInput({ Input: "{}", InputPath: "$" })).toMatch(/Only one of/);
    expect(validateTargetInput({ Input: "{oops" })).toMatch(/not valid JSON/);
    expect(validateTargetInput({ InputPath: "detail" })).toMatch(/not a valid JSON path/);
    expect(
      validateTargetInput({ InputTransformer: { InputPathsMap: { "a b": "$.x" }, InputTemplate: "<a b>" } }),
    ).toMatch(/key "a b" is not valid/);
    expect(
      validateTargetInput({
        InputTransformer: { InputTemplate: '{"e": "copy of <aws.events.event.json>"}' },
      }),
    ).toMatch(/only be used as a JSON value/);
    expect(
      validateTargetInput({ InputTransformer: { InputPathsMap: paths, InputTemplate: '{"a": <instance>}' } }),
    ).toBe(undefined);
  });
});

describe("schedule expressions", () => {
  const at = (iso: string) => Date.parse(iso);
  const next = (expression: string, after: string) => {
    const parsed = parseScheduleExpression(expression);
    if ("error" in parsed) throw new Error(parsed.error);
    const run = nextRunAfter(parsed.schedule, at(after));
    return run === undefined ? undefined : new Date(run).toISOString();
  };

  it("runs rate() one period after the previous run", () => {
    expect(next("rate(1 minute)", "2026-11-21T10:00:30Z")).toBe("2026-11-21T10:01:30.000Z");
    expect(next("rate(2 hours)", "2026-11-21T10:00:00Z")).toBe("2026-11-21T12:00:00.000Z");
    expect(next("rate(1 day)", "2026-11-21T10:00:00Z")).toBe("2026-11-22T10:00:00.000Z");
  });

  it("finds the next cron() minute, day-of-week 1 being Sunday", () => {
    // 2026-11-21 is a Saturday.
    expect(next("cron(0 3 ? * SUN *)", "2026-11-21T10:00:00Z")).toBe("2026-11-22T03:00:00.000Z");
    expect(next("cron(0 3 ? * 1 *)", "2026-11-22T03:00:00Z")).toBe("2026-11-29T03:00:00.000Z");
    expect(next("cron(0/15 * * * ? *)", "2026-11-21T10:07:00Z")).toBe("2026-11-21T10:15:00.000Z");
    expect(next("cron(0 12 1 JAN-MAR ? *)", "2026-11-21T10:00:00Z")).toBe("2027-01-01T12:00:00.000Z");
    expect(next("cron(30 9 ? * MON-FRI 2026)", "2026-12-31T10:00:00Z")).toBeUndefined();
    expect(next("cron(0 0 31 2 ? *)", "2026-01-01T00:00:00Z")).toBeUndefined();
  });

  it("runs the last-day, nearest-weekday, last-weekday-of-month and nth-weekday forms", () => {
    // November 2026: the 1st is a Sunday, the 30th a Monday; February 2027 ends on Sunday the 28th.
    expect(next("cron(0 1 ? * SUN#1 *)", "2026-11-21T10:00:00Z")).toBe("2026-12-06T01:00:00.000Z");
    expect(next("cron(0 1 ? * 2#3 *)", "2026-11-01T00:00:00Z")).toBe("2026-11-16T01:00:00.000Z");
    expect(next("cron(0 1 ? * 6L *)", "2026-11-01T00:00:00Z")).toBe("2026-11-27T01:00:00.000Z");
    expect(next("cron(0 1 L * ? *)", "2027-02-01T00:00:00Z")).toBe("2027-02-28T01:00:00.000Z");
    expect(next("cron(0 1 LW * ? *)", "2027-02-01T00:00:00Z")).toBe("2027-02-26T01:00:00.000Z");
    // The 1st of November 2026 is a Sunday: its nearest weekday in the month is Monday the 2nd.
    expect(next("cron(0 1 1W * ? *)", "2026-10-31T00:00:00Z")).toBe("2026-11-02T01:00:00.000Z");
    // The 14th of November 2026 is a Saturday: the weekday nearest to it is Friday the 13th.
    expect(next("cron(0 1 14W * ? *)", "2026-11-01T00:00:00Z")).toBe("2026-11-13T01:00:00.000Z");
  });

  it("explains expressions it refuses", () => {
    const error = (expression: string) => {
      const parsed = parseScheduleExpression(expression);
      return "error" in parsed ? parsed.error : "accepted";
    };
    expect(error("rate(1 minutes)")).toMatch(/use "minute"/);
    expect(error("rate(5 minute)")).toMatch(/use "minutes"/);
    expect(error("cron(0 3 * * SUN *)")).toMatch(/exactly one of day-of-month and day-of-week/);
    expect(error("cron(0 3 32W * ? *)")).toMatch(/day-of-month: "32W" is not within 1-31/);
    expect(error("cron(0 3 ? * 2#6 *)")).toMatch(/day-of-week/);
    expect(error("cron(0 25 * * ? *)")).toMatch(/hours: "25" is not within 0-23/);
    expect(error("cron(0 3 * *)")).toMatch(/6 fields/);
    expect(error("every 5 minutes")).toMatch(/expected "rate/);
  });
});
