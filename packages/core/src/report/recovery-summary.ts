import { type HookRecord, orderHookRecords } from "../hooks/hook-record";
import type { RecoveryMode } from "../plan/plan-schema";
import { type RpoSummary, summarizeRpo } from "./data-loss";
import type { DrillCleanupSummary } from "./drill-cleanup-summary";
import type {
  ApprovalRecord,
  ExecutionAttemptRecord,
  ExecutionRecord,
  LaunchAttemptRecord,
  ServerRecord,
  ServerRecordStatus,
  WaveRecord,
} from "./report-records";

export type RecoveryStatus = "RUNNING" | "SUCCEEDED" | "ABORTED" | "FAILED";

export interface RecoveryOutcome {
  status: RecoveryStatus;
  /** When the execution ended; absent while it runs. */
  endedAt?: string;
  /** Why the failure policy aborted. */
  reason?: string;
  /** The step error that ended the execution. */
  error?: string;
  cause?: string;
}

export interface ServerTimeline {
  sourceServerId: string;
  hostname?: string;
  wave: number;
  groupId: string;
  critical: boolean;
  status: ServerRecordStatus;
  /** Launches started for the server (1 + relaunches). */
  attempts: number;
  launchStartedAt?: string;
  launchedAt?: string;
  healthyAt?: string;
  /** When the launch failed or the instance was found unhealthy. */
  failedAt?: string;
  jobId?: string;
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  privateIp?: string;
  instanceType?: string;
  failureReason?: string;
  /** Earlier launches that were relaunched (by the failure policy or a resume), oldest first. */
  previousAttempts: LaunchAttemptRecord[];
  /** The PIT snapshot chosen at start (as of a time) and when it was taken. */
  recoverySnapshotId?: string;
  snapshotAt?: string;
  /** The point in time the server came back to, and its data-loss window (execution start − that). */
  pointInTime?: string;
  dataLossSeconds?: number;
  /** Its data replication at start (a RECOVERY launches servers whose replication is down). */
  replication?: { state: string; lagSeconds?: number };
}

export interface WaveSummary {
  wave: number;
  groupIds: string[];
  status: string;
  /** Launch rounds the wave ran (1 + retries). */
  rounds: number;
  servers: number;
  healthy: number;
  failed: number;
  startedAt?: string;
  /** When the last of the wave's servers launched. */
  launchedAt?: string;
  /** When the wave's status checks were all decided. */
  healthyAt?: string;
  completedAt?: string;
  /** start → all launched. */
  launchSeconds?: number;
  /** all launched → all healthy. */
  healthSeconds?: number;
  /** start → all healthy. */
  durationSeconds?: number;
}

export interface RecoveryCounts {
  servers: number;
  /** Servers with a recovery instance: launched, healthy or unhealthy. */
  launched: number;
  healthy: number;
  /** Servers whose launch failed or whose instance never passed its status checks. */
  failed: number;
  /** Servers still pending or launching (an execution that ended early never launched them). */
  notLaunched: number;
  /** Servers left out at start because they were not ready. */
  skipped: number;
  /** Servers relaunched at least once. */
  relaunched: number;
}

export interface RtoSummary {
  targetSeconds: number;
  /**
   * Execution start → last wave healthy; only for a recovery that succeeded. A resumed execution
   * counts from its first attempt's start: the time between attempts is part of the outage.
   */
  achievedSeconds?: number;
  recoveredAt?: string;
  /**
   * Once ended: true unless the recovery succeeded within the target (an aborted or failed
   * recovery did not meet it). False while the execution runs.
   */
  breached: boolean;
}

export interface RecoverySummary {
  executionId: string;
  planId: string;
  planVersion: number;
  planName: string;
  mode: RecoveryMode;
  /** Who asked for the recovery and why (the start request's reason). */
  requestedBy?: string;
  requestReason?: string;
  status: RecoveryStatus;
  /** Why the failure policy aborted. */
  reason?: string;
  error?: string;
  cause?: string;
  startedAt: string;
  endedAt?: string;
  durationSeconds?: number;
  rto: RtoSummary;
  /**
   * The RPO achieved (largest data-loss window of the recovered servers) against the plan's RPO,
   * and the spread of their points in time; absent for records without the plan's RPO.
   */
  rpo?: RpoSummary & { asOf?: string };
  counts: RecoveryCounts;
  waves: WaveSummary[];
  servers: ServerTimeline[];
  skipped: { sourceServerId: string; reason: string }[];
  /** Every hook that ran, in the order it ran, with its attempts and result. */
  hooks: HookRecord[];
  /** The approval gates the waves waited at, by wave. */
  approvals: ApprovalSummary[];
  /** A drill's cleanup, once one ran (it runs after the execution ended): `summarizeDrillCleanup`. */
  cleanup?: DrillCleanupSummary;
  /** Present once the execution was resumed: each attempt (the start, then each resume), oldest first. */
  attempts?: AttemptSummary[];
}

export interface AttemptSummary extends ExecutionAttemptRecord {
  /** The attempt's start → its end. */
  durationSeconds?: number;
}

export interface ApprovalSummary {
  wave: number;
  status: ApprovalRecord["status"];
  requestedAt: string;
  expiresAt: string;
  decidedAt?: string;
  by?: string;
  comment?: string;
}

const LAUNCHED: ReadonlySet<ServerRecordStatus> = new Set(["LAUNCHED", "HEALTHY", "UNHEALTHY"]);
const FAILED: ReadonlySet<ServerRecordStatus> = new Set(["FAILED", "UNHEALTHY"]);

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

function latest(times: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const time of times) {
    if (time !== undefined && (best === undefined || Date.parse(time) > Date.parse(best))) best = time;
  }
  return best;
}

function earliest(times: readonly (string | undefined)[]): string | undefined {
  let best: string | undefined;
  for (const time of times) {
    if (time !== undefined && (best === undefined || Date.parse(time) < Date.parse(best))) best = time;
  }
  return best;
}

function serverTimeline(server: ServerRecord): ServerTimeline {
  const failedAt = FAILED.has(server.status) ? (server.failedAt ?? server.unhealthyAt) : undefined;
  return {
    sourceServerId: server.sourceServerId,
    ...(server.hostname !== undefined && { hostname: server.hostname }),
    wave: server.wave,
    groupId: server.groupId,
    critical: server.critical,
    status: server.status,
    attempts: server.attempts,
    ...(server.launchStartedAt !== undefined && { launchStartedAt: server.launchStartedAt }),
    ...(server.launchedAt !== undefined && { launchedAt: server.launchedAt }),
    ...(server.healthyAt !== undefined && { healthyAt: server.healthyAt }),
    ...(failedAt !== undefined && { failedAt }),
    ...(server.jobId !== undefined && { jobId: server.jobId }),
    ...(server.recoveryInstanceId !== undefined && { recoveryInstanceId: server.recoveryInstanceId }),
    ...(server.ec2InstanceId !== undefined && { ec2InstanceId: server.ec2InstanceId }),
    ...(server.privateIp !== undefined && { privateIp: server.privateIp }),
    ...(server.instanceType !== undefined && { instanceType: server.instanceType }),
    ...(server.failureReason !== undefined && { failureReason: server.failureReason }),
    previousAttempts: [...(server.attemptHistory ?? [])].sort((a, b) => a.attempt - b.attempt),
    ...(server.recoverySnapshotId !== undefined && { recoverySnapshotId: server.recoverySnapshotId }),
    ...(server.snapshotAt !== undefined && { snapshotAt: server.snapshotAt }),
    ...(server.pointInTime !== undefined && { pointInTime: server.pointInTime }),
    ...(server.dataLossSeconds !== undefined && { dataLossSeconds: server.dataLossSeconds }),
    ...(server.replication !== undefined && { replication: { ...server.replication } }),
  };
}

function waveSummary(wave: WaveRecord, servers: readonly ServerRecord[]): WaveSummary {
  const startedAt =
    wave.startedAt ??
    earliest(
      servers.flatMap((s) => [s.launchStartedAt, ...(s.attemptHistory ?? []).map((a) => a.launchStartedAt)]),
    );
  const launched = servers.filter((s) => LAUNCHED.has(s.status));
  const launchedAt = wave.launchedAt ?? latest(launched.map((s) => s.launchedAt));
  const allHealthy = servers.length > 0 && servers.every((s) => s.status === "HEALTHY");
  const healthyAt =
    wave.healthCheckedAt ?? (allHealthy ? latest(servers.map((s) => s.healthyAt)) : undefined);
  const launchSeconds = secondsBetween(startedAt, launchedAt);
  const healthSeconds = secondsBetween(launchedAt, healthyAt);
  const durationSeconds = secondsBetween(startedAt, healthyAt);
  return {
    wave: wave.wave,
    groupIds: [...wave.groupIds],
    status: wave.status,
    rounds: wave.attempt + 1,
    servers: servers.length,
    healthy: servers.filter((s) => s.status === "HEALTHY").length,
    failed: servers.filter((s) => FAILED.has(s.status)).length,
    ...(startedAt !== undefined && { startedAt }),
    ...(launchedAt !== undefined && { launchedAt }),
    ...(healthyAt !== undefined && { healthyAt }),
    ...(wave.completedAt !== undefined && { completedAt: wave.completedAt }),
    ...(launchSeconds !== undefined && { launchSeconds }),
    ...(healthSeconds !== undefined && { healthSeconds }),
    ...(durationSeconds !== undefined && { durationSeconds }),
  };
}

/**
 * The recovery report of an execution from its items: a timeline per server, durations per wave
 * (start → all launched → all healthy), the RTO achieved (execution start → last wave healthy)
 * against the plan's target, the RPO achieved (largest data-loss window, `summarizeRpo`) against
 * the plan's RPO, and counts. The model the CLI, MCP and HTML reports render.
 */
export function summarizeRecovery(input: {
  execution: ExecutionRecord;
  outcome: RecoveryOutcome;
  waves: readonly WaveRecord[];
  servers: readonly ServerRecord[];
  hooks?: readonly HookRecord[];
  approvals?: readonly ApprovalRecord[];
}): RecoverySummary {
  const { execution, outcome } = input;
  const servers = [...input.servers].sort(
    (a, b) => a.wave - b.wave || a.sourceServerId.localeCompare(b.sourceServerId),
  );
  const byWave = new Map<number, ServerRecord[]>();
  for (const server of servers) byWave.set(server.wave, [...(byWave.get(server.wave) ?? []), server]);
  const waves = [...input.waves]
    .sort((a, b) => a.wave - b.wave)
    .map((wave) => waveSummary(wave, byWave.get(wave.wave) ?? []));

  const succeeded = outcome.status === "SUCCEEDED";
  const recoveredAt = succeeded
    ? (latest(waves.map((wave) => wave.healthyAt)) ?? outcome.endedAt)
    : undefined;
  const achievedSeconds = secondsBetween(execution.startedAt, recoveredAt);
  const durationSeconds = secondsBetween(execution.startedAt, outcome.endedAt);

  return {
    executionId: execution.executionId,
    planId: execution.planId,
    planVersion: execution.planVersion,
    planName: execution.planName,
    mode: execution.mode,
    ...(execution.requestedBy !== undefined && { requestedBy: execution.requestedBy }),
    ...(execution.reason !== undefined && { requestReason: execution.reason }),
    status: outcome.status,
    ...(outcome.reason !== undefined && { reason: outcome.reason }),
    ...(outcome.error !== undefined && { error: outcome.error }),
    ...(outcome.cause !== undefined && { cause: outcome.cause }),
    startedAt: execution.startedAt,
    ...(outcome.endedAt !== undefined && { endedAt: outcome.endedAt }),
    ...(durationSeconds !== undefined && { durationSeconds }),
    rto: {
      targetSeconds: execution.rtoSeconds,
      ...(achievedSeconds !== undefined && { achievedSeconds }),
      ...(recoveredAt !== undefined && { recoveredAt }),
      breached:
        outcome.status === "RUNNING"
          ? false
          : achievedSeconds === undefined || achievedSeconds > execution.rtoSeconds,
    },
    ...(execution.rpoSeconds !== undefined && {
      rpo: {
        ...summarizeRpo(servers, execution.rpoSeconds),
        ...(execution.asOf !== undefined && { asOf: execution.asOf }),
      },
    }),
    counts: {
      servers: servers.length,
      launched: servers.filter((s) => LAUNCHED.has(s.status)).length,
      healthy: servers.filter((s) => s.status === "HEALTHY").length,
      failed: servers.filter((s) => FAILED.has(s.status)).length,
      notLaunched: servers.filter((s) => s.status === "PENDING" || s.status === "LAUNCHING").length,
      skipped: execution.skippedCount ?? execution.skipped.length,
      relaunched: servers.filter((s) => (s.attemptHistory?.length ?? 0) > 0).length,
    },
    waves,
    servers: servers.map(serverTimeline),
    skipped: execution.skipped.map((s) => ({ ...s })),
    hooks: orderHookRecords(input.hooks ?? []).map((hook) => ({ ...hook, attemptLog: [...hook.attemptLog] })),
    approvals: [...(input.approvals ?? [])].sort((a, b) => a.wave - b.wave).map(approvalSummary),
    ...(execution.attempts !== undefined && { attempts: execution.attempts.map(attemptSummary) }),
  };
}

function attemptSummary(attempt: ExecutionAttemptRecord): AttemptSummary {
  const durationSeconds = secondsBetween(attempt.startedAt, attempt.endedAt);
  return { ...attempt, ...(durationSeconds !== undefined && { durationSeconds }) };
}

function approvalSummary(approval: ApprovalRecord): ApprovalSummary {
  return {
    wave: approval.wave,
    status: approval.status,
    requestedAt: approval.requestedAt,
    expiresAt: approval.expiresAt,
    ...(approval.decidedAt !== undefined && { decidedAt: approval.decidedAt }),
    ...(approval.by !== undefined && { by: approval.by }),
    ...(approval.comment !== undefined && { comment: approval.comment }),
  };
}
