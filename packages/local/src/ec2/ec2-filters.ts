import { Ec2Error } from "./ec2-error";

export interface Ec2Filter {
  Name: string;
  Value?: string[];
}

/** Reads the value(s) a filter name refers to on one resource; undefined when the name is not supported. */
export type FilterField<T> = (resource: T, name: string) => string[] | undefined;

/**
 * EC2 filter semantics: every filter must match (AND), any of a filter's values may match (OR),
 * values may use `*` and `?` wildcards. `tag:<key>` and `tag-key` work on every resource.
 * @throws Ec2Error InvalidParameterValue for a filter name the action does not support
 */
export function applyFilters<T extends { tags: Record<string, string> }>(
  resources: readonly T[],
  filters: readonly Ec2Filter[] | undefined,
  field: FilterField<T>,
  supported: readonly string[],
): T[] {
  if (!filters?.length) return [...resources];
  for (const filter of filters) {
    if (!filter.Name.startsWith("tag:") && filter.Name !== "tag-key" && !supported.includes(filter.Name)) {
      throw new Ec2Error(
        "InvalidParameterValue",
        `The filter '${filter.Name}' is invalid; the local EC2 supports ${[...supported, "tag:<key>", "tag-key"].join(", ")}`,
      );
    }
  }
  return resources.filter((resource) =>
    filters.every((filter) => {
      const actual = valuesOf(resource, filter.Name, field);
      const patterns = (filter.Value ?? []).map(globToRegExp);
      return actual.some((value) => patterns.some((pattern) => pattern.test(value)));
    }),
  );
}

function valuesOf<T extends { tags: Record<string, string> }>(
  resource: T,
  name: string,
  field: FilterField<T>,
): string[] {
  if (name.startsWith("tag:")) {
    const value = resource.tags[name.slice(4)];
    return value === undefined ? [] : [value];
  }
  if (name === "tag-key") return Object.keys(resource.tags);
  return field(resource, name) ?? [];
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${escaped}$`);
}
