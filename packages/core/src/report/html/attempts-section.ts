import type { AttemptSummary, RecoverySummary } from "../recovery-summary";
import { type Html, html } from "./html-template";
import { clockTime, humanDuration, relativeTime, secondsBetween } from "./report-format";
import { chip, dataTable, NONE, orNone, section } from "./report-parts";

/** A resumed execution's attempts: who started or resumed each, when, from which wave, how each ended. */
export function attemptsSection(summary: RecoverySummary): Html | "" {
  const attempts = summary.attempts ?? [];
  if (attempts.length < 2) return "";
  const at = (iso: string) =>
    html`${clockTime(iso, summary.startedAt)} <span class="muted">${relativeTime(secondsBetween(summary.startedAt, iso))}</span>`;
  const table = dataTable<AttemptSummary>(
    [
      { header: "Attempt", cell: "num", value: (a) => a.number },
      { header: "Started", cell: "nowrap", value: (a) => at(a.startedAt) },
      { header: "By", cell: "label", value: (a) => a.requestedBy },
      {
        header: "From wave",
        cell: "num",
        value: (a) => (a.firstWave === undefined ? NONE : a.firstWave),
      },
      { header: "Failed servers", cell: "nowrap", value: (a) => (a.skipFailed ? "accepted" : "relaunched") },
      {
        header: "Status",
        cell: "plain",
        value: (a) => (a.status === undefined ? chip("RUNNING") : chip(a.status)),
      },
      { header: "Ended", cell: "nowrap", value: (a) => (a.endedAt === undefined ? NONE : at(a.endedAt)) },
      {
        header: "Took",
        cell: "nowrap",
        value: (a) => (a.durationSeconds === undefined ? NONE : humanDuration(a.durationSeconds)),
      },
      {
        header: "Why",
        cell: "text",
        value: (a) =>
          orNone([a.reason, [a.error, a.cause].filter(Boolean).join(": ")].filter(Boolean).join(" — ")),
      },
    ],
    attempts,
    (a) => (a.status !== undefined && a.status !== "SUCCEEDED" ? "problem" : ""),
  );
  return section(
    "attempts",
    "Attempts",
    "times UTC; the RTO counts from the first",
    html`${table}<p class="muted">The execution was resumed: each attempt carried on from the first wave that had not completed, keeping healthy servers whose recovery instance was still up.</p>`,
  );
}
