import { formatDuration, type RecoverySummary } from "@drs-orchestrator/core";
import { renderTable } from "./table";

const NONE = "-";

function duration(seconds: number | undefined): string {
  return seconds === undefined ? NONE : formatDuration(seconds);
}

function headline(summary: RecoverySummary): string {
  const kind = summary.mode === "DRILL" ? "Drill" : "Recovery";
  const took = summary.durationSeconds === undefined ? "" : ` in ${formatDuration(summary.durationSeconds)}`;
  return `${kind} ${summary.executionId} of plan ${summary.planId} v${summary.planVersion} ${summary.status}${took}`;
}

function rtoLine(summary: RecoverySummary): string {
  const { rto } = summary;
  const target = `target ${formatDuration(rto.targetSeconds)}`;
  if (rto.achievedSeconds === undefined) return `RTO: not achieved (${target})`;
  const verdict = rto.breached ? "BREACHED" : "met";
  return `RTO: ${formatDuration(rto.achievedSeconds)} achieved, ${target}: ${verdict}`;
}

/** The RPO achieved (largest data-loss window) against the target and the spread of the points in time. */
function rpoLine(summary: RecoverySummary): string | undefined {
  const { rpo } = summary;
  if (!rpo) return undefined;
  const asOf = rpo.asOf === undefined ? "" : ` as of ${rpo.asOf}`;
  const target = `target ${formatDuration(rpo.targetSeconds)}`;
  if (rpo.achievedSeconds === undefined) return `RPO${asOf}: no server came back (${target})`;
  const verdict =
    rpo.breachedBySeconds === undefined ? "met" : `BREACHED by ${formatDuration(rpo.breachedBySeconds)}`;
  const spread =
    rpo.spreadSeconds === undefined
      ? ""
      : `; points in time ${rpo.oldestPointInTime} … ${rpo.newestPointInTime} (spread ${formatDuration(rpo.spreadSeconds)})`;
  return `RPO${asOf}: ${formatDuration(rpo.achievedSeconds)} data loss achieved (${rpo.worstServerId}), ${target}: ${verdict}${spread}`;
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

function approvalLine(approval: RecoverySummary["approvals"][number]): string {
  const decided =
    approval.decidedAt === undefined
      ? ""
      : ` after ${formatDuration(secondsBetween(approval.requestedAt, approval.decidedAt))}`;
  const by = approval.by === undefined ? "" : ` by ${approval.by}`;
  const comment = approval.comment === undefined ? "" : `: ${approval.comment}`;
  return `Wave ${approval.wave} approval: ${approval.status}${by}${decided}${comment}`;
}

function hooksTable(hooks: RecoverySummary["hooks"]): string {
  return renderTable(
    [
      { header: "HOOK" },
      { header: "PHASE" },
      { header: "CALLS" },
      { header: "STATUS" },
      { header: "ATTEMPTS", align: "right" },
      { header: "MS", align: "right" },
    ],
    hooks.map((hook) => [
      hook.name,
      hook.wave === undefined ? hook.phase : `${hook.phase} ${hook.wave}`,
      `${hook.kind} ${hook.target}`,
      hook.status === "FAILED" && hook.onFailure === "continue" ? "FAILED (continued)" : hook.status,
      String(hook.attempts),
      String(Math.round(hook.durationMs)),
    ]),
  );
}

/** A resumed execution's attempts: who started or resumed each, when, from which wave, how each ended. */
function attemptsTable(attempts: NonNullable<RecoverySummary["attempts"]>): string {
  return renderTable(
    [
      { header: "ATTEMPT", align: "right" },
      { header: "STARTED (UTC)" },
      { header: "BY" },
      { header: "FROM WAVE", align: "right" },
      { header: "FAILED SERVERS" },
      { header: "STATUS" },
      { header: "TOOK", align: "right" },
    ],
    attempts.map((attempt) => [
      String(attempt.number),
      `${attempt.startedAt.slice(0, 10)} ${attempt.startedAt.slice(11, 19)}`,
      attempt.requestedBy,
      attempt.firstWave === undefined ? NONE : String(attempt.firstWave),
      attempt.skipFailed ? "accepted" : "relaunched",
      attempt.status ?? "RUNNING",
      duration(attempt.durationSeconds),
    ]),
  );
}

function countsLine(summary: RecoverySummary): string {
  const { counts } = summary;
  const parts = [
    `${counts.servers} servers`,
    `${counts.launched} launched`,
    `${counts.healthy} healthy`,
    `${counts.failed} failed`,
    counts.notLaunched > 0 && `${counts.notLaunched} not launched`,
    counts.relaunched > 0 && `${counts.relaunched} relaunched`,
    counts.skipped > 0 && `${counts.skipped} skipped (not ready)`,
  ].filter(Boolean);
  return `Servers: ${parts.join(", ")}`;
}

/**
 * The end-of-execution report as text: outcome, RTO achieved against the target, the attempts of a
 * resumed execution, each wave's durations (start → all launched → all healthy), its approval, one
 * row per server with its recovery instance, the hooks that ran; then why anything failed.
 */
export function renderRecoverySummary(summary: RecoverySummary): string {
  const sections = [
    [
      headline(summary),
      rtoLine(summary),
      rpoLine(summary),
      countsLine(summary),
      ...summary.approvals.map(approvalLine),
    ]
      .filter((line) => line !== undefined)
      .join("\n"),
  ];
  const attempts = summary.attempts ?? [];
  if (attempts.length > 1) sections.push(attemptsTable(attempts));

  const count = { align: "right" } as const;
  sections.push(
    renderTable(
      [
        { header: "WAVE" },
        { header: "GROUPS" },
        { header: "STATUS" },
        { header: "SERVERS", ...count },
        { header: "HEALTHY", ...count },
        { header: "FAILED", ...count },
        { header: "ROUNDS", ...count },
        { header: "LAUNCH", ...count },
        { header: "HEALTH", ...count },
        { header: "TOTAL", ...count },
      ],
      summary.waves.map((wave) => [
        String(wave.wave),
        wave.groupIds.join(", "),
        wave.status,
        String(wave.servers),
        String(wave.healthy),
        String(wave.failed),
        String(wave.rounds),
        duration(wave.launchSeconds),
        duration(wave.healthSeconds),
        duration(wave.durationSeconds),
      ]),
    ),
  );

  sections.push(
    renderTable(
      [
        { header: "HOST" },
        { header: "SOURCE SERVER" },
        { header: "WAVE", ...count },
        { header: "INSTANCE" },
        { header: "TYPE" },
        { header: "PRIVATE IP" },
        { header: "STATUS" },
        { header: "ATTEMPTS", ...count },
        { header: "POINT IN TIME" },
        { header: "DATA LOSS", ...count },
      ],
      summary.servers.map((server) => [
        server.hostname ?? NONE,
        server.sourceServerId,
        String(server.wave),
        server.ec2InstanceId ?? NONE,
        server.instanceType ?? NONE,
        server.privateIp ?? NONE,
        server.status,
        String(server.attempts),
        server.pointInTime ?? NONE,
        duration(server.dataLossSeconds),
      ]),
    ),
  );

  if (summary.hooks.length > 0) sections.push(hooksTable(summary.hooks));

  const problems = [
    ...attempts
      .slice(0, -1)
      .filter((attempt) => attempt.error !== undefined)
      .map(
        (attempt) =>
          `Attempt ${attempt.number} ended ${attempt.status}: ${attempt.error}${attempt.cause ? `: ${attempt.cause}` : ""}`,
      ),
    summary.reason && `Aborted: ${summary.reason}`,
    summary.error && `Error: ${summary.error}${summary.cause ? `: ${summary.cause}` : ""}`,
    ...summary.hooks
      .filter((hook) => hook.error !== undefined)
      .map((hook) => `Hook ${hook.name}: ${hook.error}`),
    ...summary.servers
      .filter((server) => server.failureReason !== undefined)
      .map((server) => `${server.hostname ?? server.sourceServerId}: ${server.failureReason}`),
    ...summary.skipped.map((server) => `${server.sourceServerId} skipped: ${server.reason}`),
  ].filter((line): line is string => Boolean(line));
  if (problems.length > 0) sections.push(problems.join("\n"));
  return sections.join("\n\n");
}
