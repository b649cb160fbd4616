import { describe, expect, it } from "vitest";
import {
  type EventPattern,
  matchesEventPattern,
  parseEventPattern,
  validateEventPattern,
} from "../../packages/local/src/events/event-pattern";

/** The EC2 event the EventBridge user guide uses throughout its pattern examples. */
const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

const withDetail = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...ec2Event,
  ...extra,
  detail,
});

interface Case {
  name: string;
  pattern: EventPattern;
  matches: unknown[];
  misses: unknown[];
}

// Examples from "Amazon EventBridge event patterns" and "Content filtering in Amazon EventBridge event
// patterns", each with near misses that must not match.
const cases: Case[] = [
  {
    name: "the guide's EC2 termination pattern",
    pattern: {
      source: ["aws.ec2"],
      "detail-type": ["EC2 Instance State-change Notification"],
      detail: { state: ["terminated"] },
    },
    matches: [ec2Event],
    misses: [
      withDetail({ "instance-id": "i-1", state: "running" }),
      { ...ec2Event, source: "aws.ec2x" },
      { ...ec2Event, "detail-type": "EC2 Instance State-change notification" },
      { ...ec2Event, detail: undefined },
    ],
  },
  {
    name: "arrays in the pattern are OR",
    pattern: { detail: { state: ["pending", "terminated"] } },
    matches: [ec2Event, withDetail({ state: "pending" })],
    misses: [withDetail({ state: "stopped" }), withDetail({ state: ["stopped", "running"] })],
  },
  {
    name: "an event array matches when it intersects the pattern array",
    pattern: {
      resources: [
        "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
        "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
      ],
    },
    matches: [
      {
        ...ec2Event,
        resources: [
          "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
          "arn:aws:ec2:us-east-1:000000000000:instance/i-0",
        ],
      },
    ],
    misses: [
      { ...ec2Event, resources: [] },
      { ...ec2Event, resources: ["arn:aws:ec2:us-east-1:1:instance/i-b188560f"] },
    ],
  },
  {
    name: "prefix",
    pattern: { time: [{ prefix: "2017-10-02" }] },
    matches: [{ ...ec2Event, time: "2017-10-02T18:43:48Z" }],
    misses: [
      { ...ec2Event, time: "2017-10-03T18:43:48Z" },
      { ...ec2Event, time: "x2017-10-02" },
    ],
  },
  {
    name: "prefix ignoring case",
    pattern: { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } },
    matches: [
      withDetail({ service: "EventBridge" }),
      withDetail({ service: "eventbridge" }),
      withDetail({ service: "EVENTB" }),
    ],
    misses: [withDetail({ service: "Event Bridge" }), withDetail({ service: "AEventB" })],
  },
  {
    name: "suffix",
    pattern: { FileName: [{ suffix: ".png" }] },
    matches: [{ FileName: "image.png" }],
    misses: [{ FileName: "image.PNG" }, { FileName: "image.png.zip" }, { FileName: 5 }],
  },
  {
    name: "suffix ignoring case",
    pattern: { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } },
    matches: [withDetail({ FileName: "photo.PNG" }), withDetail({ FileName: "photo.png" })],
    misses: [withDetail({ FileName: "photo.jpg" })],
  },
  {
    name: "anything-but a string",
    pattern: { detail: { state: [{ "anything-but": "initializing" }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "initializing" }), withDetail({ other: "x" })],
  },
  {
    name: "anything-but a number",
    pattern: { detail: { "x-limit": [{ "anything-but": 123 }] } },
    matches: [withDetail({ "x-limit": 456 })],
    misses: [withDetail({ "x-limit": 123 }), withDetail({ "x-limit": 1.23e2 })],
  },
  {
    name: "anything-but a list of strings",
    pattern: { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "stopped" }), withDetail({ state: "overloaded" })],
  },
  {
    name: "anything-but a list of numbers",
    pattern: { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } },
    matches: [withDetail({ "x-limit": 150 })],
    misses: [withDetail({ "x-limit": 200 })],
  },
  {
    name: "anything-but a prefix",
    pattern: { detail: { state: [{ "anything-but": { prefix: "init" } }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "initializing" }), withDetail({ state: "init" })],
  },
  {
    name: "anything-but a suffix",
    pattern: { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } },
    matches: [withDetail({ FileName: "notes.md" })],
    misses: [withDetail({ FileName: "notes.txt" })],
  },
  {
    name: "anything-but ignoring case",
    pattern: { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } },
    matches: [withDetail({ state: "running" })],
    misses: [withDetail({ state: "STOPPED" }), withDetail({ state: "overloaded" })],
  },
  {
    name: "anything-but a wildcard",
    pattern: { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    matches: [withDetail({ FilePath: "dir/src/main.ts" })],
    misses: [withDetail({ FilePath: "dir/lib/util.ts" })],
  },
  {
    name: "numeric ranges and equality",
    pattern: {
      detail: {
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ numeric: ["=", 3.018e2] }],
      },
    },
    matches: [withDetail({ "c-count": 5, "d-count": 7, "x-limit": 301.8 })],
    misses: [
      withDetail({ "c-count": 0, "d-count": 7, "x-limit": 301.8 }),
      withDetail({ "c-count": 6, "d-count": 7, "x-limit": 301.8 }),
      withDetail({ "c-count": 5, "d-count": 10, "x-limit": 301.8 }),
      withDetail({ "c-count": 5, "d-count": 7, "x-limit": 301 }),
      withDetail({ "c-count": "5", "d-count": 7, "x-limit": 301.8 }),
    ],
  },
  {
    name: "IP address (cidr)",
    pattern: { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } },
    matches: [withDetail({ sourceIPAddress: "10.0.0.255" }), withDetail({ sourceIPAddress: "10.0.0.0" })],
    misses: [withDetail({ sourceIPAddress: "10.0.1.0" }), withDetail({ sourceIPAddress: "not-an-ip" })],
  },
  {
    name: "exists: true",
    pattern: { detail: { state: [{ exists: true }] } },
    matches: [ec2Event, withDetail({ state: null })],
    misses: [withDetail({ "instance-id": "i-1" }), withDetail({ state: { nested: "x" } })],
  },
  {
    name: "exists: false",
    pattern: { detail: { "c-count": [{ exists: false }] } },
    matches: [ec2Event],
    misses: [withDetail({ "c-count": 3 })],
  },
  {
    name: "equals-ignore-case",
    pattern: { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] },
    matches: [ec2Event],
    misses: [{ ...ec2Event, "detail-type": "EC2 Instance State-change Notifications" }],
  },
  {
    name: "wildcard",
    pattern: { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] },
    matches: [{ EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/orders" }],
    misses: [{ EventBusArn: "arn:aws:events:us-west-2:123456789012:event-bus/orders" }],
  },
  {
    name: "wildcard with an escaped star",
    pattern: { name: [{ wildcard: "a\\*b*" }] },
    matches: [{ name: "a*bcd" }],
    misses: [{ name: "axbcd" }],
  },
  {
    name: "$or across fields",
    pattern: {
      detail: {
        $or: [
          { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
          { "d-count": [{ numeric: ["<", 10] }] },
          { "x-limit": [{ numeric: ["=", 3.018e2] }] },
        ],
      },
    },
    matches: [withDetail({ "c-count": 1 }), withDetail({ "d-count": 3 }), withDetail({ "x-limit": 301.8 })],
    misses: [withDetail({ "c-count": 9, "d-count": 30, "x-limit": 1 }), withDetail({})],
  },
  {
    name: "$or combined with other fields",
    pattern: {
      source: ["aws.cloudwatch"],
      $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
    },
    matches: [
      { source: "aws.cloudwatch", metricName: "ReadLatency" },
      { source: "aws.cloudwatch", namespace: "AWS/ES" },
    ],
    misses: [
      { source: "aws.cloudwatch", metricName: "WriteLatency" },
      { source: "aws.ec2", namespace: "AWS/EC2" },
    ],
  },
  {
    name: "the guide's example combining several filters",
    pattern: {
      time: [{ prefix: "2017-10-02" }],
      detail: {
        state: [{ "anything-but": "initializing" }],
        "c-count": [{ numeric: [">", 0, "<=", 5] }],
        "d-count": [{ numeric: ["<", 10] }],
        "x-limit": [{ "anything-but": [100, 200, 300] }],
      },
    },
    matches: [
      withDetail(
        { state: "running", "c-count": 3, "d-count": 9, "x-limit": 150 },
        { time: "2017-10-02T10:00:00Z" },
      ),
    ],
    misses: [
      withDetail(
        { state: "initializing", "c-count": 3, "d-count": 9, "x-limit": 150 },
        { time: "2017-10-02T10:00:00Z" },
      ),
      withDetail(
        { state: "running", "c-count": 3, "d-count": 9, "x-limit": 200 },
        { time: "2017-10-02T10:00:00Z" },
      ),
      withDetail(
        { state: "running", "c-count": 3, "d-count": 9, "x-limit": 150 },
        { time: "2017-10-03T10:00:00Z" },
      ),
    ],
  },
  {
    name: "null and empty string values",
    pattern: { detail: { responseElements: [null], eventVersion: [""] } },
    matches: [withDetail({ responseElements: null, eventVersion: "" })],
    misses: [withDetail({ responseElements: "null", eventVersion: "" }), withDetail({ eventVersion: "" })],
  },
  {
    name: "nested fields inside an array of objects match within one element",
    pattern: { detail: { items: { name: ["disk"], size: [{ numeric: [">", 100] }] } } },
    matches: [
      withDetail({
        items: [
          { name: "cpu", size: 1 },
          { name: "disk", size: 500 },
        ],
      }),
    ],
    misses: [
      withDetail({
        items: [
          { name: "disk", size: 1 },
          { name: "cpu", size: 500 },
        ],
      }),
    ],
  },
  {
    name: "the DRS launch-result rule this product deploys",
    pattern: {
      source: ["aws.drs"],
      "detail-type": ["DRS Source Server Launch Result"],
      detail: { state: ["RECOVERY_LAUNCH_SUCCEEDED", "RECOVERY_LAUNCH_FAILED"], "is-drill": ["TRUE"] },
    },
    matches: [
      {
        ...ec2Event,
        source: "aws.drs",
        "detail-type": "DRS Source Server Launch Result",
        detail: { state: "RECOVERY_LAUNCH_FAILED", "job-id": "drsjob-1234567890abcdef0", "is-drill": "TRUE" },
      },
    ],
    misses: [
      {
        ...ec2Event,
        source: "aws.drs",
        "detail-type": "DRS Source Server Launch Result",
        detail: { state: "RECOVERY_LAUNCH_FAILED", "job-id": "drsjob-1234567890abcdef0", "is-drill": true },
      },
    ],
  },
];

describe("matchesEventPattern", () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(validateEventPattern(testCase.pattern)).toEqual([]);
      for (const event of testCase.matches) expect(matchesEventPattern(testCase.pattern, event)).toBe(true);
      for (const event of testCase.misses) expect(matchesEventPattern(testCase.pattern, event)).toBe(false);
    });
  }

  it("numbers match by value, never a string spelling of them", () => {
    expect(matchesEventPattern({ price: [300] }, { price: 3.0e2 })).toBe(true);
    expect(matchesEventPattern({ price: [300] }, { price: "300" })).toBe(false);
    expect(matchesEventPattern({ price: ["300"] }, { price: 300 })).toBe(false);
  });

  it("refuses to match with an invalid pattern rather than answering false", () => {
    expect(() => matchesEventPattern({ source: "aws.ec2" } as EventPattern, ec2Event)).toThrow(
      /object or an array/,
    );
  });
});

describe("validateEventPattern", () => {
  const invalid: [string, unknown, RegExp][] = [
    ["a non-object pattern", "aws.ec2", /must be a JSON object/],
    ["an empty pattern", {}, /must not be empty/],
    ["a bare leaf value", { source: "aws.ec2" }, /source: must be an object or an array/],
    ["an empty leaf array", { detail: { state: [] } }, /detail\.state: a leaf array must not be empty/],
    ["a nested array", { x: [["a"]] }, /x\[0\]: nested arrays/],
    ["two operators in one filter", { x: [{ prefix: "a", suffix: "b" }] }, /exactly one operator/],
    ["an unknown operator", { x: [{ contains: "a" }] }, /unknown operator "contains"/],
    ["a numeric prefix", { x: [{ prefix: 5 }] }, /"prefix" takes a string/],
    ["numeric bounds that are not numbers", { x: [{ numeric: [">", "a"] }] }, /"numeric"/],
    ["numeric bounds in the wrong order", { x: [{ numeric: ["<", 5, ">", 1] }] }, /"numeric"/],
    ["an empty numeric range", { x: [{ numeric: [">", 10, "<", 5] }] }, /lower numeric bound/],
    ["a numeric bound out of range", { x: [{ numeric: ["=", 6e9] }] }, /within/],
    ["exists with a non-boolean", { x: [{ exists: "yes" }] }, /"exists" takes true or false/],
    ["anything-but with a mixed list", { x: [{ "anything-but": [1, "a"] }] }, /only strings or only numbers/],
    ["a wildcard with consecutive stars", { x: [{ wildcard: "a**b" }] }, /consecutive/],
    ["$or with one alternative", { $or: [{ a: [1] }] }, /at least two/],
    ["an IPv6 cidr", { x: [{ cidr: "2001:db8::/32" }] }, /IPv6 is not supported/],
  ];
  for (const [name, pattern, message] of invalid) {
    it(`rejects ${name}`, () => {
      const errors = validateEventPattern(pattern);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join("\n")).toMatch(message);
    });
  }

  it("parses pattern text and reports JSON errors", () => {
    expect(parseEventPattern('{"source":["aws.drs"]}')).toEqual({ pattern: { source: ["aws.drs"] } });
    expect(parseEventPattern("{source:")).toEqual({ errors: [expect.stringMatching(/not valid JSON/)] });
  });
});
