import {
  InvalidRequestContentException,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClock } from "../../packages/local/src/clock/sim-clock";
import { type Gateway, startGateway } from "../../packages/local/src/gateway/gateway";
import { createLambdaInvokeApi } from "../../packages/local/src/lambda/lambda-invoke-api";
import { createLambdaRuntime, type LambdaRuntime } from "../../packages/local/src/lambda/lambda-runtime";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";

let clock: SimClock;
let runtime: LambdaRuntime;
let gateway: Gateway;
let client: LambdaClient;

const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString("utf8"));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value));

beforeAll(async () => {
  clock = new SimClock({ speed: 1000 });
  runtime = createLambdaRuntime({ clock, accountId: ACCOUNT, region: REGION });
  runtime.register({
    name: "add",
    handler: async (event: { a: number; b: number }) => ({ sum: event.a + event.b }),
  });
  runtime.register({
    name: "reject",
    handler: async () => {
      throw new RangeError("hook target is out of range");
    },
  });
  runtime.register({
    name: "sleepy",
    timeoutSeconds: 1,
    handler: () => new Promise((resolve) => setTimeout(resolve, 3_000)),
  });
  gateway = await startGateway({ handlers: [createLambdaInvokeApi(runtime)] });
  client = new LambdaClient({
    endpoint: gateway.endpoint,
    region: REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  client.destroy();
  await gateway.close();
  runtime.stop();
  clock.stop();
});

describe("Lambda Invoke API", () => {
  it("returns the handler's result for RequestResponse, by name or ARN", async () => {
    const byName = await client.send(
      new InvokeCommand({ FunctionName: "add", Payload: encode({ a: 2, b: 3 }) }),
    );
    expect(byName).toMatchObject({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(byName.FunctionError).toBeUndefined();
    expect(decode(byName.Payload)).toEqual({ sum: 5 });
    const byArn = await client.send(
      new InvokeCommand({
        FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:add`,
        Payload: encode({ a: 1, b: 1 }),
      }),
    );
    expect(decode(byArn.Payload)).toEqual({ sum: 2 });
  });

  it("reports handler errors and timeouts as FunctionError Unhandled", async () => {
    const failed = await client.send(new InvokeCommand({ FunctionName: "reject", Payload: encode({}) }));
    expect(failed).toMatchObject({ StatusCode: 200, FunctionError: "Unhandled" });
    expect(decode(failed.Payload)).toMatchObject({
      errorType: "RangeError",
      errorMessage: "hook target is out of range",
    });

    const timedOut = await client.send(new InvokeCommand({ FunctionName: "sleepy" }));
    expect(timedOut.FunctionError).toBe("Unhandled");
    expect(decode(timedOut.Payload)).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: expect.stringMatching(
        /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/,
      ),
    });
  });

  it("accepts Event invocations with 202 and DryRun with 204", async () => {
    const before = runtime.invocations.length;
    const queued = await client.send(
      new InvokeCommand({ FunctionName: "add", InvocationType: "Event", Payload: encode({ a: 40, b: 2 }) }),
    );
    expect(queued.StatusCode).toBe(202);
    await clock.sleep(1000);
    expect(runtime.invocations.slice(before)).toEqual([
      expect.objectContaining({ functionName: "add", outcome: "succeeded", result: { sum: 42 } }),
    ]);
    const dry = await client.send(new InvokeCommand({ FunctionName: "add", InvocationType: "DryRun" }));
    expect(dry.StatusCode).toBe(204);
    expect(runtime.invocations).toHaveLength(before + 1);
  });

  it("answers unknown functions and unparsable payloads with Lambda's errors", async () => {
    await expect(client.send(new InvokeCommand({ FunctionName: "nope" }))).rejects.toSatisfy(
      (error) => error instanceof ResourceNotFoundException && /Function not found/.test(error.message),
    );
    await expect(
      client.send(new InvokeCommand({ FunctionName: "add", Payload: Buffer.from("{not json") })),
    ).rejects.toBeInstanceOf(InvalidRequestContentException);
  });
});
