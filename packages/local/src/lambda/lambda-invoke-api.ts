import { randomUUID } from "node:crypto";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";
import { LambdaFunctionError, LambdaServiceError } from "./lambda-errors";
import type { LambdaRuntime } from "./lambda-runtime";

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/**
 * The Lambda `Invoke` operation (restJson1, signing name `lambda`) over the in-process runtime, so
 * code holding a real LambdaClient reaches registered handlers. RequestResponse answers 200 with
 * the result, or 200 with `X-Amz-Function-Error: Unhandled` and the error payload; Event answers
 * 202 and runs the handler in the background; DryRun answers 204.
 */
export function createLambdaInvokeApi(runtime: LambdaRuntime): ServiceHandler {
  return {
    signingName: "lambda",
    async handle(request: LocalRequest): Promise<LocalResponse> {
      try {
        const match = INVOKE_PATH.exec(request.path);
        if (request.method !== "POST" || !match) {
          throw new LambdaServiceError(
            "UnknownOperationException",
            `${request.method} ${request.path}: only Invoke is emulated by the local Lambda`,
            404,
          );
        }
        const qualifier = request.query.get("Qualifier");
        const name = decodeURIComponent(match[1] as string) + (qualifier ? `:${qualifier}` : "");
        const payload = parsePayload(request.body);
        const invocationType = request.headers["x-amz-invocation-type"] ?? "RequestResponse";
        if (!runtime.find(name)) {
          const arn = name.startsWith("arn:") ? name : `function ${name}`;
          throw new LambdaServiceError("ResourceNotFoundException", `Function not found: ${arn}`, 404);
        }
        switch (invocationType) {
          case "DryRun":
            return { status: 204, headers: {} };
          case "Event":
            // The outcome is kept in runtime.invocations; an Event caller never sees it.
            runtime.invoke(name, payload).catch(() => undefined);
            return { status: 202, headers: { "x-amzn-requestid": randomUUID() } };
          case "RequestResponse":
            return await invokeSynchronously(runtime, name, payload);
          default:
            throw new LambdaServiceError(
              "InvalidParameterValueException",
              `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got ${invocationType}`,
              400,
            );
        }
      } catch (error) {
        if (error instanceof LambdaServiceError) {
          return {
            status: error.status,
            headers: { "content-type": "application/json", "x-amzn-errortype": error.type },
            body: JSON.stringify({ Type: "User", message: error.message }),
          };
        }
        throw error;
      }
    },
  };
}

async function invokeSynchronously(
  runtime: LambdaRuntime,
  name: string,
  payload: unknown,
): Promise<LocalResponse> {
  const headers = { "content-type": "application/json", "x-amz-executed-version": "$LATEST" };
  try {
    const { requestId, result } = await runtime.invokeWithRequestId(name, payload);
    return {
      status: 200,
      headers: { ...headers, "x-amzn-requestid": requestId },
      body: JSON.stringify(result),
    };
  } catch (error) {
    if (!(error instanceof LambdaFunctionError)) throw error;
    return {
      status: 200,
      headers: { ...headers, "x-amzn-requestid": error.requestId, "x-amz-function-error": "Unhandled" },
      body: JSON.stringify(error.toPayload()),
    };
  }
}

function parsePayload(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new LambdaServiceError(
      "InvalidRequestContentException",
      `Could not parse request body into json: ${(error as Error).message}`,
      400,
    );
  }
}
