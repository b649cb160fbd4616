import { ExecutionNotFoundError, type RpoSummary, summarizeRpo } from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { parseRequest } from "../requests/parse-request";
import type { ApprovalItem, ExecutionAttempt, ServerItem } from "../stores/execution-items";
import { countServers, executionProgress, type ServerCounts } from "./execution-progress";
import {
  currentWorkflowArn,
  describeRecoveryWorkflow,
  executionStatusOf,
  type RecoveryViewStatus,
  recoveryViewStatus,
} from "./recovery-workflow";

export interface WaveStatusView extends ServerCounts {
  wave: number;
  groupIds: string[];
  status: string;
  /** Relaunch round: 0 for the first launch, n for the n-th retry of failed servers. */
  attempt: number;
  servers: number;
  startedAt?: string;
  completedAt?: string;
  /** The wave's approval gate is open, waiting for a decision. */
  awaitingApproval: boolean;
}

export interface ServerStatusView {
  sourceServerId: string;
  hostname?: string;
  wave: number;
  groupId: string;
  status: string;
  attempts: number;
  ec2InstanceId?: string;
  privateIp?: string;
  launchedAt?: string;
  healthyAt?: string;
  failureReason?: string;
  /** Its data replication at start: a RECOVERY launches servers whose replication is down. */
  replication?: { state: string; lagSeconds?: number };
  /** The PIT snapshot chosen at start (as of a time). */
  recoverySnapshotId?: string;
  /** The point in time it came back to, and the data it lost (execution start − that). */
  pointInTime?: string;
  dataLossSeconds?: number;
}

export interface PendingApprovalView {
  wave: number;
  /** Who may decide; empty when the plan lists nobody (anyone may). */
  approvers: string[];
  /** When the gate closes on its own (the recovery then aborts). */
  expiresAt: string;
}

export interface RecoveryStatusView {
  executionId: string;
  /** The Step Functions execution of the current attempt. */
  executionArn: string;
  /** The current attempt: 1 for the start, n after n-1 resumes. */
  attempt: number;
  /** Present once the execution was resumed: every attempt (who resumed it, when, how each ended), oldest first. */
  attempts?: ExecutionAttempt[];
  planId: string;
  planVersion?: number;
  planName?: string;
  mode: "DRILL" | "RECOVERY";
  status: RecoveryViewStatus;
  /** Step Functions' own status of the workflow (RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT …). */
  workflowStatus: string;
  requestedBy?: string;
  reason?: string;
  startedAt: string;
  endedAt?: string;
  elapsedSeconds: number;
  rto: {
    targetSeconds?: number;
    elapsedSeconds: number;
    /** While the execution runs: what is left of the target (0 once it is exceeded). */
    remainingSeconds?: number;
    /** Start → last wave healthy, for a recovery that succeeded. */
    achievedSeconds?: number;
    /** Running: the target is already exceeded; ended: the recovery did not succeed within it. */
    breached: boolean;
  };
  /**
   * The RPO achieved so far (largest data-loss window of the servers launched) against the plan's
   * RPO, with the spread of their points in time and the `asOf` asked for; absent before Prepare.
   */
  rpo?: RpoSummary & { asOf?: string };
  /** Servers left out at start because they were not ready (failure.notReady: skip): state and why. */
  skipped: { sourceServerId: string; reason: string; state?: string }[];
  /** How many were left out; `skipped` lists at most the first 200. */
  skippedCount: number;
  counts: ServerCounts & { servers: number };
  waves: WaveStatusView[];
  /** Only when asked for: one entry per server, by wave. */
  servers?: ServerStatusView[];
  pendingApprovals: PendingApprovalView[];
  error?: string;
  cause?: string;
}

const statusRequestSchema = z.strictObject({
  executionId: z.string().min(1, { error: "required: the execution ID (recover list shows them)" }),
  servers: z.boolean().optional(),
});

/**
 * Where an execution is now: its status (Step Functions and the execution's items together), each
 * wave's progress, the RTO so far against the plan's target, the approval gates waiting for a
 * decision and, when asked, every server. Reads only.
 * @param options.now the time on the clock the execution runs on (simulated on the local runtime)
 * @throws InvalidInputError when the execution ID is empty
 * @throws ExecutionNotFoundError when neither Step Functions nor the executions table knows it
 */
export async function getRecoveryStatus(
  engine: EngineContext,
  executionId: string,
  options: { now: Date; servers?: boolean },
): Promise<RecoveryStatusView> {
  const request = parseRequest(statusRequestSchema, "status request", {
    executionId,
    ...(options.servers !== undefined && { servers: options.servers }),
  });
  const [workflow, meta, waveItems, serverItems, approvals] = await Promise.all([
    describeRecoveryWorkflow(engine, request.executionId),
    engine.executions.getMeta(request.executionId),
    engine.executions.waves(request.executionId),
    engine.executions.servers(request.executionId),
    engine.executions.approvals(request.executionId),
  ]);
  if (!workflow && !meta) throw unknownExecution(request.executionId);

  const status = recoveryViewStatus(workflow?.status, executionStatusOf(meta, workflow?.status));
  const running = status === "STARTING" || status === "RUNNING";
  const startedAt = meta?.startedAt ?? workflow?.startedAt ?? options.now.toISOString();
  const endedAt = running ? undefined : (meta?.endedAt ?? workflow?.stoppedAt);
  const elapsedSeconds = secondsBetween(startedAt, endedAt ?? options.now.toISOString());
  // A gate of a stopped execution stays PENDING in its item, but nobody waits on it any more.
  const pending = running ? approvals.filter((approval) => approval.status === "PENDING") : [];
  const waiting = new Set(pending.map((approval) => approval.wave));

  const progress = executionProgress({
    waves: waveItems,
    servers: serverItems,
    now: options.now.toISOString(),
  });
  const waveItemsByNumber = new Map(waveItems.map((item) => [item.wave, item]));
  const waves = progress.waves.map((wave): WaveStatusView => {
    const item = waveItemsByNumber.get(wave.wave);
    return {
      ...wave,
      groupIds: [...wave.groupIds],
      ...(item?.startedAt !== undefined && { startedAt: item.startedAt }),
      ...(item?.completedAt !== undefined && { completedAt: item.completedAt }),
      awaitingApproval: waiting.has(wave.wave),
    };
  });

  const targetSeconds = meta?.rtoSeconds;
  const achievedSeconds = status === "SUCCEEDED" ? meta?.summary?.rtoAchievedSeconds : undefined;
  const breached = running
    ? targetSeconds !== undefined && elapsedSeconds > targetSeconds
    : (meta?.summary?.rtoBreached ?? status !== "SUCCEEDED");
  const input = workflow?.input;
  const error = meta?.error ?? workflow?.error;
  const cause = meta?.cause ?? workflow?.cause;
  const planVersion = meta?.planVersion ?? input?.planVersion;
  const requestedBy = meta?.requestedBy ?? input?.requestedBy;
  const reason = meta?.reason ?? input?.reason;

  return {
    executionId: request.executionId,
    executionArn: workflow?.executionArn ?? currentWorkflowArn(engine, request.executionId, meta),
    attempt: workflow?.attempt ?? meta?.attempts?.at(-1)?.number ?? 1,
    ...(meta?.attempts !== undefined && { attempts: meta.attempts }),
    planId: meta?.planId ?? input?.planId ?? "",
    ...(planVersion !== undefined && { planVersion }),
    ...(meta?.planName !== undefined && { planName: meta.planName }),
    mode: meta?.mode ?? input?.mode ?? "DRILL",
    status,
    workflowStatus: workflow?.status ?? "UNKNOWN",
    ...(requestedBy !== undefined && { requestedBy }),
    ...(reason !== undefined && { reason }),
    startedAt,
    ...(endedAt !== undefined && { endedAt }),
    elapsedSeconds,
    rto: {
      ...(targetSeconds !== undefined && { targetSeconds }),
      elapsedSeconds,
      ...(running &&
        targetSeconds !== undefined && { remainingSeconds: Math.max(0, targetSeconds - elapsedSeconds) }),
      ...(achievedSeconds !== undefined && { achievedSeconds }),
      breached,
    },
    ...(meta && {
      rpo: {
        ...summarizeRpo(serverItems, meta.rpoSeconds),
        ...(meta.asOf !== undefined && { asOf: meta.asOf }),
      },
    }),
    skipped: (meta?.skipped ?? []).map((server) => ({ ...server })),
    skippedCount: meta?.skippedCount ?? meta?.skipped.length ?? 0,
    counts: { servers: serverItems.length, ...countServers(serverItems) },
    waves,
    ...(request.servers && { servers: serverItems.map(serverView).sort(byWaveThenId) }),
    pendingApprovals: pending.sort((a, b) => a.wave - b.wave).map(pendingApproval),
    ...(error !== undefined && { error }),
    ...(cause !== undefined && { cause }),
  };
}

/** The error for an execution ID nobody knows: not in the recovery state machine, not in the table. */
export function unknownExecution(executionId: string): ExecutionNotFoundError {
  return new ExecutionNotFoundError(
    executionId,
    "META",
    "neither the recovery state machine nor the executions table knows it; `drs-orchestrator recover list` shows the executions",
  );
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

function serverView(item: ServerItem): ServerStatusView {
  return {
    sourceServerId: item.sourceServerId,
    ...(item.hostname !== undefined && { hostname: item.hostname }),
    wave: item.wave,
    groupId: item.groupId,
    status: item.status,
    attempts: item.attempts,
    ...(item.ec2InstanceId !== undefined && { ec2InstanceId: item.ec2InstanceId }),
    ...(item.privateIp !== undefined && { privateIp: item.privateIp }),
    ...(item.launchedAt !== undefined && { launchedAt: item.launchedAt }),
    ...(item.healthyAt !== undefined && { healthyAt: item.healthyAt }),
    ...(item.failureReason !== undefined && { failureReason: item.failureReason }),
    ...(item.replication !== undefined && { replication: { ...item.replication } }),
    ...(item.recoverySnapshotId !== undefined && { recoverySnapshotId: item.recoverySnapshotId }),
    ...(item.pointInTime !== undefined && { pointInTime: item.pointInTime }),
    ...(item.dataLossSeconds !== undefined && { dataLossSeconds: item.dataLossSeconds }),
  };
}

function byWaveThenId(a: ServerStatusView, b: ServerStatusView): number {
  return a.wave - b.wave || a.sourceServerId.localeCompare(b.sourceServerId);
}

function pendingApproval(approval: ApprovalItem): PendingApprovalView {
  return { wave: approval.wave, approvers: approval.approvers, expiresAt: approval.expiresAt };
}
