import type { RecoveryMode } from "../plan/plan-schema";

/**
 * What an execution records about itself, as the recovery report reads it: the fields of the
 * engine's execution items that the report needs, so the report stays a pure function of them.
 */

export type ServerRecordStatus = "PENDING" | "LAUNCHING" | "LAUNCHED" | "FAILED" | "HEALTHY" | "UNHEALTHY";

/**
 * An earlier launch of a server that was relaunched: by the failure policy (it failed or was
 * unhealthy), or by a resume (it had not recovered, or its recovery instance was gone).
 */
export interface LaunchAttemptRecord {
  /** The wave's relaunch round the server was in: 0 for the first launch. */
  attempt: number;
  status: "FAILED" | "UNHEALTHY" | "LAUNCHED" | "HEALTHY";
  jobId?: string;
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  launchStartedAt?: string;
  launchedAt?: string;
  /** When the server was found failed or unhealthy. */
  failedAt?: string;
  failureReason?: string;
}

/** How an attempt of an execution ended (the workflow's status when nothing finalized it). */
export type AttemptEndStatus = "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

/** One run of an execution's workflow: the start, then each resume after a failure or a cancel. */
export interface ExecutionAttemptRecord {
  /** 1 for the start, n for the (n-1)-th resume. */
  number: number;
  /** The Step Functions execution of this attempt. */
  executionArn: string;
  /** When the attempt was started or resumed. */
  startedAt: string;
  requestedBy: string;
  reason?: string;
  /** The resume accepted the stopped wave's failed servers instead of relaunching them. */
  skipFailed: boolean;
  /** The wave the attempt began at: the first that had not completed. */
  firstWave?: number;
  endedAt?: string;
  status?: AttemptEndStatus;
  error?: string;
  cause?: string;
}

export interface ExecutionRecord {
  executionId: string;
  planId: string;
  planVersion: number;
  planName: string;
  mode: RecoveryMode;
  /** Who asked for the recovery and why, as the start request said. */
  requestedBy?: string;
  reason?: string;
  startedAt: string;
  rtoSeconds: number;
  /** The plan's RPO target; absent in records written before it was kept. */
  rpoSeconds?: number;
  /** The time the servers were recovered as of (their newest snapshot at or before it), when asked for. */
  asOf?: string;
  /** Servers left out at start; `skipped` may list only the first of them. */
  skipped: readonly { sourceServerId: string; reason: string }[];
  skippedCount?: number;
  /** Present once the execution was resumed: every attempt, oldest first. */
  attempts?: readonly ExecutionAttemptRecord[];
}

export interface WaveRecord {
  wave: number;
  groupIds: readonly string[];
  status: string;
  /** Relaunch round: 0 for the first launch. */
  attempt: number;
  startedAt?: string;
  launchedAt?: string;
  /** When the wave's last status check was decided. */
  healthCheckedAt?: string;
  completedAt?: string;
}

export interface ServerRecord {
  sourceServerId: string;
  wave: number;
  groupId: string;
  critical: boolean;
  hostname?: string;
  status: ServerRecordStatus;
  attempts: number;
  jobId?: string;
  recoveryInstanceId?: string;
  ec2InstanceId?: string;
  instanceType?: string;
  privateIp?: string;
  launchStartedAt?: string;
  launchedAt?: string;
  healthyAt?: string;
  /** When the launch failed. */
  failedAt?: string;
  /** When the instance was found unhealthy. */
  unhealthyAt?: string;
  failureReason?: string;
  attemptHistory?: readonly LaunchAttemptRecord[];
  /** The PIT snapshot chosen for the server at start (as of a time), and when it was taken. */
  recoverySnapshotId?: string;
  snapshotAt?: string;
  /** The point in time the server came back to, and the data it lost (execution start − pointInTime). */
  pointInTime?: string;
  dataLossSeconds?: number;
  /** The server's data replication at start. */
  replication?: { state: string; lagSeconds?: number };
}

/** An approval gate of a wave as the execution recorded it. */
export interface ApprovalRecord {
  wave: number;
  status: "PENDING" | "APPROVED" | "REJECTED" | "EXPIRED";
  requestedAt: string;
  expiresAt: string;
  decidedAt?: string;
  /** Who approved or rejected. */
  by?: string;
  comment?: string;
}
