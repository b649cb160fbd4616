import { validationError } from "./drs-errors";

/** Page size when a request gives no maxResults. DRS documents none, so callers must follow nextToken. */
export const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * One page of a Describe call. The token names the operation and offset, so a token from another
 * operation or a made-up one fails validation instead of silently restarting the listing.
 */
export function paginate<T>(
  items: readonly T[],
  request: { maxResults?: number; nextToken?: string },
  operation: string,
): { items: T[]; nextToken?: string } {
  const offset = request.nextToken === undefined ? 0 : decodeToken(request.nextToken, operation);
  const end = offset + Math.min(request.maxResults ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken(operation, end) : undefined,
  };
}

function encodeToken(operation: string, offset: number): string {
  return Buffer.from(JSON.stringify({ operation, offset })).toString("base64url");
}

function decodeToken(token: string, operation: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      operation?: unknown;
      offset?: unknown;
    };
    if (
      decoded.operation === operation &&
      Number.isSafeInteger(decoded.offset) &&
      (decoded.offset as number) >= 0
    ) {
      return decoded.offset as number;
    }
  } catch {
    // falls through to the validation error
  }
  throw validationError("Invalid pagination token", "fieldValidationFailed", [
    { name: "nextToken", message: `is not a token ${operation} returned` },
  ]);
}
