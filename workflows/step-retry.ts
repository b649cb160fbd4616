/**
 * Errors a step may raise that are worth retrying in a workflow once the SDK's own retries are
 * spent: the Lambda errors AWS recommends retrying, a sandbox that timed out or died (every step is
 * idempotent, so running it again is safe), and the engine's own transient AWS failure.
 */
export const TRANSIENT_STEP_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Sandbox.Timedout",
  "Runtime.ExitError",
  "TransientAwsError",
];

/** The Retry block every Lambda step of our workflows carries. */
export const STEP_RETRY = [
  {
    ErrorEquals: TRANSIENT_STEP_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];
