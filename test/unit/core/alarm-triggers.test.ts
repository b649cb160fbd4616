import {
  type AlarmStateChange,
  alarmIdempotencyKey,
  alarmStateChangeEventSchema,
  decideAlarmStarts,
  type Plan,
  parsePlan,
  recoveryRequestedEventSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** The event as the CloudWatch user guide shows it for a single-metric alarm (trimmed configuration). */
const alarmEvent = {
  version: "0",
  id: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
  "detail-type": "CloudWatch Alarm State Change",
  source: "aws.cloudwatch",
  account: "123456789012",
  time: "2019-10-02T17:04:40Z",
  region: "us-east-1",
  resources: ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh"],
  detail: {
    alarmName: "ServerCpuTooHigh",
    configuration: { description: "Goes into alarm when server CPU utilization is too high!", metrics: [] },
    previousState: {
      reason: "Threshold Crossed: 1 out of the last 1 datapoints [0.0666851903306472 (01/10/19 13:46:00)]",
      timestamp: "2019-10-01T13:56:40.985+0000",
      value: "OK",
    },
    state: {
      reason: "Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)]",
      timestamp: "2019-10-02T17:04:40.989+0000",
      value: "ALARM",
    },
  },
};

function plan(id: string, triggers?: Record<string, unknown>): Plan {
  return parsePlan({
    id,
    name: id,
    rto: "45m",
    rpo: "5m",
    groups: [{ id: "app", select: { tags: { app: id } } }],
    ...(triggers && { triggers }),
  });
}

function change(overrides: Partial<AlarmStateChange> = {}): AlarmStateChange {
  return {
    eventId: "e-1",
    time: "2026-11-21T10:00:00Z",
    alarmName: "payments-region-health",
    state: "ALARM",
    previousState: "OK",
    changedAt: "2026-11-21T10:00:00.120+0000",
    ...overrides,
  };
}

describe("CloudWatch Alarm State Change event", () => {
  it("reads the alarm, its new and previous state and when it changed", () => {
    expect(alarmStateChangeEventSchema.parse(alarmEvent)).toEqual({
      eventId: "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
      time: "2019-10-02T17:04:40Z",
      alarmName: "ServerCpuTooHigh",
      state: "ALARM",
      previousState: "OK",
      changedAt: "2019-10-02T17:04:40.989+0000",
    });
  });

  it("names the fields that are missing or wrong", () => {
    const result = alarmStateChangeEventSchema.safeParse({
      ...alarmEvent,
      detail: { state: { value: "RED" } },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)).toEqual([
      "detail.alarmName: required: the alarm's name",
      "detail.state.value: expected OK, ALARM or INSUFFICIENT_DATA",
    ]);
  });
});

describe("Recovery Requested event envelope", () => {
  it("takes any detail (the start path checks it) but requires the request source and detail-type", () => {
    const event = {
      id: "11111111-2222-3333-4444-555555555555",
      source: "drs-orchestrator.requests",
      "detail-type": "Recovery Requested",
      time: "2026-11-21T10:00:00Z",
      detail: { anything: true },
    };
    expect(recoveryRequestedEventSchema.parse(event).detail).toEqual({ anything: true });
    const wrong = recoveryRequestedEventSchema.safeParse({ ...event, source: "drs-orchestrator" });
    expect(wrong.error?.issues.map((issue) => issue.message)).toEqual([
      'expected source "drs-orchestrator.requests"',
    ]);
  });
});

describe("decideAlarmStarts", () => {
  const payments = plan("payments", { alarms: [{ name: "payments-region-health" }] });
  const shop = plan("shop", { alarms: [{ name: "shop-health" }, { name: "payments-region-health" }] });
  const automatic = plan("ledger", {
    alarms: [{ name: "payments-region-health", mode: "RECOVERY" }],
    allowAutomaticRecovery: true,
  });
  const untriggered = plan("estate");

  it("starts a drill of every plan naming the alarm, in plan order", () => {
    expect(decideAlarmStarts(change(), [untriggered, shop, payments])).toEqual({
      action: "start",
      starts: [
        { planId: "payments", mode: "DRILL" },
        { planId: "shop", mode: "DRILL" },
      ],
    });
  });

  it("starts a real recovery only for a plan that opted in, confirmed by the plan ID", () => {
    expect(decideAlarmStarts(change(), [automatic, payments])).toEqual({
      action: "start",
      starts: [
        { planId: "ledger", mode: "RECOVERY", confirm: "ledger" },
        { planId: "payments", mode: "DRILL" },
      ],
    });
  });

  it("a RECOVERY alarm without the opt-in is refused when the plan is validated", () => {
    expect(() => plan("rogue", { alarms: [{ name: "x", mode: "RECOVERY" }] })).toThrow(
      /allowAutomaticRecovery/,
    );
  });

  it("ignores unmapped alarms and changes that are not into ALARM", () => {
    expect(decideAlarmStarts(change({ alarmName: "nobody-names-me" }), [payments, shop])).toEqual({
      action: "ignore",
      reason: "no plan names alarm nobody-names-me",
    });
    expect(decideAlarmStarts(change({ state: "OK", previousState: "ALARM" }), [payments])).toEqual({
      action: "ignore",
      reason: "alarm payments-region-health went to OK, not ALARM",
    });
    expect(decideAlarmStarts(change({ previousState: "ALARM" }), [payments])).toEqual({
      action: "ignore",
      reason: "alarm payments-region-health was already in ALARM",
    });
  });

  it("never starts a RECOVERY without the plan's opt-in, whatever the plans say", () => {
    const planShape = fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      alarms: fc.uniqueArray(
        fc.record({ name: fc.constantFrom("a", "b", "c"), mode: fc.constantFrom("DRILL", "RECOVERY") }),
        { selector: (alarm) => alarm.name, maxLength: 3 },
      ),
      allowAutomaticRecovery: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(planShape, { selector: (p) => p.id, maxLength: 6 }),
        fc.constantFrom("a", "b", "c"),
        (shapes, alarmName) => {
          // Plans as a store may hold them, also ones validation would refuse today.
          const plans = shapes.map(
            (shape) =>
              ({
                ...plan(shape.id),
                triggers: { alarms: shape.alarms, allowAutomaticRecovery: shape.allowAutomaticRecovery },
              }) as Plan,
          );
          const decision = decideAlarmStarts(change({ alarmName }), plans);
          const naming = shapes.filter((shape) => shape.alarms.some((alarm) => alarm.name === alarmName));
          if (naming.length === 0) {
            expect(decision.action).toBe("ignore");
            return;
          }
          if (decision.action !== "start") throw new Error("expected starts");
          expect(decision.starts.map((start) => start.planId)).toEqual(naming.map((s) => s.id).sort());
          for (const start of decision.starts) {
            const shape = shapes.find((s) => s.id === start.planId);
            const alarm = shape?.alarms.find((a) => a.name === alarmName);
            const recovery = alarm?.mode === "RECOVERY" && shape?.allowAutomaticRecovery === true;
            expect(start).toEqual(
              recovery
                ? { planId: start.planId, mode: "RECOVERY", confirm: start.planId }
                : { planId: start.planId, mode: "DRILL" },
            );
          }
        },
      ),
    );
  });

  it("keys a start by the alarm and its state change, not by the event delivery", () => {
    const first = change({ eventId: "delivery-1" });
    const again = change({ eventId: "delivery-2", time: "2026-11-21T10:00:03Z" });
    expect(alarmIdempotencyKey(first)).toBe(alarmIdempotencyKey(again));
    expect(alarmIdempotencyKey(change({ changedAt: "2026-11-21T11:00:00.000+0000" }))).not.toBe(
      alarmIdempotencyKey(first),
    );
  });
});
