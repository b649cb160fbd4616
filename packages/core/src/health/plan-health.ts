/**
 * What an evaluation of a stored plan against the live account found, and what follows from it:
 * whether a drill or a RECOVERY could start now, and what changed since the previous evaluation.
 */

/** BLOCKS_RECOVERY also blocks a drill; a drill-only blocker (lag over the RPO) leaves a RECOVERY possible. */
export type FindingSeverity = "BLOCKS_RECOVERY" | "BLOCKS_DRILL" | "WARNING";

export type FindingCategory =
  | "selection"
  | "readiness"
  | "launch-settings"
  | "network"
  | "identity"
  | "capacity"
  | "conflict";

export interface PlanFinding {
  /** Stable, e.g. GROUP_EMPTY, LAG_OVER_RPO, SUBNET_MISSING: what alarms, tools and people key on. */
  code: string;
  severity: FindingSeverity;
  category: FindingCategory;
  /** What is wrong, naming the server, group or field. */
  message: string;
  /** What to do about it. */
  fix: string;
  groupId?: string;
  sourceServerId?: string;
  /** The plan field at fault, e.g. `groups[1].launch.subnetId`. */
  path?: string;
  /** The AWS resource at fault: subnet, security group, instance profile, launch template, execution. */
  resourceId?: string;
  /** The wave at fault (1-based), for capacity findings. */
  wave?: number;
  /** Other stored plans involved (a server two plans select). */
  otherPlans?: string[];
}

/**
 * READY: nothing blocks; DRILL_BLOCKED: only drill blockers (a RECOVERY could still run);
 * RECOVERY_BLOCKED: something blocks a RECOVERY (and so a drill).
 */
export type PlanVerdict = "READY" | "DRILL_BLOCKED" | "RECOVERY_BLOCKED";

export interface PlanHealth {
  planId: string;
  /** Absent for a document that is not stored. */
  planVersion?: number;
  /** ISO-8601. */
  evaluatedAt: string;
  verdict: PlanVerdict;
  /** Sorted: severity (recovery, drill, warning), then category, then subject. */
  findings: PlanFinding[];
  counts: { blockers: number; warnings: number; servers: number };
  /** Group ID → its source server IDs now, for the membership comparison of the next evaluation. */
  members: Record<string, string[]>;
}

export interface PlanHealthChange {
  previousVerdict?: PlanVerdict;
  verdict: PlanVerdict;
  added: PlanFinding[];
  removed: PlanFinding[];
}

const SEVERITY_ORDER: readonly FindingSeverity[] = ["BLOCKS_RECOVERY", "BLOCKS_DRILL", "WARNING"];
const CATEGORY_ORDER: readonly FindingCategory[] = [
  "selection",
  "readiness",
  "launch-settings",
  "network",
  "identity",
  "capacity",
  "conflict",
];

export function planVerdict(findings: readonly PlanFinding[]): PlanVerdict {
  if (findings.some((finding) => finding.severity === "BLOCKS_RECOVERY")) return "RECOVERY_BLOCKED";
  if (findings.some((finding) => finding.severity === "BLOCKS_DRILL")) return "DRILL_BLOCKED";
  return "READY";
}

/** Whether the finding stops a start in this mode. */
export function blocksMode(finding: PlanFinding, mode: "DRILL" | "RECOVERY"): boolean {
  return finding.severity === "BLOCKS_RECOVERY" || (finding.severity === "BLOCKS_DRILL" && mode === "DRILL");
}

/**
 * What a finding is about, without its wording: the same problem found again (with a newer lag in
 * its message, say) is the same finding, so a scheduled evaluation announces it once. A finding
 * whose severity changes (a plan switched to `failure.notReady: skip`) counts as a different one.
 */
export function findingKey(finding: PlanFinding): string {
  return JSON.stringify([
    finding.code,
    finding.severity,
    finding.groupId ?? "",
    finding.sourceServerId ?? "",
    finding.path ?? "",
    finding.resourceId ?? "",
    finding.wave ?? 0,
  ]);
}

function compareText(a: string | undefined, b: string | undefined): number {
  return (a ?? "").localeCompare(b ?? "");
}

/** Severity (recovery blockers first), category, then group, server, wave, field, resource and code. */
export function compareFindings(a: PlanFinding, b: PlanFinding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
    compareText(a.groupId, b.groupId) ||
    compareText(a.sourceServerId, b.sourceServerId) ||
    (a.wave ?? 0) - (b.wave ?? 0) ||
    compareText(a.path, b.path) ||
    compareText(a.resourceId, b.resourceId) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

export function sortFindings(findings: readonly PlanFinding[]): PlanFinding[] {
  return [...findings].sort(compareFindings);
}

/** What changed between two evaluations of a plan; undefined when nothing did (a first evaluation without findings included). */
export function healthChange(
  previous: PlanHealth | undefined,
  current: PlanHealth,
): PlanHealthChange | undefined {
  const before = new Map((previous?.findings ?? []).map((finding) => [findingKey(finding), finding]));
  const now = new Map(current.findings.map((finding) => [findingKey(finding), finding]));
  const added = [...now].filter(([key]) => !before.has(key)).map(([, finding]) => finding);
  const removed = [...before].filter(([key]) => !now.has(key)).map(([, finding]) => finding);
  // The verdict follows from the findings' severities, which their keys hold: it changes only with them.
  if (added.length === 0 && removed.length === 0) return undefined;
  const previousVerdict = previous?.verdict;
  return {
    ...(previousVerdict !== undefined && { previousVerdict }),
    verdict: current.verdict,
    added: sortFindings(added),
    removed: sortFindings(removed),
  };
}
