import type { LocalResponse } from "../runtime/contracts";

export interface ValidationField {
  name: string;
  message: string;
}

/**
 * A DRS API error: its type (the SDK exception class), HTTP status, body fields and, for 429 and
 * 500, the Retry-After seconds.
 */
export class DrsError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly fields: Record<string, unknown> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = type;
  }
}

export function validationError(
  message: string,
  reason: "unknownOperation" | "cannotParse" | "fieldValidationFailed" | "other",
  fieldList: ValidationField[] = [],
): DrsError {
  return new DrsError("ValidationException", 400, message, {
    code: "VALIDATION_EXCEPTION",
    reason,
    ...(fieldList.length > 0 ? { fieldList } : {}),
  });
}

export function resourceNotFound(message: string, resourceId: string, resourceType: string): DrsError {
  return new DrsError("ResourceNotFoundException", 404, message, {
    code: "RESOURCE_NOT_FOUND",
    resourceId,
    resourceType,
  });
}

export function conflict(message: string, resourceId: string, resourceType: string): DrsError {
  return new DrsError("ConflictException", 409, message, { code: "CONFLICT", resourceId, resourceType });
}

export function serviceQuotaExceeded(
  message: string,
  quota: { quotaCode: string; resourceType: string; resourceId?: string },
): DrsError {
  return new DrsError("ServiceQuotaExceededException", 402, message, {
    code: "SERVICE_QUOTA_EXCEEDED",
    serviceCode: "drs",
    ...quota,
  });
}

export function throttling(retryAfterSeconds: number): DrsError {
  return new DrsError(
    "ThrottlingException",
    429,
    "Rate exceeded",
    { serviceCode: "drs", quotaCode: "RequestRate" },
    retryAfterSeconds,
  );
}

export function internalServerError(message: string, retryAfterSeconds: number): DrsError {
  return new DrsError("InternalServerException", 500, message, {}, retryAfterSeconds);
}

/** The restJson1 error response; the x-amzn-errortype header names the error (see AWS-FACTS.md). */
export function drsErrorResponse(error: DrsError): LocalResponse {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amzn-errortype": error.type,
  };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return { status: error.status, headers, body: JSON.stringify({ message: error.message, ...error.fields }) };
}
