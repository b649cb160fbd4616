import { validationError } from "./drs-errors";

/** Page size when a request gives no maxResults. DRS documents none, so callers must follow nextToken. */
export const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/**
 * One page of a Describe call. The token names the listing and the offset, so a token from another
 * operation or a made-up one fails validation instead of silently restarting the listing.
 */
export function paginate<T>(
  items: readonly T[],
  request: { maxResults?: number; nextToken?: string },
  operation: string,
): { items: T[]; nextToken?: string } {
  const offset =
    request.nextToken === undefined ? 0 : decodePageToken(request.nextToken, operation, operation);
  const end = offset + pageSize(request);
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodePageToken(operation, end) : undefined,
  };
}

/** Items per page: maxResults, at most 1000. */
export function pageSize(request: { maxResults?: number }): number {
  return Math.min(request.maxResults ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

/** A token for the page after `position` (an offset, or a key such as a time) of the listing `scope` names. */
export function encodePageToken(scope: string, position: number): string {
  return Buffer.from(JSON.stringify({ scope, position })).toString("base64url");
}

/** @throws DrsError ValidationException naming nextToken when `operation` did not return the token for `scope` */
export function decodePageToken(token: string, scope: string, operation: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      scope?: unknown;
      position?: unknown;
    };
    if (
      decoded.scope === scope &&
      Number.isSafeInteger(decoded.position) &&
      (decoded.position as number) >= 0
    ) {
      return decoded.position as number;
    }
  } catch {
    // falls through to the validation error
  }
  throw validationError("Invalid pagination token", "fieldValidationFailed", [
    { name: "nextToken", message: `is not a token ${operation} returned` },
  ]);
}
