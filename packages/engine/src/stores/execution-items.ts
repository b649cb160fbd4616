import type {
  ApprovalStatus,
  DrillCleanupRecord,
  DrillCleanupServerRecord,
  ExecutionAttemptRecord,
  FailureAction,
  HookRecord,
  LaunchAttemptRecord,
  RecoveryMode,
} from "@drs-orchestrator/core";

/**
 * The items that make up one execution's state. Many small items (one per wave, batch, server),
 * never one that grows with the plan: a 2,000-server plan writes 2,000 small server items.
 */

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

/** One run of the execution's workflow: its start, then each resume (see resumeRecovery). */
export type ExecutionAttempt = ExecutionAttemptRecord;

export interface ExecutionMeta {
  executionId: string;
  planId: string;
  planVersion: number;
  planName: string;
  mode: RecoveryMode;
  status: ExecutionStatus;
  requestedBy: string;
  reason: string;
  startedAt: string;
  endedAt?: string;
  waveCount: number;
  serverCount: number;
  rtoSeconds: number;
  rpoSeconds: number;
  maxFailedPercent: number;
  retries: number;
  /** Recover each server as it was at this time (ISO-8601): from its newest PIT snapshot at or before it. */
  asOf?: string;
  /** A RECOVERY may replace the live recovery instances of an earlier recovery. */
  replaceExisting?: boolean;
  /** Servers left out because they were not ready and the plan allows skipping them. */
  skipped: { sourceServerId: string; reason: string; state?: string }[];
  /** How many servers were skipped; `skipped` lists at most the first 200, so META stays small. */
  skippedCount?: number;
  /** Prepare wrote every wave, batch and server item and took the server locks. */
  prepared?: boolean;
  error?: string;
  cause?: string;
  /** Counters of the recovery report, written by finalize (the full report is rebuilt from the items). */
  summary?: ExecutionSummaryCounters;
  /** The RECOVERY execution that stopped this drill to take its plan or servers. */
  preemptedBy?: string;
  /**
   * The Step Functions execution of the current attempt; absent until the execution is resumed,
   * when it is `executionArnOf(recoveryStateMachineArn, executionId)`. Read it through
   * `describeRecoveryWorkflow` / `currentWorkflowArn`.
   */
  workflowExecutionArn?: string;
  /** Present once the execution was resumed: every attempt, oldest first; the last is the current one. */
  attempts?: ExecutionAttempt[];
}

export type WaveStatus = "PENDING" | "LAUNCHING" | "CHECKING_HEALTH" | "COMPLETED" | "FAILED" | "ABORTED";

export interface WaveItem {
  executionId: string;
  wave: number;
  groupIds: string[];
  serverCount: number;
  status: WaveStatus;
  /** Relaunch round: 0 for the first launch, n for the n-th retry of failed servers. */
  attempt: number;
  startedAt?: string;
  launchedAt?: string;
  completedAt?: string;
  /** Callback token of the workflow waiting on this wave's launch results. */
  taskToken?: string;
  /** When the last launch round (LaunchBatches) ran; a batch finishing later may wake the wait. */
  lastLaunchAttemptAt?: string;
  /** WAITING while `taskToken` is the live callback; RELEASED once one actor consumed it. */
  launchWait?: "WAITING" | "RELEASED";
  waitingSince?: string;
  releasedAt?: string;
  /** Which function released the wait, and why. */
  releasedBy?: string;
  releaseReason?: string;
  /** When the wave's last status checks were decided (no server left waiting). */
  healthCheckedAt?: string;
  /** The failure policy's latest decision; a retried policy step returns it instead of deciding twice. */
  failurePolicy?: WavePolicyDecision;
  /** The execution attempt (a resume) that began this wave again, at launch round `resumeRound`. */
  resumedBy?: number;
  /** The round a resume began the wave again at: the failure policy counts the wave's retries from it. */
  resumeRound?: number;
  /** A resume accepted the wave's failed servers (skip failed): the failure policy lets the wave continue. */
  acceptFailed?: boolean;
}

export type BatchStatus = "PENDING" | "STARTING" | "STARTED";

export interface BatchItem {
  executionId: string;
  wave: number;
  attempt: number;
  batchId: string;
  sourceServerIds: string[];
  status: BatchStatus;
  jobId?: string;
  startedAt?: string;
  /** When StartRecovery was about to be called; a STARTING batch's job is searched from then. */
  startingAt?: string;
}

export type ServerStatus = "PENDING" | "LAUNCHING" | "LAUNCHED" | "FAILED" | "HEALTHY" | "UNHEALTHY";

export interface ServerLaunchSettingsRecord {
  ec2LaunchTemplateID?: string;
  /** The default template version before this execution changed it, for the drill revert. */
  previousDefaultVersion?: number;
  appliedVersion?: number;
  /** The DRS launch configuration fields this execution changed, as they were before. */
  previousLaunchConfiguration?: Record<string, unknown>;
  warnings?: string[];
}

export interface ServerItem {
  executionId: string;
  sourceServerId: string;
  wave: number;
  groupId: string;
  critical: boolean;
  hostname?: string;
  status: ServerStatus;
  attempts: number;
  jobId?: string;
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  instanceType?: string;
  privateIp?: string;
  launchStartedAt?: string;
  launchedAt?: string;
  /** When the launch failed (the DRS event's or job log's time). */
  failedAt?: string;
  healthyAt?: string;
  failureReason?: string;
  settingsApplied?: boolean;
  settings?: ServerLaunchSettingsRecord;
  /** When the instance was found unhealthy (status checks impaired or not passed in time). */
  unhealthyAt?: string;
  /** Earlier launches that were relaunched (by the failure policy or a resume), oldest first. */
  attemptHistory?: LaunchAttemptRecord[];
  /** The PIT snapshot chosen at Prepare (as of a time); every launch of the server passes it to StartRecovery. */
  recoverySnapshotId?: string;
  /** When that snapshot was taken. */
  snapshotAt?: string;
  /** The point in time the launched server came back to (its recovery instance's PIT snapshot). */
  pointInTime?: string;
  /** Execution start − pointInTime, in seconds (≥ 0): the data this server lost. */
  dataLossSeconds?: number;
  /** The server's data replication as DRS reported it at start. */
  replication?: { state: string; lagSeconds?: number };
}

/** Maps a DRS job back to its execution, for launch-result events that carry only the job ID. */
export interface JobItem {
  jobId: string;
  executionId: string;
  wave: number;
  batchId: string;
  attempt?: number;
}

export const pad = (n: number, width = 3) => String(n).padStart(width, "0");

export const keys = {
  meta: (executionId: string) => ({ pk: `EXEC#${executionId}`, sk: "META" }),
  wave: (executionId: string, wave: number) => ({ pk: `EXEC#${executionId}`, sk: `WAVE#${pad(wave)}` }),
  batch: (executionId: string, wave: number, batchId: string) => ({
    pk: `EXEC#${executionId}`,
    sk: `BATCH#${pad(wave)}#${batchId}`,
  }),
  server: (executionId: string, wave: number, sourceServerId: string) => ({
    pk: `EXEC#${executionId}`,
    sk: `SERVER#${pad(wave)}#${sourceServerId}`,
  }),
  job: (jobId: string) => ({ pk: `JOB#${jobId}`, sk: "JOB" }),
  lock: (sourceServerId: string) => ({ pk: `LOCK#${sourceServerId}`, sk: "LOCK" }),
  drillCleanup: (executionId: string) => ({ pk: `EXEC#${executionId}`, sk: "CLEANUP" }),
  drillCleanupServer: (executionId: string, sourceServerId: string) => ({
    pk: `EXEC#${executionId}`,
    sk: `CLEANUP#${sourceServerId}`,
  }),
  hook: (executionId: string, phase: string, wave: number | undefined, index: number) => ({
    pk: `EXEC#${executionId}`,
    sk: `HOOK#${phase}#${pad(wave ?? 0)}#${pad(index, 2)}`,
  }),
  approval: (executionId: string, wave: number) => ({
    pk: `EXEC#${executionId}`,
    sk: `APPROVAL#${pad(wave)}`,
  }),
  /** The plan's health as last recorded before the execution started (PlanHealthAtStart). */
  planHealth: (executionId: string) => ({ pk: `EXEC#${executionId}`, sk: "PLANHEALTH" }),
  prefixes: {
    wave: "WAVE#",
    batches: (wave: number) => `BATCH#${pad(wave)}#`,
    servers: (wave: number) => `SERVER#${pad(wave)}#`,
    allServers: "SERVER#",
    drillCleanupServers: "CLEANUP#",
    hooks: "HOOK#",
    approvals: "APPROVAL#",
  },
};

export interface ExecutionSummaryCounters {
  servers: number;
  launched: number;
  healthy: number;
  failed: number;
  notLaunched: number;
  skipped: number;
  relaunched: number;
  durationSeconds?: number;
  rtoTargetSeconds: number;
  rtoAchievedSeconds?: number;
  rtoBreached: boolean;
}

/** The failure policy's decision on one launch round of a wave. */
export interface WavePolicyDecision {
  /** The round decided on (the wave's attempt then). */
  attempt: number;
  action: FailureAction;
  reason: string;
  failedServers: number;
  decidedAt: string;
}

/** The approval gate of one wave (only waves whose groups ask for one have it). */
export interface ApprovalItem {
  executionId: string;
  planId: string;
  wave: number;
  /** The wave's groups; `gatingGroupIds` are those that ask for the approval. */
  groupIds: string[];
  gatingGroupIds: string[];
  status: ApprovalStatus;
  /** The workflow's callback token while the gate is PENDING; a decision removes it as it consumes it. */
  taskToken?: string;
  requestedAt: string;
  timeoutSeconds: number;
  expiresAt: string;
  /** Who may decide; empty when the plan lists nobody (anyone may). */
  approvers: string[];
  /** When the Approval Required event went out; a retried gate does not announce itself twice. */
  notifiedAt?: string;
  decidedAt?: string;
  /** Who approved or rejected. */
  by?: string;
  comment?: string;
  /** Why the gate stopped the recovery (rejected or expired). */
  reason?: string;
}

/** How one hook ran for one phase (and wave): written once, when the hook has finished. */
export interface HookItem extends HookRecord {
  executionId: string;
}

/**
 * The drill cleanup of an execution (one item; a later cleanup run of the same execution updates
 * it). What happened to each server is on its own DrillCleanupServerItem.
 */
export interface DrillCleanupItem extends DrillCleanupRecord {
  executionId: string;
  /** While HOLDING: the workflow's callback token; whoever ends the hold early consumes it. */
  holdToken?: string;
  /** A request to clean up now came before the hold began; the hold step ends it at once. */
  holdEndRequested?: boolean;
}

/** What the drill cleanup did to one server: its recovery instance terminated, its settings put back. */
export interface DrillCleanupServerItem extends DrillCleanupServerRecord {
  executionId: string;
}
