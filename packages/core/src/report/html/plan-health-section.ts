import type { PlanFinding } from "../../health/plan-health";
import type { PlanHealthAtStart, RecoveryReport } from "../recovery-report";
import { type Html, type HtmlValue, html } from "./html-template";
import { utcDateTime } from "./report-format";
import { chip, dataTable, NONE, orNone, section } from "./report-parts";

/** The plan's health as last evaluated before the execution started: verdict, counts, findings. */

const SEVERITY: Record<PlanFinding["severity"], string> = {
  BLOCKS_RECOVERY: "blocks recovery",
  BLOCKS_DRILL: "blocks drill",
  WARNING: "warning",
};

const mono = (text: string | undefined): HtmlValue =>
  text === undefined ? NONE : html`<span class="mono">${text}</span>`;

function subject(finding: PlanFinding): HtmlValue {
  const parts = [
    finding.groupId !== undefined ? `group ${finding.groupId}` : undefined,
    finding.wave !== undefined ? `wave ${finding.wave}` : undefined,
    finding.path,
  ].filter((part): part is string => part !== undefined);
  const id = finding.sourceServerId ?? finding.resourceId;
  const rest = parts.join(" · ");
  if (id === undefined) return rest === "" ? "plan" : rest;
  return html`${mono(id)}${rest === "" ? "" : html` <span class="muted">${rest}</span>`}`;
}

function verdictText(health: PlanHealthAtStart): string {
  if (health.verdict === "READY") return "nothing blocked a drill or a recovery";
  if (health.verdict === "DRILL_BLOCKED") return "a drill would have been refused; a RECOVERY could run";
  return "a drill and a RECOVERY would have been refused or failed";
}

export function planHealthSection(report: RecoveryReport): Html | "" {
  const health = report.planHealth;
  if (!health) return "";
  const version = health.planVersion === undefined ? "" : ` of plan v${health.planVersion}`;
  const listed =
    health.findingCount > health.findings.length
      ? html`<p class="muted">The ${health.findings.length} most severe of ${health.findingCount} findings.</p>`
      : "";
  const table =
    health.findings.length === 0
      ? ""
      : dataTable<PlanFinding>(
          [
            { header: "Severity", cell: "nowrap", value: (f) => SEVERITY[f.severity] },
            { header: "Code", cell: "nowrap", value: (f) => mono(f.code) },
            { header: "Category", cell: "nowrap", value: (f) => f.category },
            { header: "Subject", cell: "label", value: subject },
            { header: "Finding", cell: "text", value: (f) => orNone(f.message) },
            { header: "Fix", cell: "text", value: (f) => orNone(f.fix) },
          ],
          health.findings,
          (f) => (f.severity === "WARNING" ? "" : "problem"),
        );
  const body = html`<p>${chip(health.verdict)} ${verdictText(health)}: ${health.counts.blockers} blocker(s), ${health.counts.warnings} warning(s) over ${health.counts.servers} server(s), evaluated ${utcDateTime(health.evaluatedAt)}${version}.</p>
${listed}${table}`;
  return section("plan-health", "Plan health before the start", "as last evaluated", body);
}
