import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { SimClock } from "../clock/sim-clock";
import type { LambdaInvoker } from "../runtime/contracts";
import { FunctionEnvironment } from "./function-environment";
import { createLambdaContext, type LambdaContext } from "./lambda-context";
import { LambdaFunctionError, LambdaServiceError, timeoutError } from "./lambda-errors";

/** A standard Node.js Lambda handler, e.g. a middy handler. */
export type LambdaHandler<TEvent = never> = (event: TEvent, context: LambdaContext) => unknown;

export interface FunctionDefinition<TEvent = never> {
  name: string;
  handler: LambdaHandler<TEvent>;
  /** Default 3, like Lambda; enforced in simulated time. */
  timeoutSeconds?: number;
  /** Default 128, like Lambda; reported to the handler as memoryLimitInMB. */
  memorySize?: number;
  environment?: Record<string, string>;
}

export interface RegisteredFunction {
  name: string;
  arn: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
}

export interface InvocationRecord {
  functionName: string;
  requestId: string;
  event: unknown;
  /** Simulated ISO time the invocation started. */
  startedAt: string;
  outcome: "succeeded" | "failed";
  result?: unknown;
  error?: { errorType: string; errorMessage: string };
}

export interface LambdaRuntime extends LambdaInvoker {
  register<TEvent>(definition: FunctionDefinition<TEvent>): RegisteredFunction;
  /** The function a name, partial ARN or ARN refers to, if registered. */
  find(functionNameOrArn: string): RegisteredFunction | undefined;
  /** Like invoke, but also reports the request ID; used by the Invoke API. */
  invokeWithRequestId(
    functionNameOrArn: string,
    payload: unknown,
  ): Promise<{ requestId: string; result: unknown }>;
  /** Completed invocations in completion order. */
  readonly invocations: readonly InvocationRecord[];
  /** Refuses further invocations and restores the environment variables functions set. */
  stop(): void;
}

const definitionSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9-_]+$/, { error: "use letters, digits, '-' and '_' (at most 64)" }),
  handler: z.custom<(...args: unknown[]) => unknown>((value) => typeof value === "function", {
    error: "must be a function (event, context) => Promise<result>",
  }),
  timeoutSeconds: z.number().int().min(1).max(900).default(3),
  memorySize: z.number().int().min(128).max(10_240).default(128),
  environment: z.record(z.string(), z.string()).default({}),
});

/** Lambda's synchronous invocation payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Runs registered handlers in this process with a Lambda-like context. Payloads and results pass
 * through JSON as they would over the wire, so handlers cannot share object references with
 * callers. The timeout is enforced in real time: the AWS services around a function run on the
 * simulated clock, but the function's own code does real work at real speed, so a simulated
 * timeout would kill ordinary invocations at high clock speeds. A timed-out handler keeps running
 * (an in-process function cannot be frozen) but its outcome is ignored, as Lambda ignores it.
 */
export function createLambdaRuntime(options: {
  clock: SimClock;
  accountId: string;
  region: string;
}): LambdaRuntime {
  const { clock, accountId, region } = options;
  const functions = new Map<
    string,
    RegisteredFunction & { handler: (event: unknown, context: LambdaContext) => unknown }
  >();
  const environment = new FunctionEnvironment();
  const invocations: InvocationRecord[] = [];
  const arnPrefix = `arn:aws:lambda:${region}:${accountId}:function:`;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();

  function resolve(nameOrArn: string) {
    const match = /^(?:(?:arn:aws[\w-]*:lambda:([^:]+):)?(\d{12}):function:)?([^:]+)(?::(.+))?$/.exec(
      nameOrArn,
    );
    if (!match) return undefined;
    const [, arnRegion, arnAccount, name, qualifier] = match;
    if ((arnRegion && arnRegion !== region) || (arnAccount && arnAccount !== accountId)) return undefined;
    if (qualifier !== undefined && qualifier !== "$LATEST") return undefined;
    return functions.get(name as string);
  }

  async function run(nameOrArn: string, payload: unknown) {
    if (stopped) throw new LambdaServiceError("ServiceException", "the local Lambda runtime is stopped", 500);
    const fn = resolve(nameOrArn);
    if (!fn) {
      const arn = nameOrArn.startsWith("arn:") ? nameOrArn : `${arnPrefix}${nameOrArn}`;
      throw new LambdaServiceError("ResourceNotFoundException", `Function not found: ${arn}`, 404);
    }
    const text = JSON.stringify(payload) ?? "{}";
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new LambdaServiceError(
        "RequestTooLargeException",
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    const event: unknown = JSON.parse(text);
    const requestId = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    const record: InvocationRecord = {
      functionName: fn.name,
      requestId,
      event,
      startedAt: clock.isoNow(),
      outcome: "failed",
    };
    let complete: (error: unknown, result?: unknown) => void = () => {};
    const completedByCallback = new Promise<unknown>((resolveResult, reject) => {
      complete = (error, result) => (error ? reject(error) : resolveResult(result));
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError(requestId, fn.timeoutSeconds)), timeoutMs);
      timers.add(timer);
    });
    const context = createLambdaContext({
      clock,
      functionName: fn.name,
      invokedFunctionArn: nameOrArn.startsWith("arn:") ? nameOrArn : fn.arn,
      memorySize: fn.memorySize,
      requestId,
      deadlineMs: performance.now() + timeoutMs,
      complete,
    });
    const done = clock.busy();
    try {
      const handled = Promise.resolve().then(() => fn.handler(event, context));
      const result = await Promise.race([handled, completedByCallback, timedOut]);
      record.result = result === undefined ? null : JSON.parse(JSON.stringify(result));
      record.outcome = "succeeded";
      return { requestId, result: record.result };
    } catch (thrown) {
      const error =
        thrown instanceof LambdaFunctionError ? thrown : LambdaFunctionError.fromThrown(thrown, requestId);
      record.error = { errorType: error.errorType, errorMessage: error.errorMessage };
      throw error;
    } finally {
      done();
      if (timer) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      invocations.push(record);
    }
  }

  return {
    invocations,
    register(definition) {
      const parsed = definitionSchema.safeParse(definition);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
        throw new Error(`cannot register Lambda function "${definition.name}": ${problems.join("; ")}`);
      }
      const { name, timeoutSeconds, memorySize } = parsed.data;
      if (functions.has(name)) throw new Error(`Lambda function "${name}" is already registered`);
      environment.apply(name, parsed.data.environment);
      const registered: RegisteredFunction = {
        name,
        arn: `${arnPrefix}${name}`,
        timeoutSeconds,
        memorySize,
        environment: { ...parsed.data.environment },
      };
      functions.set(name, {
        ...registered,
        handler: definition.handler as unknown as (event: unknown, context: LambdaContext) => unknown,
      });
      return registered;
    },
    find(nameOrArn) {
      const fn = resolve(nameOrArn);
      if (!fn) return undefined;
      const { handler: _handler, ...registered } = fn;
      return registered;
    },
    async invoke(nameOrArn, payload) {
      return (await run(nameOrArn, payload)).result;
    },
    invokeWithRequestId: run,
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      environment.release();
    },
  };
}
