/**
 * How a map-typed member's content is converted. Map keys are user data (tag keys, volume names):
 * "opaque" leaves the whole value alone, "values" keeps the keys and converts structure values.
 */
export type MapMember = "opaque" | "values";
/** Map-typed members of a service model, by the service's (camelCase) member name. */
export type MapMembers = Readonly<Record<string, MapMember>>;

/**
 * ASL parameters of `aws-sdk:` tasks are PascalCase; services whose SDK members are camelCase (DRS,
 * Step Functions) need them renamed: `SourceServers[{SourceServerID}]` → `sourceServers[{sourceServerID}]`.
 */
export function toServiceMembers(value: unknown, mapMembers: MapMembers): unknown {
  return convert(value, mapMembers, lowerFirst);
}

/** The integration returns PascalCase members whatever the service's own casing (`items[].jobID` → `Items[].JobID`). */
export function toStatesMembers(value: unknown, mapMembers: MapMembers): unknown {
  return convert(value, mapMembers, upperFirst);
}

function convert(value: unknown, mapMembers: MapMembers, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item, mapMembers, rename));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => {
      const rule = mapMembers[lowerFirst(key)];
      if (rule === "opaque") return [rename(key), member];
      if (rule === "values" && isObject(member)) {
        return [
          rename(key),
          Object.fromEntries(
            Object.entries(member).map(([entry, item]) => [entry, convert(item, mapMembers, rename)]),
          ),
        ];
      }
      return [rename(key), convert(member, mapMembers, rename)];
    }),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

function upperFirst(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}
