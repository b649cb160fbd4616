import type { z } from "zod";
import { formatDocumentPath, type PlanIssue } from "./plan-issues";
import { planSchema } from "./plan-schema";
import { type DocumentPath, isRemovableAt } from "./schema-path";
import { type PlanStructure, validatePlan } from "./validate-plan";

const structureSchema = planSchema.pick({
  groups: true,
  launch: true,
  waves: true,
  hooks: true,
  triggers: true,
});
const STRUCTURE_KEYS = Object.keys(structureSchema.shape);
/** Removing one bad part can expose another (an emptied list, say); a few rounds settle it. */
const MAX_ROUNDS = 3;

function removeAt(root: Record<string, unknown>, path: DocumentPath): void {
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return;
    parent = (parent as Record<PropertyKey, unknown>)[segment];
  }
  if (parent !== null && typeof parent === "object")
    delete (parent as Record<PropertyKey, unknown>)[path.at(-1) as PropertyKey];
}

/** The smallest optional part that contains the problem, or undefined when only a required part does. */
function removablePart(path: DocumentPath): DocumentPath | undefined {
  for (let length = path.length; length > 0; length--) {
    const candidate = path.slice(0, length);
    if (isRemovableAt(structureSchema, candidate)) return candidate;
  }
  return undefined;
}

function pathsToRemove(issues: readonly z.core.$ZodIssue[]): DocumentPath[] | undefined {
  const paths: DocumentPath[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      paths.push(...issue.keys.map((key) => [...issue.path, key]));
      continue;
    }
    const part = removablePart(issue.path);
    if (!part) return undefined;
    paths.push(part);
  }
  return paths;
}

/** The launch settings validatePlan combines across plan, group and server (private IP and tag rules). */
const MERGED_FIELDS: readonly PropertyKey[] = ["subnetId", "copyPrivateIp", "privateIp", "tags"];

function mergedField(field: PropertyKey | undefined): boolean {
  return field === undefined || MERGED_FIELDS.includes(field);
}

/**
 * Where a removed part may have changed what the semantic checks see: the part itself, what it
 * contains and contains it, and for a launch setting the checks combine, every level inheriting it.
 */
function affectedPrefixes(removed: DocumentPath, groupCount: number): string[] {
  const prefixes = [formatDocumentPath(removed)];
  const [section, groupIndex, groupPart, serverId] = removed;
  if (section === "launch" && mergedField(removed[1])) {
    for (let i = 0; i < groupCount; i++) prefixes.push(`groups[${i}].launch`, `groups[${i}].servers`);
  } else if (section === "groups" && groupPart === "launch" && mergedField(removed[3])) {
    prefixes.push(formatDocumentPath(["groups", groupIndex as number, "servers"]));
  } else if (
    section === "groups" &&
    groupPart === "servers" &&
    serverId !== undefined &&
    mergedField(removed[4])
  ) {
    prefixes.push(formatDocumentPath(["groups", groupIndex as number, "servers", serverId]));
  }
  return prefixes;
}

function related(path: string, prefix: string): boolean {
  const [shorter, longer] = path.length <= prefix.length ? [path, prefix] : [prefix, path];
  return longer === shorter || longer.startsWith(`${shorter}.`) || longer.startsWith(`${shorter}[`);
}

/**
 * Runs the semantic checks on a document the schema rejected, so one pass reports every problem.
 * The parts the schema rejected are left out (when only optional parts are involved), and semantic
 * issues those parts could have caused or hidden are not reported. Returns no issues when a
 * required part is broken, since any finding could then be a consequence of it.
 */
export function semanticIssuesDespite(data: unknown, schemaIssues: readonly z.core.$ZodIssue[]): PlanIssue[] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  const working: Record<string, unknown> = structuredClone(
    Object.fromEntries(Object.entries(data).filter(([key]) => STRUCTURE_KEYS.includes(key))),
  );
  const removed: DocumentPath[] = [];
  // Issues outside the checked parts (a missing rto, an unknown top-level key) change nothing here.
  let issues = schemaIssues.filter((issue) => STRUCTURE_KEYS.includes(String(issue.path[0])));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const paths = pathsToRemove(issues);
    if (!paths) return [];
    for (const path of paths) removeAt(working, path);
    removed.push(...paths);
    const parsed = structureSchema.safeParse(working);
    if (parsed.success) {
      const structure: PlanStructure = parsed.data;
      const prefixes = removed.flatMap((path) => affectedPrefixes(path, structure.groups.length));
      return validatePlan(structure).filter(
        (issue) => !prefixes.some((prefix) => related(issue.path, prefix)),
      );
    }
    issues = parsed.error.issues;
  }
  return [];
}
