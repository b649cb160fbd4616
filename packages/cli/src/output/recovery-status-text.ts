import { formatDuration } from "@drs-orchestrator/core";
import type { RecoveryStatusView, ServerStatusView, WaveStatusView } from "@drs-orchestrator/engine";
import { barLegend, progressBar } from "./progress-bar";
import { renderTable } from "./table";
import type { TerminalStyle } from "./terminal-style";

export interface StatusTextOptions {
  style: TerminalStyle;
  /** How the commands this text suggests reach the same app, e.g. `--local`; empty for the environment. */
  targetFlag: string;
  /** Cells of each wave's bar; default 24. */
  barWidth?: number;
}

const NONE = "-";
const ENDED = new Set(["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]);

/** Whether the execution has ended: nothing about it changes any more. */
export function hasEnded(view: Pick<RecoveryStatusView, "status">): boolean {
  return ENDED.has(view.status);
}

/** `2026-11-21T07:40:12.345Z` as `2026-11-21 07:40:12 UTC`. */
export function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** A time as the offset from the execution's start, e.g. `+12m30s`. */
function sinceStart(startedAt: string, iso: string | undefined): string {
  if (iso === undefined) return NONE;
  return `+${formatDuration(Math.max(0, (Date.parse(iso) - Date.parse(startedAt)) / 1000))}`;
}

function statusWord(status: string, style: TerminalStyle): string {
  if (status === "SUCCEEDED") return style.healthy(status);
  if (status === "RUNNING" || status === "STARTING") return style.launching(status);
  return style.failed(status);
}

/** The status first: a line cut to the terminal's width loses the plan's name, not the outcome. */
function headline(view: RecoveryStatusView, style: TerminalStyle): string {
  const kind = view.mode === "DRILL" ? "Drill" : "Recovery";
  const version = view.planVersion === undefined ? "" : ` v${view.planVersion}`;
  const name = view.planName ? ` (${view.planName})` : "";
  return `${statusWord(view.status, style)}  ${style.bold(`${kind} ${view.executionId}`)} of plan ${view.planId}${version}${name}`;
}

function requestLines(view: RecoveryStatusView): string[] {
  const by = view.requestedBy ? ` by ${view.requestedBy}` : "";
  const why = view.reason ? `: ${view.reason}` : "";
  const started = `Started ${utcTime(view.startedAt)}${by}${why}`;
  const lines = [started, ...attemptLines(view)];
  if (view.endedAt === undefined) return lines;
  return [...lines, `Ended ${utcTime(view.endedAt)} after ${formatDuration(view.elapsedSeconds)}`];
}

/**
 * A resumed execution's attempts, each on a line: `Attempt 2 of 2: resumed 2026-11-21 10:40:00 UTC
 * by cli:bob, skipping failed servers, from wave 2: <reason>`, the earlier ones with how they ended.
 */
export function attemptLines(view: Pick<RecoveryStatusView, "attempts">): string[] {
  const attempts = view.attempts ?? [];
  if (attempts.length < 2) return [];
  return attempts.map((attempt) => {
    const what = attempt.number === 1 ? "started" : "resumed";
    const skip = attempt.skipFailed ? ", skipping failed servers" : "";
    const from =
      attempt.number > 1 && attempt.firstWave !== undefined ? `, from wave ${attempt.firstWave}` : "";
    const why = attempt.number > 1 && attempt.reason ? `: ${attempt.reason}` : "";
    const ended =
      attempt.endedAt === undefined ? "" : `; ended ${attempt.status ?? ""} ${utcTime(attempt.endedAt)}`;
    return `Attempt ${attempt.number} of ${attempts.length}: ${what} ${utcTime(attempt.startedAt)} by ${attempt.requestedBy}${skip}${from}${why}${ended}`;
  });
}

/**
 * The RTO so far against the plan's target while the execution runs, e.g. `RTO 12m30s of 45m, 32m30s
 * left`; once it ended, the RTO it achieved, or that it achieved none.
 */
export function rtoLine(view: RecoveryStatusView, style: TerminalStyle): string {
  const { rto } = view;
  const target = rto.targetSeconds;
  if (rto.achievedSeconds !== undefined) {
    const of = target === undefined ? "" : ` of ${formatDuration(target)} target`;
    const verdict =
      target === undefined
        ? ""
        : rto.breached
          ? `: ${style.failed(`breached by ${formatDuration(rto.achievedSeconds - target)}`)}`
          : `: ${style.healthy("met")}`;
    return `RTO ${formatDuration(rto.achievedSeconds)} achieved${of}${verdict}`;
  }
  const of = target === undefined ? " (the plan sets no RTO target)" : ` of ${formatDuration(target)} target`;
  if (hasEnded(view)) {
    return `RTO not achieved: ${view.status} after ${formatDuration(rto.elapsedSeconds)}${of}`;
  }
  if (target === undefined) return `RTO ${formatDuration(rto.elapsedSeconds)} so far${of}`;
  if (rto.breached || rto.elapsedSeconds > target) {
    return `RTO ${formatDuration(rto.elapsedSeconds)} so far${of}: ${style.failed(`breached by ${formatDuration(rto.elapsedSeconds - target)}`)}`;
  }
  const left = rto.remainingSeconds ?? target - rto.elapsedSeconds;
  return `RTO ${formatDuration(rto.elapsedSeconds)} so far${of}, ${formatDuration(left)} left`;
}

/**
 * The RPO achieved so far (largest data-loss window of the servers launched) against the plan's
 * RPO, the time asked for, and how far apart the servers' points in time are, e.g. `RPO 3h2m
 * achieved (s-…) of 5m target: breached by 2h57m; points in time 07:00:00 UTC … 07:10:00 UTC
 * (spread 10m)`; undefined before any server launched and without an `asOf`.
 */
export function rpoLine(view: RecoveryStatusView, style: TerminalStyle): string | undefined {
  const { rpo } = view;
  if (!rpo) return undefined;
  const asOf = rpo.asOf === undefined ? "" : `as of ${utcTime(new Date(rpo.asOf).toISOString())}: `;
  const target = `of ${formatDuration(rpo.targetSeconds)} target`;
  if (rpo.achievedSeconds === undefined) {
    return rpo.asOf === undefined ? undefined : `RPO ${asOf}no server launched yet (${target})`;
  }
  const verdict =
    rpo.breachedBySeconds !== undefined
      ? style.failed(`breached by ${formatDuration(rpo.breachedBySeconds)}`)
      : style.healthy("met");
  const worst = rpo.worstServerId === undefined ? "" : ` (${rpo.worstServerId})`;
  const spread =
    rpo.oldestPointInTime === undefined || rpo.newestPointInTime === undefined
      ? ""
      : `; points in time ${utcTime(new Date(rpo.oldestPointInTime).toISOString())} … ${utcTime(
          new Date(rpo.newestPointInTime).toISOString(),
        )} (spread ${formatDuration(rpo.spreadSeconds ?? 0)})`;
  return `RPO ${asOf}${formatDuration(rpo.achievedSeconds)} data loss achieved${worst} ${target}: ${verdict}${spread}`;
}

/** The servers left out at start, each with its replication state and why. */
function skippedLines(view: RecoveryStatusView, style: TerminalStyle): string[] {
  if (view.skippedCount === 0) return [];
  const more = view.skippedCount - view.skipped.length;
  return [
    style.failed(`${view.skippedCount} server(s) skipped, not recoverable (failure.notReady: skip):`),
    ...view.skipped.map(
      (server) => `  ${server.sourceServerId}${server.state ? ` (${server.state})` : ""}: ${server.reason}`,
    ),
    ...(more > 0 ? [`  … and ${more} more`] : []),
  ];
}

function replicationCell(server: ServerStatusView): string {
  const { replication } = server;
  if (!replication) return NONE;
  return replication.lagSeconds === undefined
    ? replication.state
    : `${replication.state} ${formatDuration(replication.lagSeconds)}`;
}

function waveStatus(wave: WaveStatusView): string {
  const status = wave.awaitingApproval ? "AWAITING APPROVAL" : wave.status;
  return wave.attempt > 0 ? `${status} (retry ${wave.attempt})` : status;
}

/**
 * One line per wave: its place, groups, a bar of its servers by state, how many are healthy (and
 * failed) and its status, e.g. `wave 2/3  app  ████████▓▓▒░  8/12 healthy  1 failed  LAUNCHING`;
 * the columns line up across waves.
 */
export function waveLines(waves: readonly WaveStatusView[], style: TerminalStyle, barWidth = 24): string[] {
  const rows = waves.map((wave) => ({
    place: `wave ${wave.wave}/${waves.length}`,
    groups: wave.groupIds.join(", "),
    healthy: `${wave.healthy}/${wave.servers} healthy`,
    failed: wave.failed > 0 ? `${wave.failed} failed` : "",
    wave,
  }));
  const width = (key: "place" | "groups" | "healthy" | "failed") =>
    Math.max(0, ...rows.map((row) => [...row[key]].length));
  const [place, groups, healthy, failed] = [
    width("place"),
    width("groups"),
    width("healthy"),
    width("failed"),
  ];
  return rows.map((row) =>
    [
      row.place.padEnd(place),
      row.groups.padEnd(groups),
      progressBar(row.wave, barWidth, style),
      row.healthy.padStart(healthy),
      ...(failed > 0 ? [style.failed(row.failed.padEnd(failed))] : []),
      row.wave.awaitingApproval ? style.launching(waveStatus(row.wave)) : waveStatus(row.wave),
    ].join("  "),
  );
}

/** The gates waiting for a decision, each with the command that decides it. */
export function approvalLines(view: RecoveryStatusView, targetFlag: string, style: TerminalStyle): string[] {
  const flag = targetFlag ? ` ${targetFlag}` : "";
  return view.pendingApprovals.map(
    (approval) =>
      `${style.launching(`Wave ${approval.wave} waits for approval`)} ` +
      `(${approval.approvers.length > 0 ? `approvers: ${approval.approvers.join(", ")}` : "any operator"}): ` +
      `drs-orchestrator recover approve ${view.executionId} --wave ${approval.wave}${flag} ` +
      `(or recover reject to abort)`,
  );
}

function serverTable(servers: readonly ServerStatusView[], startedAt: string): string[] {
  const rows = [...servers]
    .sort((a, b) => a.wave - b.wave || a.sourceServerId.localeCompare(b.sourceServerId))
    .map((server) => [
      server.sourceServerId,
      server.hostname ?? NONE,
      String(server.wave),
      server.groupId,
      server.status,
      String(server.attempts),
      server.ec2InstanceId ?? NONE,
      server.privateIp ?? NONE,
      sinceStart(startedAt, server.launchedAt),
      sinceStart(startedAt, server.healthyAt),
      replicationCell(server),
      server.dataLossSeconds === undefined ? NONE : formatDuration(server.dataLossSeconds),
      server.failureReason ?? "",
    ]);
  const count = { align: "right" } as const;
  return renderTable(
    [
      { header: "SOURCE SERVER" },
      { header: "HOST" },
      { header: "WAVE", ...count },
      { header: "GROUP" },
      { header: "STATUS" },
      { header: "ATTEMPTS", ...count },
      { header: "INSTANCE" },
      { header: "PRIVATE IP" },
      { header: "LAUNCHED", ...count },
      { header: "HEALTHY", ...count },
      { header: "REPLICATION" },
      { header: "DATA LOSS", ...count },
      { header: "FAILURE" },
    ],
    rows,
  ).split("\n");
}

/**
 * An execution's status as lines: who started it and why, the RTO so far, the RPO achieved, one
 * bar per wave, the gates waiting for a decision with the command that decides them, the servers
 * skipped at start and why, what ended it when it failed, and one row per server when the view has
 * them (times as offsets from the start, replication at start, data lost).
 */
export function renderRecoveryStatus(view: RecoveryStatusView, options: StatusTextOptions): string[] {
  const { style } = options;
  const rpo = rpoLine(view, style);
  const lines = [headline(view, style), ...requestLines(view), rtoLine(view, style), ...(rpo ? [rpo] : [])];
  if (view.waves.length > 0) {
    lines.push("", ...waveLines(view.waves, style, options.barWidth), barLegend(style));
  } else if (view.status === "STARTING") {
    lines.push("The workflow is preparing the execution: resolving groups and checking readiness");
  }
  const approvals = approvalLines(view, options.targetFlag, style);
  if (approvals.length > 0) lines.push("", ...approvals);
  const skipped = skippedLines(view, style);
  if (skipped.length > 0) lines.push("", ...skipped);
  if (view.error) lines.push("", style.failed(`Error: ${view.error}${view.cause ? ` — ${view.cause}` : ""}`));
  if (view.servers && view.servers.length > 0) lines.push("", ...serverTable(view.servers, view.startedAt));
  return lines;
}
