import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { LocalRequest, LocalResponse } from "../runtime/contracts";

/** An error the EventBridge API answers with (`__type` + `x-amzn-errortype`, awsJson1_1). */
export class EventsApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const CONTENT_TYPE = "application/x-amz-json-1.1";

export function jsonResponse(body: unknown): LocalResponse {
  return {
    status: 200,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": randomUUID() },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: EventsApiError): LocalResponse {
  return {
    status: error.status,
    headers: {
      "content-type": CONTENT_TYPE,
      "x-amzn-errortype": error.type,
      "x-amzn-requestid": randomUUID(),
    },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}

/** The operation named by `X-Amz-Target: <prefix>.<Operation>`. */
export function targetOperation(request: LocalRequest, prefix: string): string {
  const target = request.headers["x-amz-target"] ?? "";
  if (request.method !== "POST" || !target.startsWith(`${prefix}.`)) {
    throw new EventsApiError(
      "UnknownOperationException",
      `expected a POST with X-Amz-Target: ${prefix}.<Operation>`,
    );
  }
  return target.slice(prefix.length + 1);
}

/** Parses the JSON body with `schema`; a bad field becomes a ValidationException naming it. */
export function parseBody<T extends z.ZodType>(request: LocalRequest, schema: T): z.output<T> {
  let body: unknown;
  try {
    body = request.body.length === 0 ? {} : JSON.parse(request.body.toString("utf8"));
  } catch {
    throw new EventsApiError("SerializationException", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`,
    );
    throw new EventsApiError(
      "ValidationException",
      `${problems.length} validation error${problems.length === 1 ? "" : "s"} detected: ${problems.join("; ")}`,
    );
  }
  return parsed.data;
}
