import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { LambdaInvoker } from "../../runtime/contracts";
import { describeIssues, StatesRuntimeFailure, TaskFailure } from "../run/task-failure";

const invokeParameters = z.object({
  FunctionName: z.string({ error: "required: the function name or ARN to invoke" }).min(1),
  Payload: z.unknown().optional(),
  Qualifier: z.string().min(1).optional(),
  InvocationType: z
    .literal("RequestResponse", {
      error: 'only "RequestResponse" is supported locally; use .waitForTaskToken for asynchronous work',
    })
    .optional(),
});

/** A Lambda function ARN as Resource: the result is the function's own result. */
export async function invokeFunction(lambda: LambdaInvoker, functionNameOrArn: string, payload: unknown) {
  try {
    return await lambda.invoke(functionNameOrArn, payload);
  } catch (error) {
    throw lambdaFailure(error);
  }
}

/** `arn:aws:states:::lambda:invoke`: the result is wrapped like the Invoke API response the integration returns. */
export async function lambdaInvoke(lambda: LambdaInvoker, parameters: unknown): Promise<unknown> {
  const parsed = invokeParameters.safeParse(parameters);
  if (!parsed.success)
    throw new StatesRuntimeFailure(describeIssues("lambda:invoke Parameters", parsed.error.issues));
  const { FunctionName, Payload, Qualifier } = parsed.data;
  const target = Qualifier ? `${FunctionName}:${Qualifier}` : FunctionName;
  const result = await invokeFunction(lambda, target, Payload ?? {});
  const requestId = randomUUID();
  const headers = {
    "Content-Type": "application/json",
    "X-Amz-Executed-Version": "$LATEST",
    "x-amzn-RequestId": requestId,
  };
  return {
    ExecutedVersion: "$LATEST",
    Payload: result,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/**
 * A handler error surfaces under its errorType, with Lambda's JSON error document as the cause; a
 * failure of the service itself (no such function, payload too large) as `Lambda.<Exception>`.
 */
function lambdaFailure(error: unknown): TaskFailure {
  if (error instanceof Error && typeof (error as { errorType?: unknown }).errorType === "string") {
    const errorType = (error as Error & { errorType: string }).errorType;
    return new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage: error.message }));
  }
  if (error instanceof Error) return new TaskFailure(`Lambda.${error.name}`, error.message);
  return new TaskFailure("Lambda.ServiceException", String(error));
}
