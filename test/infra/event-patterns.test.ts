import { type FunctionRule, RULES, replicationStalledAlert } from "@drs-orchestrator/app";
import { matchesEventPattern, validateEventPattern } from "@drs-orchestrator/local";
import { describe, expect, it } from "vitest";
import { RECOVERY_ARN } from "./fixtures";

const envelope = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  account: "111122223333",
  region: "us-west-2",
  time: "2026-11-21T10:04:19Z",
};

/** Sample events by detail-type: the DRS one as AWS-FACTS.md gives it, the others as AWS documents them. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  "DRS Source Server Launch Result": {
    ...envelope,
    "detail-type": "DRS Source Server Launch Result",
    source: "aws.drs",
    resources: ["arn:aws:drs:us-west-2:111122223333:source-server/s-1234567890abcdef0"],
    detail: { state: "RECOVERY_LAUNCH_SUCCEEDED", "job-id": "drsjob-1234567890abcdef0", "is-drill": "TRUE" },
  },
  "DRS Source Server Data Replication Stalled Change": {
    ...envelope,
    "detail-type": "DRS Source Server Data Replication Stalled Change",
    source: "aws.drs",
    resources: ["arn:aws:drs:us-west-2:111122223333:source-server/s-1234567890abcdef0"],
    detail: { state: "STALLED" },
  },
  "CloudWatch Alarm State Change": {
    ...envelope,
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    resources: ["arn:aws:cloudwatch:us-west-2:111122223333:alarm:payments-region-health"],
    detail: {
      alarmName: "payments-region-health",
      state: { value: "ALARM", reason: "Threshold Crossed", timestamp: "2026-11-21T10:04:19.000+0000" },
      previousState: { value: "OK", timestamp: "2026-11-21T09:04:19.000+0000" },
    },
  },
  "Step Functions Execution Status Change": {
    ...envelope,
    "detail-type": "Step Functions Execution Status Change",
    source: "aws.states",
    resources: [`${RECOVERY_ARN.replace(":stateMachine:", ":execution:")}:drill-1`],
    detail: {
      executionArn: `${RECOVERY_ARN.replace(":stateMachine:", ":execution:")}:drill-1`,
      stateMachineArn: RECOVERY_ARN,
      name: "drill-1",
      status: "SUCCEEDED",
      startDate: 1795250000000,
      stopDate: 1795253600000,
    },
  },
  "Recovery Requested": {
    ...envelope,
    "detail-type": "Recovery Requested",
    source: "drs-orchestrator.requests",
    resources: [],
    detail: { planId: "shop", mode: "DRILL", reason: "monthly DR drill", requestedBy: "ops" },
  },
};

/** Paths of the pattern's leaves (arrays of allowed values) below `detail`. */
function detailLeaves(pattern: unknown, path: string[] = []): string[][] {
  if (Array.isArray(pattern)) return [path];
  if (typeof pattern !== "object" || pattern === null) return [];
  return Object.entries(pattern).flatMap(([key, value]) => detailLeaves(value, [...path, key]));
}

function withValue(event: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) as string] = value;
  return copy;
}

const stalled = replicationStalledAlert();
const rules: FunctionRule[] = [...RULES, { ...stalled, bus: "default", targetFunction: "(alert topic)" }];

describe.each(rules.map((rule) => [rule.name, rule] as const))("event pattern of rule %s", (_name, rule) => {
  const detailType = (rule.eventPattern["detail-type"] as string[] | undefined)?.[0] ?? "";
  const sample = SAMPLES[detailType];

  it("is a valid EventBridge pattern", () => {
    expect(validateEventPattern(rule.eventPattern)).toEqual([]);
  });

  it("matches the sample event", () => {
    expect(sample, `add a sample "${detailType}" event`).toBeDefined();
    expect(matchesEventPattern(rule.eventPattern, sample)).toBe(true);
  });

  it("rejects near-misses: another source, another detail-type, another value of each detail field", () => {
    if (!sample) throw new Error(`no sample "${detailType}" event`);
    expect(matchesEventPattern(rule.eventPattern, { ...sample, source: "aws.ec2" })).toBe(false);
    expect(
      matchesEventPattern(rule.eventPattern, { ...sample, "detail-type": `${detailType} Preview` }),
    ).toBe(false);
    for (const leaf of detailLeaves(rule.eventPattern.detail)) {
      const missed = withValue(sample, ["detail", ...leaf], "SOMETHING_ELSE");
      expect(matchesEventPattern(rule.eventPattern, missed), `detail.${leaf.join(".")}`).toBe(false);
    }
  });
});

describe("replication stalled alert", () => {
  it("ignores the change back to NOT_STALLED", () => {
    const sample = SAMPLES["DRS Source Server Data Replication Stalled Change"] as Record<string, unknown>;
    expect(
      matchesEventPattern(stalled.eventPattern, withValue(sample, ["detail", "state"], "NOT_STALLED")),
    ).toBe(false);
  });

  it("names the server from the event in its message", () => {
    expect(stalled.inputTransformer.inputPaths.server).toBe("$.resources[0]");
    expect(stalled.inputTransformer.inputTemplate).toContain("<server>");
  });
});
