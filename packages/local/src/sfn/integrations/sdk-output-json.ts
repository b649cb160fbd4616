/**
 * An SDK v3 command output as the JSON a state receives: no `$metadata`, timestamps as ISO-8601
 * strings, blobs as base64, undefined members left out.
 */
export function sdkOutputToJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(sdkOutputToJson);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, member]) => key !== "$metadata" && member !== undefined)
      .map(([key, member]) => [key, sdkOutputToJson(member)]),
  );
}
