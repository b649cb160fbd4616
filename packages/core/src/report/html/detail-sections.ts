import type { HookRecord } from "../../hooks/hook-record";
import type { DrillCleanupSummary } from "../drill-cleanup-summary";
import type { RecoveryReport } from "../recovery-report";
import type { ApprovalSummary, RecoverySummary, ServerTimeline } from "../recovery-summary";
import { type Html, type HtmlValue, html } from "./html-template";
import {
  clockTime,
  humanDuration,
  relativeTime,
  secondsBetween,
  shortDuration,
  utcDateTime,
} from "./report-format";
import { chip, dataTable, NONE, orNone, section } from "./report-parts";
import { modeWord } from "./summary-sections";

/** The per-server table, hooks, approvals, the drill's cleanup and what went wrong. */

const mono = (text: string | undefined): HtmlValue =>
  text === undefined ? NONE : html`<span class="mono">${text}</span>`;

function clock(summary: RecoverySummary, iso: string | undefined): HtmlValue {
  return iso === undefined ? NONE : clockTime(iso, summary.startedAt);
}

function since(summary: RecoverySummary, iso: string): string {
  return relativeTime(secondsBetween(summary.startedAt, iso));
}

export function serversSection(summary: RecoverySummary): Html {
  const table = dataTable<ServerTimeline>(
    [
      { header: "Source server", cell: "nowrap", value: (s) => mono(s.sourceServerId) },
      { header: "Hostname", cell: "label", value: (s) => orNone(s.hostname) },
      { header: "Wave", cell: "num", value: (s) => s.wave },
      { header: "Group", cell: "nowrap", value: (s) => s.groupId },
      { header: "Status", cell: "plain", value: (s) => chip(s.status) },
      {
        header: "Attempts",
        cell: "num",
        value: (s) => (s.attempts > 1 ? html`<strong>${s.attempts}</strong>` : s.attempts),
      },
      { header: "EC2 instance", cell: "nowrap", value: (s) => mono(s.ec2InstanceId) },
      { header: "Private IP", cell: "nowrap", value: (s) => mono(s.privateIp) },
      { header: "Type", cell: "nowrap", value: (s) => orNone(s.instanceType) },
      { header: "Launched", cell: "nowrap", value: (s) => clock(summary, s.launchedAt) },
      { header: "Healthy", cell: "nowrap", value: (s) => clock(summary, s.healthyAt) },
      { header: "Failure reason", cell: "text", value: (s) => orNone(failureText(s)) },
    ],
    summary.servers,
    (s) => (s.status === "FAILED" || s.status === "UNHEALTHY" ? "problem" : ""),
  );
  return section("servers", "Servers in detail", `${summary.servers.length} servers · times UTC`, table);
}

/** The failure that ended the server, and the ones its relaunches got past. */
function failureText(server: ServerTimeline): string | undefined {
  const earlier = server.previousAttempts
    .filter((attempt) => attempt.failureReason !== undefined)
    .map((attempt) => `attempt ${attempt.attempt + 1}: ${attempt.failureReason}`);
  const last = server.failureReason;
  const all = [...earlier, ...(last === undefined ? [] : [earlier.length > 0 ? `last: ${last}` : last])];
  return all.length === 0 ? undefined : all.join("; ");
}

function hookStatus(hook: HookRecord): Html {
  if (hook.status === "FAILED" && hook.onFailure === "continue") {
    return html`${chip("FAILED")} <span class="muted">continued</span>`;
  }
  return chip(hook.status);
}

export function hooksSection(summary: RecoverySummary): Html | "" {
  if (summary.hooks.length === 0) return "";
  const table = dataTable<HookRecord>(
    [
      { header: "Phase", cell: "nowrap", value: (h) => h.phase },
      { header: "Wave", cell: "num", value: (h) => orNone(h.wave) },
      { header: "Name", cell: "label", value: (h) => h.name },
      { header: "Calls", cell: "label", value: (h) => html`${h.kind} <span class="mono">${h.target}</span>` },
      { header: "Status", cell: "nowrap", value: hookStatus },
      { header: "Attempts", cell: "num", value: (h) => h.attempts },
      { header: "Duration", cell: "num", value: (h) => shortDuration(h.durationMs) },
      { header: "Started", cell: "nowrap", value: (h) => since(summary, h.startedAt) },
      { header: "Error", cell: "text", value: (h) => orNone(h.error) },
    ],
    summary.hooks,
    (h) => (h.status === "FAILED" ? "problem" : ""),
  );
  const failed = summary.hooks.filter((hook) => hook.status === "FAILED").length;
  return section("hooks", "Hooks", `${summary.hooks.length} ran · ${failed} failed`, table);
}

function decision(summary: RecoverySummary, gate: ApprovalSummary): HtmlValue {
  if (gate.decidedAt === undefined) {
    return gate.status === "PENDING" ? html`waiting, expires ${utcDateTime(gate.expiresAt)}` : NONE;
  }
  const waited = humanDuration(Math.max(0, secondsBetween(gate.requestedAt, gate.decidedAt)));
  return html`${clockTime(gate.decidedAt, summary.startedAt)} <span class="muted">after ${waited}</span>`;
}

export function approvalsSection(summary: RecoverySummary): Html | "" {
  if (summary.approvals.length === 0) return "";
  const table = dataTable<ApprovalSummary>(
    [
      { header: "Wave", cell: "num", value: (a) => a.wave },
      { header: "Status", cell: "plain", value: (a) => chip(a.status) },
      {
        header: "Requested",
        cell: "nowrap",
        value: (a) =>
          html`${clockTime(a.requestedAt, summary.startedAt)} <span class="muted">${since(summary, a.requestedAt)}</span>`,
      },
      { header: "Decided by", cell: "label", value: (a) => orNone(a.by) },
      { header: "Decided", cell: "nowrap", value: (a) => decision(summary, a) },
      { header: "Comment", cell: "text", value: (a) => orNone(a.comment) },
    ],
    summary.approvals,
    (a) => (a.status === "REJECTED" || a.status === "EXPIRED" ? "problem" : ""),
  );
  return section("approvals", "Approvals", "times UTC", table);
}

function instanceList(ids: readonly string[]): Html {
  return html`<div class="ids">${ids.map((id) => html`<span>${id}</span>`)}</div>`;
}

function restoredFields(fields: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(fields);
  return entries.length === 0
    ? ""
    : entries.map(([key, value]) => `${key} = ${JSON.stringify(value)}`).join(", ");
}

export function cleanupSection(report: RecoveryReport): Html | "" {
  const { cleanup, summary } = report;
  if (!cleanup) return "";
  const names = new Map(summary.servers.map((server) => [server.sourceServerId, server.hostname]));
  const server = (id: string) => {
    const name = names.get(id);
    return html`${name === undefined ? "" : html`${name} `}<span class="mono muted">${id}</span>`;
  };
  const facts = html`<dl class="facts">
<div><dt>Status</dt><dd>${chip(cleanup.status)}</dd></div>
${cleanup.holdUntil !== undefined ? html`<div><dt>Held until</dt><dd>${utcDateTime(cleanup.holdUntil)}</dd></div>` : ""}
<div><dt>Started</dt><dd>${cleanup.startedAt === undefined ? NONE : utcDateTime(cleanup.startedAt)}</dd></div>
<div><dt>Completed</dt><dd>${cleanup.completedAt === undefined ? NONE : utcDateTime(cleanup.completedAt)}</dd></div>
<div><dt>Instances terminated</dt><dd>${cleanup.terminatedInstanceIds.length}${cleanup.terminatingInstanceIds.length > 0 ? `, ${cleanup.terminatingInstanceIds.length} still terminating` : ""}</dd></div>
<div><dt>Launch settings restored</dt><dd>${cleanup.revertedServers.length} servers${cleanup.skippedServers.length > 0 ? `, ${cleanup.skippedServers.length} left as they were` : ""}</dd></div>
</dl>`;
  const error = [cleanup.error, cleanup.cause].filter(Boolean).join(": ");
  const parts: HtmlValue[] = [
    facts,
    error &&
      html`<div class="callout tone-bad"><strong>The cleanup failed.</strong><div class="detail">${error}</div></div>`,
    cleanup.terminatedInstanceIds.length > 0 &&
      html`<h3>Terminated recovery instances</h3>${instanceList(cleanup.terminatedInstanceIds)}`,
    cleanup.terminatingInstanceIds.length > 0 &&
      html`<h3>Still terminating</h3>${instanceList(cleanup.terminatingInstanceIds)}`,
    cleanup.failedTerminations.length > 0 &&
      html`<h3>Not terminated</h3>${dataTable<DrillCleanupSummary["failedTerminations"][number]>(
        [
          { header: "Server", cell: "label", value: (f) => server(f.sourceServerId) },
          { header: "Recovery instance", cell: "nowrap", value: (f) => mono(f.recoveryInstanceId) },
          { header: "Reason", cell: "text", value: (f) => f.reason },
        ],
        cleanup.failedTerminations,
        () => "problem",
      )}`,
    cleanup.revertedServers.length > 0 &&
      html`<h3>Launch settings restored</h3>${dataTable<DrillCleanupSummary["revertedServers"][number]>(
        [
          { header: "Server", cell: "label", value: (r) => server(r.sourceServerId) },
          { header: "Template default version", cell: "num", value: (r) => orNone(r.restoredDefaultVersion) },
          {
            header: "Launch configuration restored",
            cell: "text",
            value: (r) => orNone(restoredFields(r.restoredLaunchConfiguration)),
          },
          { header: "At", cell: "nowrap", value: (r) => clockTime(r.revertedAt, summary.startedAt) },
        ],
        cleanup.revertedServers,
      )}`,
    cleanup.skippedServers.length > 0 &&
      html`<h3>Launch settings left as they were</h3>${dataTable<
        DrillCleanupSummary["skippedServers"][number]
      >(
        [
          { header: "Server", cell: "label", value: (s) => server(s.sourceServerId) },
          { header: "Why", cell: "text", value: (s) => s.reason },
        ],
        cleanup.skippedServers,
      )}`,
  ];
  return section("cleanup", "Drill cleanup", "", parts);
}

/** Why servers were left out and what failed, in one place for the postmortem. */
export function problemsSection(summary: RecoverySummary): Html | "" {
  const failedServers = summary.servers.filter((s) => failureText(s) !== undefined);
  const failedHooks = summary.hooks.filter((hook) => hook.error !== undefined);
  const ended = summary.status === "FAILED" || summary.status === "ABORTED";
  const executionError = [summary.error, summary.cause].filter(Boolean).join(": ");
  if (
    summary.counts.skipped === 0 &&
    failedServers.length === 0 &&
    failedHooks.length === 0 &&
    !executionError
  ) {
    return "";
  }
  const unlisted = summary.counts.skipped - summary.skipped.length;
  const parts: HtmlValue[] = [
    executionError &&
      html`<h3>Why the ${modeWord(summary)} ${ended ? "ended" : "reported an error"}</h3><div class="callout tone-${summary.status === "FAILED" ? "bad" : "warn"}">${summary.reason && summary.reason !== summary.cause ? html`<div class="detail">${summary.reason}</div>` : ""}<div class="detail">${executionError}</div></div>`,
    summary.counts.skipped > 0 &&
      html`<h3>Skipped servers (not ready at start)</h3>${dataTable<RecoverySummary["skipped"][number]>(
        [
          { header: "Source server", cell: "nowrap", value: (s) => mono(s.sourceServerId) },
          { header: "Reason", cell: "text", value: (s) => s.reason },
        ],
        summary.skipped,
      )}${unlisted > 0 ? html`<p class="muted">and ${unlisted} more, not listed by the execution.</p>` : ""}`,
    failedServers.length > 0 &&
      html`<h3>Server failures</h3>${dataTable<ServerTimeline>(
        [
          { header: "Server", cell: "label", value: (s) => s.hostname ?? s.sourceServerId },
          { header: "Wave", cell: "num", value: (s) => s.wave },
          { header: "Status", cell: "plain", value: (s) => chip(s.status) },
          {
            header: "When",
            cell: "nowrap",
            value: (s) => clock(summary, s.failedAt ?? s.previousAttempts.at(-1)?.failedAt),
          },
          { header: "Reason", cell: "text", value: (s) => orNone(failureText(s)) },
        ],
        failedServers,
      )}`,
    failedHooks.length > 0 &&
      html`<h3>Hook errors</h3>${dataTable<HookRecord>(
        [
          {
            header: "Hook",
            cell: "label",
            value: (h) => (h.wave === undefined ? h.name : `${h.name} (wave ${h.wave})`),
          },
          { header: "On failure", cell: "nowrap", value: (h) => h.onFailure },
          { header: "Error", cell: "text", value: (h) => h.error },
        ],
        failedHooks,
      )}`,
  ];
  return section("problems", "Skipped servers and errors", "", parts);
}
