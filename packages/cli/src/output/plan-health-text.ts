import type {
  FindingSeverity,
  PlanFinding,
  PlanHealth,
  PlanHealthAtStart,
  PlanHealthChange,
  PlanVerdict,
} from "@drs-orchestrator/core";
import { renderTable } from "./table";

const SEVERITY: Record<FindingSeverity, string> = {
  BLOCKS_RECOVERY: "blocks recovery",
  BLOCKS_DRILL: "blocks drill",
  WARNING: "warning",
};

const VERDICT: Record<PlanVerdict, string> = {
  READY: "nothing blocks a drill or a recovery",
  DRILL_BLOCKED: "a drill would be refused; a RECOVERY could still run",
  RECOVERY_BLOCKED: "a drill and a RECOVERY would be refused or fail",
};

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** What a finding is about, most specific first: the server, the group, the wave, the resource, the field. */
export function findingSubject(finding: PlanFinding): string {
  const parts = [
    finding.sourceServerId,
    finding.groupId !== undefined && `group ${finding.groupId}`,
    finding.wave !== undefined && `wave ${finding.wave}`,
    finding.sourceServerId === undefined && finding.resourceId,
    finding.path,
  ].filter((part): part is string => typeof part === "string" && part.length > 0);
  return parts.length > 0 ? parts.join(" · ") : "plan";
}

/** One row per finding: severity, code, category, subject, message and fix. */
export function renderFindingsTable(findings: readonly PlanFinding[], indent = ""): string {
  return renderTable(
    [
      { header: "SEVERITY" },
      { header: "CODE" },
      { header: "CATEGORY" },
      { header: "SUBJECT" },
      { header: "MESSAGE" },
      { header: "FIX" },
    ],
    findings.map((finding) => [
      SEVERITY[finding.severity],
      finding.code,
      finding.category,
      findingSubject(finding),
      finding.message,
      finding.fix,
    ]),
    indent,
  );
}

/** `READY — nothing blocks …` with the counts: the verdict as a person reads it. */
export function verdictLine(health: PlanHealth): string {
  const { blockers, warnings, servers } = health.counts;
  return `${health.verdict}: ${VERDICT[health.verdict]} (${count(servers, "server")}, ${count(blockers, "blocker")}, ${count(warnings, "warning")})`;
}

/** A plan's evaluation: what was evaluated when, the verdict, and the findings as a table. */
export function renderPlanHealth(health: PlanHealth, what: string): string {
  const version = health.planVersion === undefined ? "" : ` v${health.planVersion}`;
  const head = `Plan ${health.planId}${version} (${what}), evaluated ${health.evaluatedAt}\n${verdictLine(health)}`;
  return health.findings.length === 0 ? head : `${head}\n\n${renderFindingsTable(health.findings)}`;
}

/** What changed since the recorded evaluation before, in one line. */
export function changeLine(change: PlanHealthChange | undefined): string {
  if (!change) return "unchanged since the last recorded evaluation";
  const verdict =
    change.previousVerdict === undefined
      ? `first recorded evaluation: ${change.verdict}`
      : change.previousVerdict === change.verdict
        ? `still ${change.verdict}`
        : `${change.previousVerdict} → ${change.verdict}`;
  return `changed since the last recorded evaluation (${verdict}): ${count(change.added.length, "finding")} new, ${change.removed.length} gone`;
}

/**
 * The checks a fleet file cannot answer: what it does not hold (snapshots, launch settings, IAM,
 * recovery instances, the other stored plans, an earlier evaluation) needs a live account.
 */
export const NOT_CHECKED_OFFLINE: readonly string[] = [
  "point-in-time snapshots (NO_SNAPSHOT)",
  "DRS launch configurations and launch templates (LAUNCH_CONFIGURATION_DRIFT, TEMPLATE_DEFAULT_MOVED, LAUNCH_TEMPLATE_MISSING)",
  "instance profiles (INSTANCE_PROFILE_MISSING)",
  "recovery instances (LEFTOVER_DRILL_INSTANCES, LIVE_RECOVERY_INSTANCE)",
  "servers other stored plans select (SERVER_IN_TWO_PLANS)",
  "group members since the last evaluation (SERVER_JOINED_GROUP, SERVER_LEFT_GROUP)",
];

/** The `Plan health` section of `plan show --fleet`: the fleet file's verdict and findings, and what it cannot check. */
export function renderFleetHealth(health: PlanHealth): string {
  const findings = health.findings.length === 0 ? "" : `\n${renderFindingsTable(health.findings, "  ")}`;
  const unchecked = NOT_CHECKED_OFFLINE.map((check) => `  - ${check}`).join("\n");
  return (
    `Plan health (from the fleet file's servers, subnets and security groups)\n${verdictLine(health)}${findings}\n` +
    `Not checked without a live account (\`drs-orchestrator plan check ${health.planId}\` checks them):\n${unchecked}`
  );
}

/** The plan's health as the execution found it at its start, in one line for `recover report`. */
export function planHealthAtStartLine(atStart: PlanHealthAtStart): string {
  const version = atStart.planVersion === undefined ? "" : ` v${atStart.planVersion}`;
  const { blockers, warnings } = atStart.counts;
  const codes = [...new Set(atStart.findings.map((finding) => finding.code))];
  const listed = codes.length > 0 ? `: ${codes.join(", ")}` : "";
  return `Plan health before the start: ${atStart.verdict} (evaluated ${atStart.evaluatedAt}${version}, ${count(blockers, "blocker")}, ${count(warnings, "warning")})${listed}`;
}
