import { attemptsSection } from "./html/attempts-section";
import {
  approvalsSection,
  cleanupSection,
  hooksSection,
  problemsSection,
  serversSection,
} from "./html/detail-sections";
import { html, rawHtml } from "./html/html-template";
import { planHealthSection } from "./html/plan-health-section";
import { utcDateTime } from "./html/report-format";
import { REPORT_STYLES } from "./html/report-styles";
import { rpoSection } from "./html/rpo-section";
import { countsSection, headerSection, rtoSection } from "./html/summary-sections";
import { timelineSection } from "./html/timeline-section";
import type { RecoveryReport } from "./recovery-report";

/**
 * One self-contained HTML file for a recovery report, as an SRE reads it after a drill: what ran
 * and how it ended, the RTO against its target, the RPO achieved with each server's point in time, the counts, the timeline, every server, the hooks
 * and approvals, the cleanup, what went wrong, then the plan's health as last evaluated before the start. Inline CSS and SVG only, nothing fetched, so
 * it opens offline, attaches to a ticket and prints. A pure function of the report: the same
 * report gives the same bytes.
 */
export function renderRecoveryReportHtml(report: RecoveryReport): string {
  const { summary } = report;
  const title = `${summary.mode === "DRILL" ? "Drill" : "Recovery"} ${summary.executionId} · ${summary.planName} · ${summary.status}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<style>${rawHtml(REPORT_STYLES)}</style>
</head>
<body>
<main>
${headerSection(report)}
${rtoSection(report)}
${rpoSection(summary)}
${attemptsSection(summary)}
${countsSection(summary)}
${timelineSection(report)}
${serversSection(summary)}
${hooksSection(summary)}
${approvalsSection(summary)}
${cleanupSection(report)}
${problemsSection(summary)}
${planHealthSection(report)}
<footer>Recovery report of execution <span class="mono">${summary.executionId}</span> (plan ${summary.planId} v${summary.planVersion}), generated ${utcDateTime(report.generatedAt)} by DRS Orchestrator.</footer>
</main>
</body>
</html>
`.markup;
}
