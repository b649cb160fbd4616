import type { HookRecord } from "../../hooks/hook-record";
import type { RecoverySummary, ServerTimeline, WaveSummary } from "../recovery-summary";
import { humanDuration, secondsBetween } from "./report-format";

/**
 * The timeline as rows of segments and markers, in seconds since the execution started: one row
 * for the execution, one per wave (approval wait, start → all launched → all healthy) and under
 * it one per server (launch started → launched → healthy, earlier failed attempts before).
 */

export type SegmentKind = "run" | "approval" | "launch" | "checks" | "earlier" | "range";

export interface GanttSegment {
  kind: SegmentKind;
  from: number;
  to: number;
  /** No end recorded: still running at report time, or cut off when the execution ended. */
  unfinished: boolean;
  title: string;
}

export type MarkerKind = "healthy" | "failed" | "hook" | "hook-failed";

export interface GanttMarker {
  kind: MarkerKind;
  at: number;
  title: string;
}

export interface GanttRow {
  kind: "execution" | "wave" | "server" | "more";
  label: string;
  /** Text drawn right after the row's last segment (a wave's duration, a summary of hidden servers). */
  note?: string;
  title: string;
  segments: GanttSegment[];
  markers: GanttMarker[];
}

export interface GanttModel {
  rows: GanttRow[];
  /** The end of the time axis. */
  span: number;
  /** The report's time while the execution runs. */
  now?: number;
  /** Drawn when it falls on the axis. */
  rtoTarget: number;
}

/**
 * Waves of up to this many servers show every server; a larger wave shows SHOWN_SERVERS of them
 * (failures, relaunches and unfinished launches first, then the slowest, which set the wave's
 * time) and one row for the rest, so a 300-server plan stays a chart one can read. The table
 * below the chart lists every server.
 */
export const ALL_SERVERS_UP_TO = 12;
export const SHOWN_SERVERS = 10;

/** The target shows on the axis when it is at most this far past the end, else the chart would be mostly empty. */
const TARGET_REACH = 1.35;
/** Room past the last event, for the note after the last wave's bar. */
const NOTE_ROOM = 0.07;

export function ganttModel(summary: RecoverySummary, generatedAt: string): GanttModel {
  const t = (iso: string) => Math.max(0, secondsBetween(summary.startedAt, iso));
  const running = summary.status === "RUNNING";
  /** Where a segment without an end stops: the report's time while running, else the execution's end. */
  const cut = t(running ? generatedAt : (summary.endedAt ?? generatedAt));

  const rows: GanttRow[] = [executionRow(summary, t, cut, running)];
  for (const wave of summary.waves) {
    rows.push(waveRow(summary, wave, t, cut));
    const servers = summary.servers.filter((server) => server.wave === wave.wave);
    const { shown, hidden } = pickServers(servers);
    for (const server of shown) rows.push(serverRow(server, t, cut, running));
    if (hidden.length > 0) rows.push(moreRow(hidden, t, cut));
  }

  const last = Math.max(
    cut,
    ...rows.flatMap((row) => [...row.segments.map((s) => s.to), ...row.markers.map((m) => m.at)]),
  );
  const target = summary.rto.targetSeconds;
  const end = target <= last * TARGET_REACH ? Math.max(last, target) : last;
  const span = Math.max(1, end * (1 + NOTE_ROOM));
  return { rows, span, ...(running && { now: cut }), rtoTarget: target };
}

function segment(
  kind: SegmentKind,
  from: number,
  to: number | undefined,
  cut: number,
  title: string,
): GanttSegment {
  return { kind, from, to: Math.max(from, to ?? cut), unfinished: to === undefined, title };
}

function hookMarker(hook: HookRecord, t: (iso: string) => number): GanttMarker {
  const where = hook.wave === undefined ? hook.phase : `${hook.phase} wave ${hook.wave}`;
  const error = hook.error === undefined ? "" : `: ${hook.error}`;
  return {
    kind: hook.status === "FAILED" ? "hook-failed" : "hook",
    at: t(hook.startedAt),
    title: `hook ${hook.name} (${where}, ${hook.kind} ${hook.target}) ${hook.status}${error}`,
  };
}

function executionRow(
  summary: RecoverySummary,
  t: (iso: string) => number,
  cut: number,
  running: boolean,
): GanttRow {
  const end = summary.endedAt === undefined ? undefined : t(summary.endedAt);
  return {
    kind: "execution",
    label: "Execution",
    title: `execution ${summary.executionId} ${summary.status}`,
    segments: [segment("run", 0, end, cut, running ? "running at report time" : `${summary.status} at end`)],
    markers: summary.hooks.filter((hook) => hook.wave === undefined).map((hook) => hookMarker(hook, t)),
  };
}

function waveRow(
  summary: RecoverySummary,
  wave: WaveSummary,
  t: (iso: string) => number,
  cut: number,
): GanttRow {
  const segments: GanttSegment[] = [];
  const approval = summary.approvals.find((gate) => gate.wave === wave.wave);
  if (approval) {
    const decided = approval.decidedAt === undefined ? undefined : t(approval.decidedAt);
    const by = approval.by === undefined ? "" : ` by ${approval.by}`;
    segments.push(
      segment("approval", t(approval.requestedAt), decided, cut, `approval ${approval.status}${by}`),
    );
  }
  const markers: GanttMarker[] = [];
  if (wave.startedAt !== undefined) {
    const start = t(wave.startedAt);
    // While a wave launches, its launchedAt is only the latest of the servers launched so far.
    const launching = wave.status === "LAUNCHING";
    const launched = wave.launchedAt === undefined || launching ? undefined : t(wave.launchedAt);
    const closed = wave.completedAt === undefined ? undefined : t(wave.completedAt);
    segments.push(segment("launch", start, launched ?? closed, cut, "start → all launched"));
    if (launched !== undefined) {
      const healthy = wave.healthyAt === undefined ? undefined : t(wave.healthyAt);
      segments.push(segment("checks", launched, healthy ?? closed, cut, "all launched → all healthy"));
    }
    const endAt = closed ?? cut;
    if (wave.status === "COMPLETED" && wave.healthyAt !== undefined) {
      markers.push({ kind: "healthy", at: t(wave.healthyAt), title: `wave ${wave.wave} healthy` });
    } else if (wave.status === "FAILED" || wave.status === "ABORTED") {
      markers.push({ kind: "failed", at: endAt, title: `wave ${wave.wave} ${wave.status}` });
    }
  }
  markers.push(...summary.hooks.filter((hook) => hook.wave === wave.wave).map((hook) => hookMarker(hook, t)));
  const rounds = wave.rounds > 1 ? `, ${wave.rounds} launch rounds` : "";
  return {
    kind: "wave",
    label: `Wave ${wave.wave} · ${wave.groupIds.join(", ")}`,
    ...(wave.durationSeconds !== undefined && { note: humanDuration(wave.durationSeconds) }),
    title: `wave ${wave.wave} (${wave.groupIds.join(", ")}) ${wave.status}: ${wave.healthy}/${wave.servers} healthy, ${wave.failed} failed${rounds}`,
    segments,
    markers,
  };
}

const FAILED_STATUSES = new Set(["FAILED", "UNHEALTHY"]);

function serverName(server: ServerTimeline): string {
  return server.hostname ?? server.sourceServerId;
}

function serverRow(
  server: ServerTimeline,
  t: (iso: string) => number,
  cut: number,
  running: boolean,
): GanttRow {
  const segments: GanttSegment[] = [];
  const markers: GanttMarker[] = [];
  for (const earlier of server.previousAttempts) {
    if (earlier.launchStartedAt === undefined) continue;
    const failedAt = earlier.failedAt === undefined ? undefined : t(earlier.failedAt);
    const reason = earlier.failureReason === undefined ? "" : `: ${earlier.failureReason}`;
    segments.push(
      segment(
        "earlier",
        t(earlier.launchStartedAt),
        failedAt,
        cut,
        `attempt ${earlier.attempt + 1} ${earlier.status}${reason}`,
      ),
    );
    if (failedAt !== undefined) {
      markers.push({
        kind: "failed",
        at: failedAt,
        title: `attempt ${earlier.attempt + 1} ${earlier.status}${reason}`,
      });
    }
  }
  const failedAt = server.failedAt === undefined ? undefined : t(server.failedAt);
  if (server.launchStartedAt !== undefined) {
    const launched = server.launchedAt === undefined ? undefined : t(server.launchedAt);
    segments.push(
      segment("launch", t(server.launchStartedAt), launched ?? failedAt, cut, "launch started → launched"),
    );
    if (launched !== undefined) {
      const healthy = server.healthyAt === undefined ? undefined : t(server.healthyAt);
      segments.push(segment("checks", launched, healthy ?? failedAt, cut, "launched → healthy"));
    }
  }
  const reason = server.failureReason === undefined ? "" : `: ${server.failureReason}`;
  if (server.healthyAt !== undefined && server.status === "HEALTHY") {
    markers.push({ kind: "healthy", at: t(server.healthyAt), title: `${serverName(server)} healthy` });
  }
  if (failedAt !== undefined) {
    markers.push({ kind: "failed", at: failedAt, title: `${serverName(server)} ${server.status}${reason}` });
  }
  const details = [
    server.sourceServerId,
    server.status,
    server.attempts > 1 && `${server.attempts} attempts`,
    server.ec2InstanceId,
    server.failureReason,
  ].filter(Boolean);
  return {
    kind: "server",
    label: serverName(server),
    ...(server.launchStartedAt === undefined && { note: running ? "waiting to launch" : "not launched" }),
    title: `${serverName(server)}: ${details.join(", ")}`,
    segments,
    markers,
  };
}

/** Lower ranks are shown first: what went wrong, what was retried, what has not finished, then the rest. */
function rank(server: ServerTimeline): number {
  if (FAILED_STATUSES.has(server.status)) return 0;
  if (server.previousAttempts.length > 0) return 1;
  if (server.status !== "HEALTHY") return 2;
  return 3;
}

function finishedAt(server: ServerTimeline): number {
  return (
    Date.parse(server.healthyAt ?? server.failedAt ?? server.launchedAt ?? server.launchStartedAt ?? "") || 0
  );
}

function pickServers(servers: readonly ServerTimeline[]): {
  shown: ServerTimeline[];
  hidden: ServerTimeline[];
} {
  if (servers.length <= ALL_SERVERS_UP_TO) return { shown: byLaunchStart(servers), hidden: [] };
  const ordered = [...servers].sort((a, b) => rank(a) - rank(b) || finishedAt(b) - finishedAt(a));
  return { shown: byLaunchStart(ordered.slice(0, SHOWN_SERVERS)), hidden: ordered.slice(SHOWN_SERVERS) };
}

function byLaunchStart(servers: readonly ServerTimeline[]): ServerTimeline[] {
  const start = (server: ServerTimeline) =>
    server.launchStartedAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(server.launchStartedAt);
  return [...servers].sort((a, b) => start(a) - start(b) || serverName(a).localeCompare(serverName(b)));
}

function moreRow(hidden: readonly ServerTimeline[], t: (iso: string) => number, cut: number): GanttRow {
  const byStatus = new Map<string, number>();
  for (const server of hidden) byStatus.set(server.status, (byStatus.get(server.status) ?? 0) + 1);
  const statuses = [...byStatus].map(([status, n]) => `${n} ${status.toLowerCase()}`).join(", ");
  const starts = hidden.flatMap((s) => (s.launchStartedAt === undefined ? [] : [t(s.launchStartedAt)]));
  const ends = hidden.flatMap((s) => {
    const end = s.healthyAt ?? s.failedAt ?? s.launchedAt;
    return end === undefined ? [] : [t(end)];
  });
  const unfinished = hidden.some((s) => s.status === "LAUNCHING" || s.status === "LAUNCHED");
  const segments =
    starts.length === 0
      ? []
      : [
          segment(
            "range",
            Math.min(...starts),
            unfinished ? undefined : Math.max(...starts, ...ends),
            cut,
            "first launch started → last of them done",
          ),
        ];
  return {
    kind: "more",
    label: `+${hidden.length} more servers`,
    note: `${statuses} · every server is in the table below`,
    title: `${hidden.length} more servers of the wave: ${statuses}`,
    segments,
    markers: [],
  };
}
