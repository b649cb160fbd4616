import { TransientAwsError } from "@drs-orchestrator/core";

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
]);

/** The SDK error's name (DRS `ConflictException`, EC2 `InvalidLaunchTemplateId.NotFound`, …). */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Throttling or a server error: worth another try later, the request itself was fine. */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return THROTTLING.has(error.name) || (status !== undefined && status >= 500);
}

/**
 * Runs an AWS call; when it still fails with throttling or a server error after the SDK's own
 * retries, the failure becomes a TransientAwsError, which the workflow retries the step on.
 */
export async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTransientAwsError(error)) {
      throw new TransientAwsError(
        `${what} kept failing: ${awsErrorName(error)}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
