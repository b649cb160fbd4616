/**
 * The JSON-path subset EventBridge evaluates for InputPath and InputPathsMap: `$`, dot notation
 * (names may hold dashes, underscores, slashes), array indices `[0]` and the wildcard `*` / `[*]`.
 */

type Segment = { kind: "name"; name: string } | { kind: "index"; index: number } | { kind: "wildcard" };

/** Parses a path; returns undefined when it is outside the supported subset. */
export function parseJsonPath(path: string): Segment[] | undefined {
  if (!path.startsWith("$")) return undefined;
  const segments: Segment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\[\*\]/y;
  let offset = 1;
  while (offset < path.length) {
    pattern.lastIndex = offset;
    const match = pattern.exec(path);
    if (!match) return undefined;
    if (match[1] === "*") segments.push({ kind: "wildcard" });
    else if (match[1] !== undefined) segments.push({ kind: "name", name: match[1] });
    else if (match[2] !== undefined) segments.push({ kind: "index", index: Number(match[2]) });
    else segments.push({ kind: "wildcard" });
    offset = pattern.lastIndex;
  }
  return segments;
}

/**
 * The value at `path`, or undefined when nothing is there. A path with a wildcard yields the
 * array of every value it reaches.
 */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  const segments = parseJsonPath(path);
  if (!segments) throw new Error(`unsupported JSON path "${path}"`);
  const hasWildcard = segments.some((segment) => segment.kind === "wildcard");
  let current: unknown[] = [document];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === "name") {
        if (isObject(value) && Object.hasOwn(value, segment.name)) next.push(value[segment.name]);
      } else if (segment.kind === "index") {
        if (Array.isArray(value) && segment.index < value.length) next.push(value[segment.index]);
      } else if (Array.isArray(value)) {
        next.push(...value);
      } else if (isObject(value)) {
        next.push(...Object.values(value));
      }
    }
    current = next;
  }
  if (hasWildcard) return current.length > 0 ? current : undefined;
  return current[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
