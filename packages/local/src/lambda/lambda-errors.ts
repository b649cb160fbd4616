import type { LambdaFunctionError as LambdaFunctionErrorContract } from "../runtime/contracts";

/**
 * A handler failure as Lambda reports it: `errorType` is the thrown error's `name` (what Step
 * Functions `ErrorEquals` matches), `toPayload()` is the body the Invoke API returns with
 * `X-Amz-Function-Error: Unhandled`.
 */
export class LambdaFunctionError extends Error implements LambdaFunctionErrorContract {
  override readonly name = "LambdaFunctionError";

  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly requestId: string,
    readonly trace: string[] = [],
  ) {
    super(errorMessage);
  }

  static fromThrown(thrown: unknown, requestId: string): LambdaFunctionError {
    if (thrown instanceof Error) {
      const trace = (thrown.stack ?? "").split("\n").map((line) => line.trim());
      return new LambdaFunctionError(thrown.name, thrown.message, requestId, trace);
    }
    return new LambdaFunctionError("Error", String(thrown), requestId);
  }

  toPayload(): { errorType: string; errorMessage: string; trace: string[] } {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

/** Lambda's own timeout, reported the way the service reports it. */
export function timeoutError(requestId: string, timeoutSeconds: number): LambdaFunctionError {
  return new LambdaFunctionError(
    "Sandbox.Timedout",
    `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    requestId,
  );
}

/** A failure of the Lambda service itself (unknown function, bad request), not of the handler. */
export class LambdaServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}
