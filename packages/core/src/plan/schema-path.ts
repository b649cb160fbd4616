import { z } from "zod";

/** A location inside a parsed document, as zod reports it: object keys and array indexes. */
export type DocumentPath = readonly PropertyKey[];

/** Strips the wrappers that do not change which keys or elements a schema accepts. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodReadonly
    ) {
      current = current.def.innerType as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.def.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The object schemas a (possibly union) schema accepts at one level, e.g. both forms of `approval`. */
function objectOptions(schema: z.ZodType): z.ZodObject[] {
  const inner = unwrapSchema(schema);
  if (inner instanceof z.ZodObject) return [inner];
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap(objectOptions);
  return [];
}

/** The schema that describes the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: DocumentPath): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const segment of path) {
    if (!current) return undefined;
    const inner = unwrapSchema(current);
    if (inner instanceof z.ZodArray) {
      current = typeof segment === "number" ? (inner.element as z.ZodType) : undefined;
    } else if (inner instanceof z.ZodRecord) {
      current = inner.valueType as z.ZodType;
    } else {
      const owner = objectOptions(inner).find(
        (option) => typeof segment === "string" && segment in option.shape,
      );
      current = owner ? (owner.shape[segment as string] as z.ZodType) : undefined;
    }
  }
  return current;
}

/** The keys an object accepts at `path` (for a union of objects, the keys of all of them). */
export function allowedKeysAt(root: z.ZodType, path: DocumentPath): string[] {
  const schema = schemaAt(root, path);
  if (!schema) return [];
  return [...new Set(objectOptions(schema).flatMap((option) => Object.keys(option.shape)))];
}

/**
 * Whether the value at `path` may be left out: an optional or defaulted object field, or an entry
 * of a record (records have no required keys).
 */
export function isRemovableAt(root: z.ZodType, path: DocumentPath): boolean {
  if (path.length === 0) return false;
  const parent = schemaAt(root, path.slice(0, -1));
  if (!parent) return false;
  const inner = unwrapSchema(parent);
  if (inner instanceof z.ZodRecord) return true;
  const field = schemaAt(root, path);
  return field instanceof z.ZodOptional || field instanceof z.ZodDefault;
}
