import { loadDocumentFile, parseDocumentText } from "../plan/parse-document";
import { formatDocumentPath, type PlanIssue, planIssuesFromZod } from "../plan/plan-issues";
import { type Fleet, fleetSchema } from "./fleet-schema";

export type FleetParseResult = { ok: true; fleet: Fleet } | { ok: false; issues: PlanIssue[] };

/** What the schema cannot say: each server appears once, and the launch defaults name a known subnet. */
function fleetIssues(fleet: Fleet): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const firstIndex = new Map<string, number>();
  fleet.sourceServers.forEach((server, i) => {
    const first = firstIndex.get(server.sourceServerID);
    if (first === undefined) firstIndex.set(server.sourceServerID, i);
    else
      issues.push({
        path: formatDocumentPath(["sourceServers", i, "sourceServerID"]),
        message: `${server.sourceServerID} is already listed at sourceServers[${first}]`,
        fix: "list each source server once",
      });
  });
  const subnetIds = fleet.subnets.map((subnet) => subnet.subnetId);
  if (!subnetIds.includes(fleet.launchDefaults.subnetId)) {
    issues.push({
      path: "launchDefaults.subnetId",
      message: `${fleet.launchDefaults.subnetId} is not one of the fleet's subnets`,
      fix: `use one of ${subnetIds.join(", ")}, or add the subnet to subnets`,
    });
  }
  return issues;
}

/** Checks an already-decoded fleet document. */
export function parseFleetData(data: unknown): FleetParseResult {
  const parsed = fleetSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, issues: planIssuesFromZod(parsed.error.issues, fleetSchema, data) };
  const issues = fleetIssues(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, fleet: parsed.data };
}

/** Parses a fleet written in JSON or YAML (`*.json` files are read as strict JSON). */
export function parseFleetText(text: string, fileName?: string): FleetParseResult {
  const document = parseDocumentText(text, fileName);
  return document.ok ? parseFleetData(document.data) : document;
}

/** Reads and parses a fleet file; an unreadable file is reported as an issue like any other. */
export async function loadFleetFile(path: string): Promise<FleetParseResult> {
  const document = await loadDocumentFile(path);
  return document.ok ? parseFleetData(document.data) : document;
}
