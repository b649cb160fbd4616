import { Ec2Error } from "./ec2-error";

/**
 * One page of a Describe call. The token carries the action and offset, so a token from another
 * action or a made-up one is refused as EC2 refuses it.
 */
export function paginate<T>(
  items: readonly T[],
  request: { MaxResults?: number; NextToken?: string },
  options: { action: string; min: number; max: number },
): { page: T[]; nextToken?: string } {
  const { MaxResults: maxResults, NextToken: nextToken } = request;
  if (maxResults !== undefined && (maxResults < options.min || maxResults > options.max)) {
    throw new Ec2Error(
      "InvalidParameterValue",
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${options.min} and ${options.max}.`,
    );
  }
  const offset = nextToken === undefined ? 0 : decodeToken(nextToken, options.action);
  if (maxResults === undefined) return { page: items.slice(offset) };
  const end = offset + maxResults;
  return {
    page: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken(options.action, end) : undefined,
  };
}

function encodeToken(action: string, offset: number): string {
  return Buffer.from(JSON.stringify({ action, offset })).toString("base64url");
}

function decodeToken(token: string, action: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      action?: unknown;
      offset?: unknown;
    };
    if (
      decoded.action === action &&
      Number.isSafeInteger(decoded.offset) &&
      (decoded.offset as number) >= 0
    ) {
      return decoded.offset as number;
    }
  } catch {
    // falls through to the error below
  }
  throw new Ec2Error(
    "InvalidPaginationToken",
    `The specified pagination token is not valid or is expired: ${token}`,
  );
}
