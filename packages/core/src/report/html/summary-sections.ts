import type { RecoveryReport } from "../recovery-report";
import type { RecoverySummary } from "../recovery-summary";
import { tickStep } from "./gantt-svg";
import { type Html, type HtmlValue, html } from "./html-template";
import { clockTime, humanDuration, relativeTime, secondsBetween, utcDateTime } from "./report-format";
import { orNone, section, type Tone, toneOf } from "./report-parts";

/** The top of the report: what ran, how it ended, the RTO against its target, the server counts. */

export function modeWord(summary: RecoverySummary): string {
  return summary.mode === "DRILL" ? "drill" : "recovery";
}

/** Seconds the execution has run: to its end, or to the report's time while it runs. */
export function elapsedSeconds(report: RecoveryReport): number {
  const { summary } = report;
  return (
    summary.durationSeconds ??
    Math.max(0, secondsBetween(summary.startedAt, summary.endedAt ?? report.generatedAt))
  );
}

function fact(label: string, value: HtmlValue, wide = false): Html {
  return html`<div${wide ? html` class="wide"` : ""}><dt>${label}</dt><dd>${orNone(value)}</dd></div>`;
}

export function headerSection(report: RecoveryReport): Html {
  const { summary } = report;
  const running = summary.status === "RUNNING";
  const duration = running
    ? `${humanDuration(elapsedSeconds(report))} so far`
    : summary.durationSeconds === undefined
      ? undefined
      : humanDuration(summary.durationSeconds);
  const modeTone = summary.mode === "DRILL" ? "drill" : "recovery";
  return html`<header>
<div class="eyebrow">DRS Orchestrator · ${summary.mode === "DRILL" ? "Drill" : "Recovery"} report</div>
<h1>${summary.planName}<span class="plan-id">${summary.planId} v${summary.planVersion}</span></h1>
<div class="badges"><span class="badge tone-${modeTone}">${summary.mode}</span><span class="badge tone-${toneOf(summary.status)}">${summary.status}</span></div>
<dl class="facts">
${fact("Execution", html`<span class="mono">${summary.executionId}</span>`)}
${fact("Requested by", summary.requestedBy)}
${fact("Started", utcDateTime(summary.startedAt))}
${fact("Ended", summary.endedAt === undefined ? (running ? "still running" : undefined) : utcDateTime(summary.endedAt))}
${fact("Duration", duration)}
${fact("Report generated", utcDateTime(report.generatedAt))}
${fact("Reason", summary.requestReason, true)}
</dl>
${outcomeCallout(report)}
</header>
`;
}

function outcomeCallout(report: RecoveryReport): Html | "" {
  const { summary } = report;
  const what = modeWord(summary);
  const detail = [summary.error, summary.cause].filter(Boolean).join(": ");
  switch (summary.status) {
    case "SUCCEEDED":
      return "";
    case "RUNNING": {
      const waiting = summary.approvals.filter((gate) => gate.status === "PENDING");
      const lines = waiting.map(
        (gate) =>
          html`<div>Wave ${gate.wave} is waiting for approval since ${clockTime(gate.requestedAt, summary.startedAt)} UTC (${relativeTime(secondsBetween(summary.startedAt, gate.requestedAt))}), until ${utcDateTime(gate.expiresAt)}.</div>`,
      );
      return html`<div class="callout tone-info"><strong>The ${what} is still running: this report is a snapshot taken ${utcDateTime(report.generatedAt)}.</strong>${lines}</div>`;
    }
    default: {
      const tone: Tone = summary.status === "FAILED" ? "bad" : "warn";
      const reason =
        summary.reason && summary.reason !== summary.cause
          ? html`<div class="detail">${summary.reason}</div>`
          : "";
      return html`<div class="callout tone-${tone}"><strong>The ${what} ${summary.status === "FAILED" ? "failed" : "was aborted"}.</strong>${reason}${detail ? html`<div class="detail">${detail}</div>` : ""}</div>`;
    }
  }
}

interface RtoView {
  /** Seconds the meter fills to. */
  value: number;
  /** The big figure: the RTO achieved or elapsed, or that it was not achieved. */
  headline: string;
  /** What the figure is set against. */
  against: string;
  tone: Tone;
  verdict: string;
  caption: string;
}

function rtoView(report: RecoveryReport): RtoView {
  const { summary } = report;
  const { rto } = summary;
  const target = rto.targetSeconds;
  if (rto.achievedSeconds !== undefined) {
    const over = rto.achievedSeconds - target;
    return {
      value: rto.achievedSeconds,
      headline: humanDuration(rto.achievedSeconds),
      against: `of ${humanDuration(target)} target`,
      tone: rto.breached ? "bad" : "ok",
      verdict: rto.breached ? `breached by ${humanDuration(over)}` : `met · ${humanDuration(-over)} to spare`,
      caption:
        rto.recoveredAt === undefined
          ? "achieved"
          : `achieved: every wave healthy at ${clockTime(rto.recoveredAt, summary.startedAt)} UTC`,
    };
  }
  const elapsed = elapsedSeconds(report);
  if (summary.status === "RUNNING") {
    return {
      value: elapsed,
      headline: humanDuration(elapsed),
      against: `of ${humanDuration(target)} target`,
      tone: "info",
      verdict:
        elapsed <= target
          ? `not achieved yet · ${humanDuration(target - elapsed)} left`
          : `past the target by ${humanDuration(elapsed - target)}`,
      caption: "elapsed so far",
    };
  }
  return {
    value: elapsed,
    headline: "Not achieved",
    against: `target ${humanDuration(target)}`,
    tone: "bad",
    verdict: `the ${modeWord(summary)} ${summary.status} after ${humanDuration(elapsed)}`,
    caption: "elapsed until it ended",
  };
}

export function rtoSection(report: RecoveryReport): Html {
  const target = report.summary.rto.targetSeconds;
  const view = rtoView(report);
  const wanted = Math.max(target, view.value) * 1.08;
  const step = tickStep(wanted);
  const scale = Math.ceil(wanted / step) * step;
  const percent = (seconds: number) => Math.round((Math.min(seconds, scale) / scale) * 1000) / 10;
  const targetAt = percent(target);
  const body = html`<div class="rto">
<div class="rto-figures"><span class="rto-value">${view.headline}</span><span class="rto-of">${view.against}</span><span class="rto-verdict tone-${view.tone}">${view.verdict}</span></div>
<div class="meter" role="meter" aria-valuemin="0" aria-valuemax="${scale}" aria-valuenow="${Math.round(view.value)}" aria-label="RTO ${view.caption}">
<div class="meter-fill tone-${view.tone === "ok" || view.tone === "bad" || view.tone === "info" ? view.tone : "idle"}" style="width: ${percent(view.value)}%"></div>
<div class="meter-target${targetAt > 85 ? " at-end" : ""}" style="left: ${targetAt}%"><span>target ${humanDuration(target)}</span></div>
</div>
<div class="meter-scale"><span>start</span><span>${humanDuration(scale)}</span></div>
<p class="muted">${view.caption}; the RTO runs from the execution's start to its last wave healthy${report.summary.attempts ? ", across every attempt" : ""}.</p>
</div>`;
  return section("rto", "Recovery time objective", "", body);
}

export function countsSection(summary: RecoverySummary): Html {
  const { counts } = summary;
  const card = (n: number, what: string, tone: Tone | "zero") =>
    html`<div class="count tone-${n === 0 ? "zero" : tone}"><div class="n">${n}</div><div class="what">${what}</div></div>`;
  const body = html`<div class="counts">
${card(counts.servers, "servers", "idle")}
${card(counts.launched, "launched", "idle")}
${card(counts.healthy, "healthy", counts.healthy === counts.servers ? "ok" : "idle")}
${card(counts.failed, "failed", "bad")}
${card(counts.notLaunched, summary.status === "RUNNING" ? "not launched yet" : "not launched", summary.status === "RUNNING" ? "idle" : "warn")}
${card(counts.skipped, "skipped (not ready)", "warn")}
${card(counts.relaunched, "relaunched", "warn")}
</div>`;
  return section("counts", "Servers", "", body);
}
