import type { z } from "zod";
import type { LocalRequest, LocalResponse } from "../../runtime/contracts";
import { SfnApiError } from "./sfn-api-error";

const CONTENT_TYPE = "application/x-amz-json-1.0";
const TARGET_PREFIX = "AWSStepFunctions.";

/** The operation named by `X-Amz-Target: AWSStepFunctions.<Operation>` (awsJson1_0). */
export function operationOf(request: LocalRequest): string {
  const target = request.headers["x-amz-target"] ?? "";
  if (request.method !== "POST" || !target.startsWith(TARGET_PREFIX)) {
    throw new SfnApiError(
      "UnknownOperationException",
      `expected a POST with X-Amz-Target: ${TARGET_PREFIX}<Operation>`,
    );
  }
  return target.slice(TARGET_PREFIX.length);
}

/** Parses the JSON body with `schema`; a bad member becomes a ValidationException naming it. */
export function parseBody<T extends z.ZodType>(request: LocalRequest, schema: T): z.output<T> {
  let body: unknown;
  try {
    body = request.body.length === 0 ? {} : JSON.parse(request.body.toString("utf8"));
  } catch {
    throw new SfnApiError("SerializationException", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `Value at '${issue.path.map(String).join(".") || "body"}' failed to satisfy constraint: ${issue.message}`,
    );
    const count = problems.length;
    throw new SfnApiError(
      "ValidationException",
      `${count} validation error${count === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
    );
  }
  return parsed.data;
}

export function jsonResponse(body: unknown): LocalResponse {
  return { status: 200, headers: { "content-type": CONTENT_TYPE }, body: JSON.stringify(body) };
}

export function errorResponse(error: SfnApiError): LocalResponse {
  return {
    status: error.status,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-errortype": error.type },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}

/** Timestamps travel as epoch seconds, which the SDK turns into Date objects. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
