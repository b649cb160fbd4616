import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { localClientConfig } from "@drs-orchestrator/app";
import {
  InvalidInputError,
  OutboundEventRejectedError,
  outboundEventSchema,
  type WaveStatusChange,
} from "@drs-orchestrator/core";
import { type EngineContext, publishOutboundEvent } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";

const BUS = "drs-orchestrator-test";

const wave: WaveStatusChange = {
  executionId: "shop-drill-0123456789abcdef",
  planId: "shop",
  wave: 1,
  groups: ["db"],
  status: "LAUNCHING",
  counts: { servers: 3, launched: 0, healthy: 0, failed: 0 },
};

let harness: LocalEngine;
let engine: EngineContext;
let events: EventBridgeClient;
const received: unknown[] = [];

beforeAll(async () => {
  harness = await startLocalEngine();
  engine = { ...harness.engine, config: { ...harness.engine.config, eventBusName: BUS } };
  events = new EventBridgeClient(localClientConfig(harness.local));
  await events.send(new CreateEventBusCommand({ Name: BUS }));
  const subscriber = harness.local.lambda.register({
    name: "subscriber",
    handler: async (event: unknown) => {
      received.push(event);
    },
  });
  await events.send(
    new PutRuleCommand({
      Name: "all",
      EventBusName: BUS,
      EventPattern: JSON.stringify({ source: ["drs-orchestrator"] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: "all",
      EventBusName: BUS,
      Targets: [{ Id: "subscriber", Arn: subscriber.arn }],
    }),
  );
});

afterAll(async () => {
  events?.destroy();
  await harness?.stop();
});

describe("publishOutboundEvent", () => {
  it("puts the detail on the engine's bus with the app's source, stamped with the given time", async () => {
    await publishOutboundEvent(engine, "Wave Status Change", wave, "2026-11-21T10:05:00.000Z");
    await harness.local.events.idle();
    expect(received).toHaveLength(1);
    const event = outboundEventSchema.parse(received[0]);
    expect(event).toMatchObject({
      source: "drs-orchestrator",
      "detail-type": "Wave Status Change",
      detail: wave,
    });
    expect(Date.parse(event.time)).toBe(Date.parse("2026-11-21T10:05:00Z"));
  });

  it("sends nothing when the detail breaks its schema, naming the field", async () => {
    const before = harness.local.events.receivedEvents.length;
    const error = await publishOutboundEvent(
      engine,
      "Wave Status Change",
      { ...wave, status: "PENDING" as never },
      "2026-11-21T10:05:00.000Z",
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems.map((p) => p.path)).toEqual(["status"]);
    expect(harness.local.events.receivedEvents.length).toBe(before);
  });

  it("a bus that does not exist is a named error, not one the workflow retries", async () => {
    const missing = { ...engine, config: { ...engine.config, eventBusName: "no-such-bus" } };
    const error = await publishOutboundEvent(
      missing,
      "Wave Status Change",
      wave,
      "2026-11-21T10:05:00.000Z",
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutboundEventRejectedError);
    expect(error).toMatchObject({
      name: "OutboundEventRejectedError",
      errorCode: "ResourceNotFoundException",
    });
    expect((error as Error).message).toContain("check EVENT_BUS_NAME");
  });
});
