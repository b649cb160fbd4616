import { afterEach, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import type { LambdaContext } from "../../packages/local/src/lambda/lambda-context";
import { LambdaFunctionError, LambdaServiceError } from "../../packages/local/src/lambda/lambda-errors";
import { createLambdaRuntime, type LambdaRuntime } from "../../packages/local/src/lambda/lambda-runtime";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const ARN = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

let clock: SimClock;
let runtime: LambdaRuntime;

function start(speed = 1000) {
  clock = new SimClock({ speed, start: new Date("2026-11-21T10:00:00Z") });
  runtime = createLambdaRuntime({ clock, accountId: ACCOUNT, region: REGION });
  return runtime;
}

afterEach(() => {
  runtime.stop();
  clock.stop();
});

class WaveFailedError extends Error {
  override name = "WaveFailedError";
}

describe("Lambda runtime", () => {
  it("passes a Lambda-like context whose remaining time runs in real time, as the handler's code does", async () => {
    start(100);
    let seen: { context: LambdaContext; before: number; after: number } | undefined;
    runtime.register({
      name: "inspect",
      timeoutSeconds: 60,
      memorySize: 256,
      handler: async (_event: unknown, context: LambdaContext) => {
        const before = context.getRemainingTimeInMillis();
        await new Promise((resolve) => setTimeout(resolve, 200));
        seen = { context, before, after: context.getRemainingTimeInMillis() };
        return "ok";
      },
    });
    const startedAt = performance.now();
    await runtime.invoke("inspect", {});
    expect(performance.now() - startedAt).toBeLessThan(1000);

    const { context, before, after } = seen as NonNullable<typeof seen>;
    expect(context).toMatchObject({
      functionName: "inspect",
      functionVersion: "$LATEST",
      invokedFunctionArn: ARN("inspect"),
      memoryLimitInMB: "256",
      logGroupName: "/aws/lambda/inspect",
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(context.logStreamName).toMatch(/^2026\/11\/21\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(before).toBeGreaterThan(59_000);
    expect(before).toBeLessThanOrEqual(60_000);
    // Real timers may fire a fraction of a millisecond early, i.e. up to ~100 simulated ms here.
    expect(before - after).toBeGreaterThanOrEqual(190);
    expect(before - after).toBeLessThan(1_000);
  });

  it("reports the ARN it was invoked with and accepts $LATEST", async () => {
    start();
    const arns: string[] = [];
    runtime.register({
      name: "echo",
      handler: async (_event: unknown, context: LambdaContext) => arns.push(context.invokedFunctionArn),
    });
    await runtime.invoke("echo", {});
    await runtime.invoke(`${ARN("echo")}:$LATEST`, {});
    await runtime.invoke(`${ACCOUNT}:function:echo`, {});
    expect(arns).toEqual([ARN("echo"), `${ARN("echo")}:$LATEST`, ARN("echo")]);
  });

  it("copies payloads and results through JSON like the wire does", async () => {
    start();
    runtime.register({
      name: "mutate",
      handler: async (event: { list: number[]; when: string; gone?: unknown }) => {
        event.list.push(4);
        return { echoed: event, dropped: undefined, at: new Date("2026-01-01T00:00:00Z") };
      },
    });
    runtime.register({ name: "nothing", handler: async () => undefined });
    const payload = { list: [1, 2, 3], when: new Date("2026-11-21T10:00:00Z"), gone: undefined };
    const result = await runtime.invoke("mutate", payload);
    expect(payload.list).toEqual([1, 2, 3]);
    expect(result).toEqual({
      echoed: { list: [1, 2, 3, 4], when: "2026-11-21T10:00:00.000Z" },
      at: "2026-01-01T00:00:00.000Z",
    });
    expect(await runtime.invoke("nothing", undefined)).toBeNull();
    expect(runtime.invocations.at(-1)?.event).toEqual({});
  });

  it("times out in real time, whatever the clock speed, with Lambda's error type and message", async () => {
    start(1000);
    runtime.register({
      name: "slow",
      timeoutSeconds: 1,
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        return "too late";
      },
    });
    const startedAt = performance.now();
    const error = await runtime.invoke("slow", {}).catch((thrown: unknown) => thrown);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990);
    expect(performance.now() - startedAt).toBeLessThan(1_450);
    expect(error).toBeInstanceOf(LambdaFunctionError);
    const failure = error as LambdaFunctionError;
    expect(failure.errorType).toBe("Sandbox.Timedout");
    expect(failure.errorMessage).toBe(
      `RequestId: ${failure.requestId} Error: Task timed out after 1.00 seconds`,
    );
    expect(runtime.invocations.at(-1)).toMatchObject({ functionName: "slow", outcome: "failed" });
  });

  it("rejects with a LambdaFunctionError named after the thrown error", async () => {
    start();
    runtime.register({
      name: "fails",
      handler: async () => {
        throw new WaveFailedError("2 of 3 servers failed");
      },
    });
    const error = (await runtime
      .invoke("fails", {})
      .catch((thrown: unknown) => thrown)) as LambdaFunctionError;
    expect(error).toBeInstanceOf(LambdaFunctionError);
    expect(error.toPayload()).toMatchObject({
      errorType: "WaveFailedError",
      errorMessage: "2 of 3 servers failed",
    });
    expect(error.toPayload().trace[0]).toBe("WaveFailedError: 2 of 3 servers failed");
  });

  it("honours the legacy done/succeed/fail callbacks", async () => {
    start();
    runtime.register({
      name: "succeed",
      handler: (_event: unknown, context: LambdaContext) => context.succeed({ ok: 1 }),
    });
    runtime.register({
      name: "done",
      handler: (_event: unknown, context: LambdaContext) => context.done(new Error("nope")),
    });
    expect(await runtime.invoke("succeed", {})).toEqual({ ok: 1 });
    await expect(runtime.invoke("done", {})).rejects.toMatchObject({
      errorType: "Error",
      errorMessage: "nope",
    });
  });

  it("answers unknown functions and foreign ARNs with ResourceNotFoundException", async () => {
    start();
    runtime.register({ name: "here", handler: async () => 1 });
    for (const name of [
      "missing",
      "arn:aws:lambda:us-east-1:999999999999:function:here",
      `${ARN("here")}:7`,
    ]) {
      const error = await runtime.invoke(name, {}).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(LambdaServiceError);
      expect(error).toMatchObject({ type: "ResourceNotFoundException", status: 404 });
    }
  });

  it("validates registrations", () => {
    start();
    expect(() => runtime.register({ name: "bad name", handler: async () => 1 })).toThrow(/name: use letters/);
    expect(() => runtime.register({ name: "t", handler: async () => 1, timeoutSeconds: 0 })).toThrow(
      /timeoutSeconds/,
    );
    runtime.register({ name: "twice", handler: async () => 1 });
    expect(() => runtime.register({ name: "twice", handler: async () => 1 })).toThrow(/already registered/);
  });
});

describe("function environment", () => {
  const KEY = "DRS_LOCAL_TEST_TABLE";

  afterEach(() => {
    delete process.env[KEY];
  });

  it("applies variables to process.env and restores them on stop", async () => {
    start();
    runtime.register({
      name: "reader",
      environment: { [KEY]: "plans" },
      handler: async () => process.env[KEY],
    });
    runtime.register({ name: "same", environment: { [KEY]: "plans" }, handler: async () => 1 });
    expect(await runtime.invoke("reader", {})).toBe("plans");
    runtime.stop();
    expect(process.env[KEY]).toBeUndefined();
  });

  it("refuses a value that conflicts with another function or the host", () => {
    start();
    runtime.register({ name: "first", environment: { [KEY]: "plans" }, handler: async () => 1 });
    expect(() =>
      runtime.register({ name: "second", environment: { [KEY]: "other" }, handler: async () => 1 }),
    ).toThrow(`function second sets ${KEY}="other" but function first already set ${KEY}="plans"`);
    runtime.stop();
    clock.stop();
    process.env[KEY] = "from-host";
    start();
    expect(() =>
      runtime.register({ name: "third", environment: { [KEY]: "x" }, handler: async () => 1 }),
    ).toThrow(/the host process already set/);
    expect(() =>
      runtime.register({ name: "fourth", environment: { AWS_REGION: "x" }, handler: async () => 1 }),
    ).toThrow(/"AWS_REGION" is reserved by Lambda/);
    expect(process.env[KEY]).toBe("from-host");
  });
});
