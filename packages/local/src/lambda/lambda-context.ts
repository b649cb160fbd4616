import { randomBytes } from "node:crypto";
import type { SimClock } from "../clock/sim-clock";

/** The Lambda Node.js context object (structurally what `aws-lambda`'s `Context` type describes). */
export interface LambdaContext {
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as the Node.js runtime passes it. */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  getRemainingTimeInMillis(): number;
  /** Legacy completion callbacks, still part of the context type. */
  done(error?: Error, result?: unknown): void;
  fail(error: Error | string): void;
  succeed(result: unknown): void;
}

export interface ContextSettings {
  clock: SimClock;
  functionName: string;
  invokedFunctionArn: string;
  memorySize: number;
  requestId: string;
  /** `performance.now()` at which the invocation times out: handler code runs in real time. */
  deadlineMs: number;
  /** Receives a legacy done/fail/succeed completion. */
  complete(error: unknown, result?: unknown): void;
}

export function createLambdaContext(settings: ContextSettings): LambdaContext {
  const { clock } = settings;
  const day = clock.isoNow().slice(0, 10).replaceAll("-", "/");
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: settings.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: settings.invokedFunctionArn,
    memoryLimitInMB: String(settings.memorySize),
    awsRequestId: settings.requestId,
    logGroupName: `/aws/lambda/${settings.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString("hex")}`,
    getRemainingTimeInMillis: () => Math.max(0, Math.floor(settings.deadlineMs - performance.now())),
    done: (error, result) => settings.complete(error ?? undefined, result),
    fail: (error) => settings.complete(typeof error === "string" ? new Error(error) : error),
    succeed: (result) => settings.complete(undefined, result),
  };
}
