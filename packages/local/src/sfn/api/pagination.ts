import { SfnApiError } from "./sfn-api-error";

const DEFAULT_PAGE_SIZE = 100;

/**
 * One page of `items`. The token names the last item returned rather than an offset, so a list that
 * grows between calls (new executions first, new history events last) neither repeats nor skips items.
 */
export function page<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number | undefined,
  nextToken: string | undefined,
): { items: T[]; nextToken?: string } {
  const size = maxResults || DEFAULT_PAGE_SIZE;
  let start = 0;
  if (nextToken !== undefined) {
    const after = decode(nextToken);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new SfnApiError("InvalidToken", `Invalid Token: '${nextToken}'`);
    start = index + 1;
  }
  const slice = items.slice(start, start + size);
  const last = slice.at(-1);
  return start + size < items.length && last !== undefined
    ? { items: slice, nextToken: Buffer.from(keyOf(last)).toString("base64url") }
    : { items: slice };
}

function decode(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new SfnApiError("InvalidToken", `Invalid Token: '${token}'`);
  return Buffer.from(token, "base64url").toString("utf8");
}
