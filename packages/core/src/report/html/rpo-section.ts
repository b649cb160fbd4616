import type { RecoverySummary, ServerTimeline } from "../recovery-summary";
import { type Html, type HtmlValue, html } from "./html-template";
import { humanDuration, utcDateTime } from "./report-format";
import { dataTable, NONE, orNone, section } from "./report-parts";

/** The recovery point: the RPO achieved against the plan's, the spread, and each server's point in time. */

const mono = (text: string | undefined): HtmlValue =>
  text === undefined ? NONE : html`<span class="mono">${text}</span>`;

function replication(server: ServerTimeline): HtmlValue {
  const seen = server.replication;
  if (!seen) return NONE;
  return seen.lagSeconds === undefined ? seen.state : `${seen.state} · lag ${humanDuration(seen.lagSeconds)}`;
}

export function rpoSection(summary: RecoverySummary): Html | "" {
  const { rpo } = summary;
  if (!rpo) return "";
  const figures =
    rpo.achievedSeconds === undefined
      ? html`<div class="rto-figures"><span class="rto-value">None yet</span><span class="rto-of">target ${humanDuration(rpo.targetSeconds)}</span><span class="rto-verdict tone-idle">no server has come back to a point in time</span></div>`
      : html`<div class="rto-figures"><span class="rto-value">${humanDuration(rpo.achievedSeconds)}</span><span class="rto-of">of ${humanDuration(rpo.targetSeconds)} target</span><span class="rto-verdict tone-${rpo.breached ? "bad" : "ok"}">${
          rpo.breachedBySeconds === undefined ? "met" : `breached by ${humanDuration(rpo.breachedBySeconds)}`
        }</span></div>`;
  const spread =
    rpo.oldestPointInTime === undefined || rpo.newestPointInTime === undefined
      ? ""
      : html`<p class="muted">Points in time from ${utcDateTime(rpo.oldestPointInTime)} to ${utcDateTime(rpo.newestPointInTime)}: a spread of ${humanDuration(rpo.spreadSeconds ?? 0)} between the servers.</p>`;
  const asOf =
    rpo.asOf === undefined
      ? ""
      : html`<p class="muted">Recovered as of ${utcDateTime(new Date(rpo.asOf).toISOString())}: each server from its newest snapshot at or before it.</p>`;
  const table = dataTable<ServerTimeline>(
    [
      { header: "Source server", cell: "nowrap", value: (s) => mono(s.sourceServerId) },
      { header: "Hostname", cell: "label", value: (s) => orNone(s.hostname) },
      { header: "Replication at start", cell: "nowrap", value: replication },
      { header: "Snapshot", cell: "nowrap", value: (s) => mono(s.recoverySnapshotId) },
      {
        header: "Point in time",
        cell: "nowrap",
        value: (s) => (s.pointInTime === undefined ? NONE : utcDateTime(s.pointInTime)),
      },
      {
        header: "Data loss",
        cell: "num",
        value: (s) => (s.dataLossSeconds === undefined ? NONE : humanDuration(s.dataLossSeconds)),
      },
    ],
    summary.servers,
    (s) => (s.dataLossSeconds !== undefined && s.dataLossSeconds > rpo.targetSeconds ? "problem" : ""),
  );
  const body = html`<div class="rto">${figures}
<p class="muted">The RPO achieved is the largest data-loss window of the recovered servers: from the point in time a server came back to until the execution started.</p>
${asOf}${spread}</div>
${table}`;
  return section("rpo", "Recovery point objective", "times UTC", body);
}
