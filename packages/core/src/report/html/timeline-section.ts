import type { RecoveryReport } from "../recovery-report";
import type { WaveSummary } from "../recovery-summary";
import { ALL_SERVERS_UP_TO, type GanttModel, ganttModel, SHOWN_SERVERS } from "./gantt-rows";
import { renderGanttSvg } from "./gantt-svg";
import { type Html, html } from "./html-template";
import { clockTime, humanDuration, relativeTime, secondsBetween } from "./report-format";
import { chip, dataTable, NONE, section } from "./report-parts";

/** The Gantt of the execution, its waves and servers, its legend, and the waves' durations. */

function swatch(shape: Html): Html {
  return html`<svg width="24" height="14" viewBox="0 0 24 14" aria-hidden="true">${shape}</svg>`;
}

const bar = (kind: string) => html`<rect class="g-${kind}" x="1" y="3" width="22" height="8" rx="1.5"/>`;

/** Only what the chart draws, so the legend never explains something that is not there. */
function legend(model: GanttModel): Html {
  const segments = new Set(model.rows.flatMap((row) => row.segments.map((s) => s.kind)));
  const markers = new Set(model.rows.flatMap((row) => row.markers.map((m) => m.kind)));
  const unfinished = model.rows.some((row) => row.segments.some((s) => s.unfinished && s.kind !== "run"));
  const items: [boolean, Html, string][] = [
    [segments.has("approval"), bar("approval"), "waiting for approval"],
    [true, bar("launch"), "launching (launch started → instance launched)"],
    [true, bar("checks"), "status checks (launched → healthy)"],
    [true, html`<circle class="g-healthy" cx="12" cy="7" r="4"/>`, "healthy"],
    [markers.has("failed"), html`<path class="g-failed" d="M8 3 L16 11 M8 11 L16 3"/>`, "failed / unhealthy"],
    [segments.has("earlier"), bar("earlier"), "earlier attempt, relaunched"],
    [segments.has("range"), bar("range"), "span of the servers not drawn"],
    [markers.has("hook"), html`<path class="g-hook" d="M12 3 L16 7 L12 11 L8 7 Z"/>`, "hook"],
    [
      markers.has("hook-failed"),
      html`<path class="g-hook-failed" d="M12 3 L16 7 L12 11 L8 7 Z"/>`,
      "hook failed",
    ],
    [
      unfinished,
      html`<rect class="g-launch g-unfinished" x="1" y="3" width="17" height="8"/><path class="g-arrow g-launch" d="M18 2 l5 5 l-5 5 z"/>`,
      "no end recorded (running, or cut off when the execution ended)",
    ],
    [model.rtoTarget <= model.span, html`<line class="g-rto" x1="12" x2="12" y1="0" y2="14"/>`, "RTO target"],
    [model.now !== undefined, html`<line class="g-now" x1="12" x2="12" y1="0" y2="14"/>`, "report time"],
  ];
  const shown = items
    .filter(([present]) => present)
    .map(([, shape, text]) => html`<span>${swatch(shape)}${text}</span>`);
  return html`<div class="legend">${shown}</div>`;
}

function waveTable(report: RecoveryReport): Html {
  const { summary } = report;
  const since = (iso: string | undefined) =>
    iso === undefined ? NONE : relativeTime(secondsBetween(summary.startedAt, iso));
  const seconds = (n: number | undefined) => (n === undefined ? NONE : humanDuration(n));
  return dataTable<WaveSummary>(
    [
      { header: "Wave", cell: "num", value: (w) => w.wave },
      { header: "Groups", cell: "label", value: (w) => w.groupIds.join(", ") },
      { header: "Status", cell: "plain", value: (w) => chip(w.status) },
      { header: "Servers", cell: "num", value: (w) => w.servers },
      { header: "Healthy", cell: "num", value: (w) => w.healthy },
      { header: "Failed", cell: "num", value: (w) => w.failed },
      { header: "Rounds", cell: "num", value: (w) => w.rounds },
      { header: "Started", cell: "nowrap", value: (w) => since(w.startedAt) },
      {
        header: "Launch",
        cell: "num",
        value: (w) => (w.status === "LAUNCHING" ? "launching" : seconds(w.launchSeconds)),
      },
      { header: "Status checks", cell: "num", value: (w) => seconds(w.healthSeconds) },
      { header: "Start → healthy", cell: "num", value: (w) => seconds(w.durationSeconds) },
    ],
    summary.waves,
    (w) => (w.failed > 0 || w.status === "FAILED" ? "problem" : ""),
  );
}

export function timelineSection(report: RecoveryReport): Html {
  const { summary } = report;
  const model = ganttModel(summary, report.generatedAt);
  const capped = model.rows.some((row) => row.kind === "more");
  const body = html`${legend(model)}
${renderGanttSvg(model)}
<p class="gantt-note">T+m:ss is the time since the execution started at ${clockTime(summary.startedAt, summary.startedAt)} UTC; hover a bar for its details.${
    capped
      ? ` Waves of more than ${ALL_SERVERS_UP_TO} servers draw ${SHOWN_SERVERS}: failed, relaunched and unfinished servers first, then the slowest; every server is in the table below.`
      : ""
  }</p>
<h3>Waves</h3>
${waveTable(report)}`;
  const aside = `${summary.waves.length} wave${summary.waves.length === 1 ? "" : "s"} · ${summary.counts.servers} servers`;
  return section("timeline", "Timeline", aside, body);
}
