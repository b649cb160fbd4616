import { z } from "zod";
import { Ec2Error } from "./ec2-error";

export type QueryParams = { [name: string]: QueryValue };
export type QueryValue = string | QueryParams | QueryValue[];

/**
 * Parses an EC2 query body (`Action=…&Version=…&Filter.1.Name=…&Filter.1.Value.1=…`) into nested
 * params: dotted names become objects and numbered members (1-based on the wire) become lists.
 */
export function parseQueryBody(body: string): { action: string; version: string; params: QueryParams } {
  const root: QueryParams = {};
  let action = "";
  let version = "";
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === "Action") action = value;
    else if (name === "Version") version = value;
    else insert(root, name.split("."), value);
  }
  return { action, version, params: toLists(root) as QueryParams };
}

function insert(node: QueryParams, path: string[], value: string): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    node[head] = value;
    return;
  }
  const child = node[head];
  const next: QueryParams = typeof child === "object" && !Array.isArray(child) ? child : {};
  node[head] = next;
  insert(next, rest, value);
}

function toLists(value: QueryValue): QueryValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((key) => toLists(value[key] as QueryValue));
  }
  const result: QueryParams = {};
  for (const key of keys) result[key] = toLists(value[key] as QueryValue);
  return result;
}

/** Query values are text: these read them as the types the EC2 API declares. */
export const queryBoolean = z
  .enum(["true", "false"], { error: "expected true or false" })
  .transform((v) => v === "true");
export const queryInteger = z
  .string()
  .regex(/^-?\d+$/, { error: "expected an integer" })
  .transform((text) => Number(text));
export const queryFilters = z
  .array(z.strictObject({ Name: z.string().min(1), Value: z.array(z.string()).optional() }))
  .optional();

/**
 * Parses an action's params; the error names the wire parameter (`LaunchTemplateData.InstanceType`)
 * and uses EC2's codes: UnknownParameter, MissingParameter, InvalidParameterValue.
 */
export function parseParams<Schema extends z.ZodType>(schema: Schema, params: QueryParams): z.output<Schema> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const name = wireName(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => (name ? `${name}.${key}` : key)).join(", ");
    throw new Ec2Error("UnknownParameter", `The parameter ${keys} is not recognized`);
  }
  const value = valueAt(params, issue.path);
  if (value === undefined) {
    throw new Ec2Error("MissingParameter", `The request must contain the parameter ${name}`);
  }
  throw new Ec2Error(
    "InvalidParameterValue",
    `Value (${typeof value === "string" ? value : JSON.stringify(value)}) for parameter ${name} is invalid. ${issue.message}`,
  );
}

/** The wire name of a param path: list positions are 1-based on the wire. */
function wireName(path: readonly PropertyKey[]): string {
  return path.map((segment) => (typeof segment === "number" ? segment + 1 : String(segment))).join(".");
}

function valueAt(params: QueryValue, path: readonly PropertyKey[]): QueryValue | undefined {
  let node: QueryValue | undefined = params;
  for (const segment of path) {
    if (node === undefined || typeof node === "string") return undefined;
    node = Array.isArray(node) ? node[segment as number] : node[String(segment)];
  }
  return node;
}
