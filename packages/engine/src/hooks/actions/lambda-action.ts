import { InvokeCommand } from "@aws-sdk/client-lambda";
import { type HookAction, shortText } from "../hook-action";

/** The hook's function failed: Lambda answered with FunctionError and the error in the payload. */
export class HookFunctionError extends Error {
  override readonly name = "HookFunctionError";
}

/** Invokes the hook's function synchronously with the templated payload; a FunctionError fails the hook. */
export const lambdaAction: HookAction = async ({ engine, hook, input, signal }) => {
  const { functionName } = hook.lambda as NonNullable<typeof hook.lambda>;
  const response = await engine.aws.lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(input) }),
    { abortSignal: signal },
  );
  const payload = response.Payload ? new TextDecoder().decode(response.Payload) : "";
  if (response.FunctionError) {
    let reported = payload;
    try {
      const error = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
      reported = `${error.errorType ?? response.FunctionError}: ${error.errorMessage ?? payload}`;
    } catch {
      // Not JSON: the raw payload says what happened.
    }
    throw new HookFunctionError(
      `function ${functionName} failed (${response.FunctionError}): ${shortText(reported)}`,
    );
  }
  return { result: shortText(payload) };
};
