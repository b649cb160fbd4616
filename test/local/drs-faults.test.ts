import {
  DescribeJobsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  InternalServerException,
  StartRecoveryCommand,
  ThrottlingException,
} from "@aws-sdk/client-drs";
import { type Fleet, parseDuration } from "@drs-orchestrator/core";
import { StandardRetryStrategy } from "@smithy/middleware-retry";
import { afterEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { createDrsEmulator } from "../../packages/local/src/drs/drs-emulator";
import { createEc2Emulator } from "../../packages/local/src/ec2/ec2-emulator";
import type { FaultRecord } from "../../packages/local/src/faults/fault-injector";
import type { FaultOptions } from "../../packages/local/src/faults/fault-options";
import { generateFleet } from "../../packages/local/src/fleet/generate-fleet";
import { startGateway } from "../../packages/local/src/gateway/gateway";
import type { BusEventInput } from "../../packages/local/src/runtime/contracts";

const QUICK = {
  jobStartSeconds: 5,
  snapshotSeconds: 30,
  conversionSeconds: 30,
  bootLinuxSeconds: 30,
  bootWindowsSeconds: 30,
};
const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function localDrs(fleet: Fleet, faults: FaultOptions) {
  const clock = new SimClock({ speed: 3000, start: new Date("2026-11-21T10:00:00Z") });
  const published: (BusEventInput & { atMs: number })[] = [];
  const arrivals: number[] = [];
  const ec2 = createEc2Emulator({ clock, accountId: "111122223333", region: "us-east-1", fleet });
  const drs = createDrsEmulator({
    clock,
    accountId: "111122223333",
    region: "us-east-1",
    fleet,
    ec2,
    faults,
    timings: QUICK,
    events: {
      publish: async (event) => {
        published.push({ ...event, atMs: clock.nowMs() });
      },
    },
  });
  // Records when each DRS request arrives, to see how long the SDK waited between attempts.
  const timedDrs = {
    signingName: "drs",
    handle: (request: Parameters<typeof drs.handle>[0]) => {
      arrivals.push(performance.now());
      return drs.handle(request);
    },
  };
  const gateway = await startGateway({ handlers: [ec2, timedDrs] });
  const clients: DrsClient[] = [];
  cleanups.push(async () => {
    for (const client of clients) client.destroy();
    await gateway.close();
    drs.stop();
    clock.stop();
  });
  return {
    clock,
    drs,
    published,
    arrivals,
    /** The SDK's default client: standard retry mode, 3 attempts. */
    defaultClient(maxAttempts?: number) {
      const client = new DrsClient({
        endpoint: gateway.endpoint,
        region: "us-east-1",
        credentials,
        maxAttempts,
      });
      clients.push(client);
      return client;
    },
    /**
     * A client on the SDK's classic standard strategy, which waits what Retry-After says (the
     * default strategy of this SDK version reads a numeric Retry-After as a date and ignores it).
     */
    retryAfterClient(maxAttempts: number) {
      const client = new DrsClient({
        endpoint: gateway.endpoint,
        region: "us-east-1",
        credentials,
        retryStrategy: new StandardRetryStrategy(async () => maxAttempts, { delayDecider: () => 0 }),
      });
      clients.push(client);
      return client;
    },
  };
}

function ids(fleet: Fleet): string[] {
  return fleet.sourceServers.map((server) => server.sourceServerID);
}

function startRecovery(client: DrsClient, sourceServerIds: string[]) {
  return client.send(
    new StartRecoveryCommand({
      isDrill: true,
      sourceServers: sourceServerIds.map((sourceServerID) => ({ sourceServerID })),
    }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

function failedServers(drs: { faultTrace: readonly FaultRecord[] }): string[] {
  return drs.faultTrace
    .flatMap((record) => (record.fault === "launchFailure" ? [record.sourceServerID] : []))
    .sort();
}

function droppedEvents(drs: { faultTrace: readonly FaultRecord[] }): string[] {
  return drs.faultTrace
    .flatMap((record) => (record.fault === "eventDropped" ? [record.resource] : []))
    .sort();
}

describe("DRS fault injection: API faults", () => {
  it("throttles a seeded share of calls with 429 ThrottlingException; the SDK retries until one gets through", async () => {
    const fleet = generateFleet({ servers: 3 });
    const local = await localDrs(fleet, { seed: 11, throttle: { percent: 50, retryAfterSeconds: 0 } });
    const client = local.retryAfterClient(10);
    let attempts = 0;
    for (let i = 0; i < 20; i++) {
      const { items, $metadata } = await client.send(new DescribeSourceServersCommand({}));
      expect(items).toHaveLength(3);
      attempts += $metadata.attempts ?? 0;
    }
    const { counters } = local.drs;
    expect(counters.throttled).toBeGreaterThan(5);
    expect(attempts).toBe(20 + counters.throttled);
    expect(counters.calls.DescribeSourceServers).toBe(attempts);
    expect(local.drs.faultTrace.every((record) => record.fault === "throttle")).toBe(true);
    expect(local.drs.faultTrace).toHaveLength(counters.throttled);
  });

  it("sends Retry-After with each 429, and the SDK's default client gives up after its 3 attempts", async () => {
    const fleet = generateFleet({ servers: 1 });
    const local = await localDrs(fleet, {
      throttle: { percent: 100, retryAfterSeconds: 1, operations: ["StartRecovery"] },
    });
    const error = await rejection(startRecovery(local.defaultClient(), ids(fleet)));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({
      retryAfterSeconds: "1",
      serviceCode: "drs",
      quotaCode: "RequestRate",
      $metadata: { httpStatusCode: 429, attempts: 3 },
    });
    expect(local.drs.counters).toMatchObject({ startRecoveryCalls: 3, throttled: 3, launchJobs: 0 });
    // Other operations are not throttled.
    expect((await local.defaultClient().send(new DescribeJobsCommand({}))).items).toEqual([]);
  });

  it("makes a client that honours Retry-After wait that long before it retries", async () => {
    const fleet = generateFleet({ servers: 1 });
    const local = await localDrs(fleet, {
      throttle: { percent: 100, retryAfterSeconds: 1, operations: ["DescribeJobs"] },
    });
    const error = await rejection(local.retryAfterClient(2).send(new DescribeJobsCommand({})));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(error).toMatchObject({ $metadata: { attempts: 2 } });
    expect((error as ThrottlingException).$metadata.totalRetryDelay).toBeGreaterThanOrEqual(1000);
    const [first, second] = local.arrivals as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(990);
  });

  it("answers the burst of calls after call M with 500 InternalServerException, which the SDK retries", async () => {
    const fleet = generateFleet({ servers: 1 });
    const local = await localDrs(fleet, { serverErrors: { afterCalls: 2, count: 2, retryAfterSeconds: 0 } });
    const once = local.defaultClient(1);
    const outcomes = [];
    for (let call = 1; call <= 5; call++) {
      outcomes.push(
        await once.send(new DescribeJobsCommand({})).then(
          () => "ok",
          (error: unknown) => error,
        ),
      );
    }
    expect(outcomes.map((outcome) => (outcome === "ok" ? "ok" : (outcome as Error).name))).toEqual([
      "ok",
      "ok",
      "InternalServerException",
      "InternalServerException",
      "ok",
    ]);
    expect(outcomes[2]).toBeInstanceOf(InternalServerException);
    expect(outcomes[2]).toMatchObject({
      $fault: "server",
      retryAfterSeconds: 0,
      $metadata: { httpStatusCode: 500 },
    });
    expect(local.drs.faultTrace).toEqual([
      { fault: "serverError", call: 3, operation: "DescribeJobs" },
      { fault: "serverError", call: 4, operation: "DescribeJobs" },
    ]);

    const again = await localDrs(fleet, { serverErrors: { afterCalls: 0, count: 2, retryAfterSeconds: 0 } });
    const { $metadata } = await again.defaultClient().send(new DescribeJobsCommand({}));
    expect($metadata.attempts).toBe(3);
    expect(again.drs.counters).toMatchObject({ serverErrors: 2, calls: { DescribeJobs: 3 } });
  });

  it("refuses invalid fault options and servers that are not in the fleet", async () => {
    const fleet = generateFleet({ servers: 1 });
    await expect(localDrs(fleet, { throttle: { percent: 150 } })).rejects.toThrow(
      /faults\.throttle\.percent/,
    );
    await expect(
      localDrs(fleet, { failLaunch: { sourceServerIds: ["s-0000000000000dead"] } }),
    ).rejects.toThrow(/faults name source server s-0000000000000dead, which is not in the fleet/);
  });
});

describe("DRS fault injection: launch and event faults", () => {
  async function drillAll(fleet: Fleet, faults: FaultOptions) {
    const local = await localDrs(fleet, faults);
    const { job } = await startRecovery(local.defaultClient(), ids(fleet));
    await local.drs.idle();
    return { ...local, jobID: job?.jobID as string };
  }

  it("fails the launch of named servers and of a seeded share of the others, the same for the same seed", async () => {
    const fleet = generateFleet({ servers: 20 });
    const named = ids(fleet)[7] as string;
    const faults = { seed: 5, failLaunch: { sourceServerIds: [named], percent: 30 } };
    const run = await drillAll(fleet, faults);
    const failed = failedServers(run.drs);
    expect(failed).toContain(named);
    expect(failed.length).toBeGreaterThan(2);
    expect(failed.length).toBeLessThan(15);

    const [job] = run.drs.jobs();
    const failedInJob = job?.participatingServers
      ?.filter((server) => server.launchStatus === "FAILED")
      .map((server) => server.sourceServerID)
      .sort();
    expect(failedInJob).toEqual(failed);
    const log = run.drs.jobLog(run.jobID);
    const failure = log.find(
      (item) => item.event === "LAUNCH_FAILED" && item.eventData?.sourceServerID === named,
    );
    expect(failure?.eventData?.rawError).toMatch(/InsufficientInstanceCapacity.*\(injected fault\)$/);
    const failedEvents = run.published
      .filter((event) => event.detail.state === "RECOVERY_LAUNCH_FAILED")
      .map((event) => event.resources?.[0]?.split("/")[1])
      .sort();
    expect(failedEvents).toEqual(failed);

    const same = await drillAll(fleet, faults);
    expect(failedServers(same.drs)).toEqual(failed);
    const other = await drillAll(fleet, { ...faults, seed: 6 });
    expect(failedServers(other.drs)).not.toEqual(failed);
  });

  it("fails a server's first N launches and lets the later ones succeed, counting every launch per server", async () => {
    const fleet = generateFleet({ servers: 3 });
    const [flaky, steady, idle] = ids(fleet) as [string, string, string];
    const local = await localDrs(fleet, { failLaunch: { times: { [flaky]: 2 } } });
    const client = local.defaultClient();
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const { job } = await startRecovery(client, [flaky, steady]);
      await local.drs.idle();
      const jobID = job?.jobID as string;
      const [done] = local.drs.jobs().filter((candidate) => candidate.jobID === jobID);
      const status = (id: string) =>
        done?.participatingServers?.find((server) => server.sourceServerID === id)?.launchStatus;
      outcomes.push(`${status(flaky)}/${status(steady)}`);
      const failure = local.drs
        .jobLog(jobID)
        .find((item) => item.event === "LAUNCH_FAILED" && item.eventData?.sourceServerID === flaky);
      expect(failure === undefined, `launch ${attempt}`).toBe(attempt > 2);
      expect(local.drs.counters.launches).toEqual({ [flaky]: attempt, [steady]: attempt });
    }
    expect(outcomes).toEqual(["FAILED/LAUNCHED", "FAILED/LAUNCHED", "LAUNCHED/LAUNCHED"]);
    expect(failedServers(local.drs)).toEqual([flaky, flaky]);
    expect(local.drs.sourceServer(flaky)?.lastLaunchResult).toBe("SUCCEEDED");
    expect(local.drs.counters.launches[idle]).toBeUndefined();

    // A refused request launches nothing, so it counts no launch.
    const throttled = await localDrs(fleet, {
      throttle: { percent: 100, retryAfterSeconds: 0, operations: ["StartRecovery"] },
    });
    await rejection(startRecovery(throttled.defaultClient(1), [flaky]));
    expect(throttled.drs.counters.launches).toEqual({});

    await expect(localDrs(fleet, { failLaunch: { times: { [flaky]: 0 } } })).rejects.toThrow(
      new RegExp(`faults\\.failLaunch\\.times\\.${flaky}`),
    );
    await expect(localDrs(fleet, { failLaunch: { times: { "s-0000000000000dead": 1 } } })).rejects.toThrow(
      /faults name source server s-0000000000000dead, which is not in the fleet/,
    );
  });

  it("drops a seeded share of DRS events and delivers the rest", async () => {
    const fleet = generateFleet({ servers: 20 });
    const run = await drillAll(fleet, { seed: 3, dropEvents: { percent: 40 } });
    const { counters } = run.drs;
    expect(counters.eventsDropped).toBeGreaterThan(2);
    expect(counters.eventsDropped + counters.eventsPublished).toBe(20);
    expect(run.published).toHaveLength(counters.eventsPublished);
    const dropped = droppedEvents(run.drs);
    expect(dropped).toHaveLength(counters.eventsDropped);
    const delivered = run.published.map((event) => event.resources?.[0]);
    expect(dropped.filter((arn) => delivered.includes(arn))).toEqual([]);
    // Every launch succeeded: only the events are missing.
    expect(
      run.drs.jobs()[0]?.participatingServers?.every((server) => server.launchStatus === "LAUNCHED"),
    ).toBe(true);

    const same = await drillAll(fleet, { seed: 3, dropEvents: { percent: 40 } });
    expect(same.drs.faultTrace.map((record) => (record as { resource: string }).resource).sort()).toEqual(
      dropped,
    );
  });

  it("delays DRS events by a simulated amount", async () => {
    const fleet = generateFleet({ servers: 4 });
    const run = await drillAll(fleet, { delayEvents: { seconds: 600, jitterSeconds: 60 } });
    expect(run.drs.counters).toMatchObject({ eventsDelayed: 4, eventsPublished: 4 });
    expect(run.published).toHaveLength(4);
    for (const event of run.published) {
      // The event keeps the time it happened and reaches the bus about ten minutes later.
      const lateBy = (event.atMs - Date.parse(event.time as string)) / 1000;
      expect(lateBy).toBeGreaterThanOrEqual(535);
      expect(lateBy).toBeLessThanOrEqual(900);
    }
  });

  it("stalls replication of the named servers: STALLED with a growing lag and a Stalled Change event", async () => {
    const fleet = generateFleet({ servers: 2 });
    const [stalled, healthy] = ids(fleet) as [string, string];
    const local = await localDrs(fleet, {
      stallReplication: { sourceServerIds: [stalled], afterSeconds: 600 },
    });
    // Ten simulated minutes are 200 ms here: checked in process, right away, replication is still healthy.
    expect(local.drs.sourceServer(stalled)?.dataReplicationInfo?.dataReplicationState).toBe("CONTINUOUS");
    const client = local.defaultClient();
    const describe = async () =>
      Object.fromEntries(
        ((await client.send(new DescribeSourceServersCommand({}))).items ?? []).map((item) => [
          item.sourceServerID,
          item.dataReplicationInfo,
        ]),
      );

    await local.clock.sleep(630_000);
    const first = await describe();
    expect(first[stalled]).toMatchObject({
      dataReplicationState: "STALLED",
      dataReplicationError: { error: "UNSTABLE_NETWORK" },
    });
    expect(first[healthy]?.dataReplicationState).toBe("CONTINUOUS");
    expect(local.published).toEqual([
      {
        source: "aws.drs",
        detailType: "DRS Source Server Data Replication Stalled Change",
        resources: [`arn:aws:drs:us-east-1:111122223333:source-server/${stalled}`],
        time: expect.stringMatching(/^2026-11-21T10:\d\d:\d\dZ$/),
        detail: { state: "STALLED" },
        atMs: expect.any(Number),
      },
    ]);
    await local.clock.sleep(300_000);
    // Stalled for at least the five minutes slept since: the lag keeps growing.
    const lag = parseDuration((await describe())[stalled]?.lagDuration as string) as number;
    expect(lag).toBeGreaterThan(300);
    expect(lag).toBeLessThan(1200);
    // Stalling a stalled server changes nothing: no second event, the lag keeps growing.
    local.drs.stallReplication([stalled]);
    expect(local.published).toHaveLength(1);
    expect(parseDuration((await describe())[stalled]?.lagDuration as string)).toBeGreaterThanOrEqual(lag);

    local.drs.resumeReplication([stalled]);
    expect((await describe())[stalled]).toMatchObject({
      dataReplicationState: "CONTINUOUS",
      lagDuration: "PT0S",
    });
    await local.drs.idle();
    expect(local.published.map((event) => event.detail.state)).toEqual(["STALLED", "NOT_STALLED"]);
    expect(local.drs.faultTrace).toEqual([{ fault: "replicationStalled", sourceServerID: stalled }]);
  });

  it("injects the same faults for the same seed, and others for another seed", async () => {
    const fleet = generateFleet({ servers: 12 });
    async function scenario(seed: number) {
      const local = await localDrs(fleet, {
        seed,
        throttle: { percent: 30, retryAfterSeconds: 0 },
        failLaunch: { percent: 25 },
        dropEvents: { percent: 25 },
        delayEvents: { seconds: 30, jitterSeconds: 30 },
      });
      const client = local.retryAfterClient(20);
      for (let batch = 0; batch < 3; batch++)
        await startRecovery(client, ids(fleet).slice(batch * 4, batch * 4 + 4));
      await local.drs.idle();
      const { calls, ...counters } = local.drs.counters;
      return {
        trace: local.drs.faultTrace.map((record) => JSON.stringify(record)).sort(),
        counters,
        calls,
        jobs: local.drs.jobs().map((job) => job.jobID),
      };
    }
    const first = await scenario(7);
    expect(first.trace.length).toBeGreaterThan(5);
    expect(await scenario(7)).toEqual(first);
    expect((await scenario(8)).trace).not.toEqual(first.trace);
  });
});
