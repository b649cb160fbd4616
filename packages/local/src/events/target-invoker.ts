import type { LambdaInvoker, StateMachineStarter } from "../runtime/contracts";

/** What a rule target resolves to; only Lambda functions and state machines are emulated. */
export type TargetKind = "lambda" | "state-machine";

export function targetKind(arn: string): TargetKind | undefined {
  if (/^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:[^:]+(:[^:]+)?$/.test(arn)) return "lambda";
  if (/^arn:aws[\w-]*:states:[^:]+:\d{12}:stateMachine:[^:]+$/.test(arn)) return "state-machine";
  return undefined;
}

export class TargetDeliveryError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

/**
 * Hands the rendered input to the target the way EventBridge does: Lambda functions are invoked
 * asynchronously with the input as their JSON payload; state machines get a StartExecution with
 * the input as execution input and a generated execution name.
 */
export async function invokeTarget(
  arn: string,
  input: string,
  services: { lambda: LambdaInvoker; stateMachines: StateMachineStarter },
): Promise<unknown> {
  const kind = targetKind(arn);
  if (kind === undefined) {
    throw new TargetDeliveryError(
      "UnsupportedTarget",
      `the local runtime delivers only to Lambda functions and Step Functions state machines, not to ${arn}`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch {
    throw new TargetDeliveryError(
      kind === "lambda" ? "InvalidRequestContentException" : "InvalidExecutionInput",
      `the target input is not JSON: ${input.slice(0, 200)}`,
    );
  }
  if (kind === "lambda") return services.lambda.invoke(arn, payload);
  return services.stateMachines.startExecution({ stateMachineArn: arn, input });
}
