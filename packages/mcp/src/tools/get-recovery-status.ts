import { formatDuration } from "@drs-orchestrator/core";
import { getRecoveryStatus, type RecoveryStatusView } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { executionIdArgument, toolArguments } from "../server/tool-arguments";

const serverCounts = {
  pending: z.number().int(),
  launching: z.number().int(),
  launched: z.number().int().describe("Launched, not yet healthy."),
  healthy: z.number().int(),
  failed: z.number().int(),
};

const waveView = z.object({
  wave: z.number().int(),
  groupIds: z.array(z.string()),
  status: z.string(),
  attempt: z.number().int().describe("0 for the first launch, n for the n-th retry of failed servers."),
  servers: z.number().int(),
  ...serverCounts,
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  awaitingApproval: z.boolean().describe("The wave's approval gate waits for approve_wave or reject_wave."),
});

const serverView = z.object({
  sourceServerId: z.string(),
  hostname: z.string().optional(),
  wave: z.number().int(),
  groupId: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  ec2InstanceId: z.string().optional(),
  privateIp: z.string().optional(),
  launchedAt: z.string().optional(),
  healthyAt: z.string().optional(),
  failureReason: z.string().optional(),
  replication: z
    .object({ state: z.string(), lagSeconds: z.number().optional() })
    .optional()
    .describe("Its data replication at start (a RECOVERY launches servers whose replication is down)."),
  recoverySnapshotId: z.string().optional().describe("The PIT snapshot chosen for it at start (asOf)."),
  pointInTime: z.string().optional().describe("The point in time it came back to."),
  dataLossSeconds: z.number().optional().describe("Execution start − pointInTime: the data it lost."),
});

const rpoView = z
  .object({
    targetSeconds: z.number().describe("The plan's RPO."),
    achievedSeconds: z
      .number()
      .optional()
      .describe("The largest data-loss window of the servers launched so far: the RPO achieved."),
    worstServerId: z.string().optional().describe("The server with that window."),
    breached: z.boolean(),
    breachedBySeconds: z.number().optional(),
    servers: z.number().int().describe("Servers with a recorded point in time."),
    oldestPointInTime: z.string().optional(),
    newestPointInTime: z.string().optional(),
    spreadSeconds: z.number().optional().describe("Newest − oldest point in time across the servers."),
    asOf: z.string().optional().describe("The time the servers are recovered as of, when one was asked for."),
  })
  .optional();
const attemptView = z.object({
  number: z.number().int().describe("1 for the start, n for the (n-1)-th resume."),
  executionArn: z.string(),
  startedAt: z.string(),
  requestedBy: z.string().describe("Who started or resumed it."),
  reason: z.string().optional(),
  skipFailed: z.boolean().describe("The resume accepted the stopped wave's failed servers as failed."),
  firstWave: z.number().int().optional().describe("The wave the attempt began at."),
  endedAt: z.string().optional(),
  status: z.string().optional().describe("How the attempt ended: SUCCEEDED, FAILED, ABORTED or TIMED_OUT."),
  error: z.string().optional(),
  cause: z.string().optional(),
});

export const getRecoveryStatusTool = defineTool({
  name: "get_recovery_status",
  title: "Get a recovery's status",
  description:
    "Shows where a recovery is now: its status (STARTING, RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT), each " +
    "wave's progress (pending, launching, launched, healthy, failed servers), the RTO so far against the plan's " +
    "target, the RPO achieved (largest data-loss window) against the plan's RPO with the spread of the points in " +
    "time, the servers skipped at start with why, and the waves waiting for approval (pendingApprovals: decide them with approve_wave or " +
    "reject_wave). Set includeServers for one entry per server (instance, IP, replication at start, point in " +
    "time and data loss, failure reason). Call it again to " +
    "follow a recovery until its status is no longer STARTING or RUNNING. Reads only; changes nothing.",
  inputSchema: toolArguments({
    executionId: executionIdArgument,
    includeServers: z
      .boolean({ error: "expected true or false: whether to list every server" })
      .optional()
      .describe("List every server with its instance, IP and failure reason (default false)."),
  }),
  outputSchema: z.object({
    executionId: z.string(),
    executionArn: z.string().describe("The Step Functions execution of the current attempt."),
    attempt: z
      .number()
      .int()
      .describe("The current attempt: 1 for the start, n after n-1 resume_recovery calls."),
    attempts: z
      .array(attemptView)
      .optional()
      .describe("Once resumed: every attempt, oldest first (who resumed it, when, how it ended)."),
    planId: z.string(),
    planVersion: z.number().int().optional(),
    planName: z.string().optional(),
    mode: z.enum(["DRILL", "RECOVERY"]),
    status: z.enum(["STARTING", "RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"]),
    workflowStatus: z.string().describe("Step Functions' own status of the workflow."),
    requestedBy: z.string().optional(),
    reason: z.string().optional(),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    elapsedSeconds: z.number(),
    rto: z.object({
      targetSeconds: z.number().optional().describe("The plan's RTO."),
      elapsedSeconds: z.number(),
      remainingSeconds: z.number().optional().describe("While running: what is left of the target."),
      achievedSeconds: z.number().optional().describe("Start to last wave healthy, when it succeeded."),
      breached: z.boolean(),
    }),
    rpo: rpoView,
    skipped: z
      .array(z.object({ sourceServerId: z.string(), reason: z.string(), state: z.string().optional() }))
      .describe("Servers left out at start (not recoverable, failure.notReady: skip), with why."),
    skippedCount: z.number().int(),
    counts: z.object({ servers: z.number().int(), ...serverCounts }),
    waves: z.array(waveView),
    servers: z.array(serverView).optional(),
    pendingApprovals: z.array(
      z.object({
        wave: z.number().int(),
        approvers: z.array(z.string()).describe("Who may decide; empty: anyone."),
        expiresAt: z.string().optional().describe("When the gate closes on its own and the recovery aborts."),
      }),
    ),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ executionId, includeServers }, { engine, now }) {
    const status = await getRecoveryStatus(engine, executionId, {
      now: now(),
      ...(includeServers !== undefined && { servers: includeServers }),
    });
    return { result: status, text: statusLine(status) };
  },
});

/** One line an operator reads: where it is, against the RTO, and what it waits for. */
function statusLine(status: RecoveryStatusView): string {
  const { counts, rto } = status;
  const target =
    rto.targetSeconds === undefined
      ? ""
      : rto.achievedSeconds !== undefined
        ? `, RTO achieved ${formatDuration(rto.achievedSeconds)} of ${formatDuration(rto.targetSeconds)}`
        : `, RTO ${formatDuration(rto.targetSeconds)}${rto.breached ? " breached" : ""}`;
  const rpo =
    status.rpo?.achievedSeconds === undefined
      ? ""
      : `, RPO achieved ${formatDuration(status.rpo.achievedSeconds)} of ${formatDuration(status.rpo.targetSeconds)}${
          status.rpo.breached ? " breached" : ""
        }`;
  const parts = [
    `${status.mode} ${status.executionId} of ${status.planId}${status.attempt > 1 ? ` (attempt ${status.attempt})` : ""}: ${status.status} after ${formatDuration(status.elapsedSeconds)}${target}${rpo}`,
    `${counts.healthy}/${counts.servers} servers healthy${counts.failed > 0 ? `, ${counts.failed} failed` : ""}`,
  ];
  for (const gate of status.pendingApprovals) {
    parts.push(`wave ${gate.wave} waits for approval (approve_wave or reject_wave)`);
  }
  if (status.error !== undefined) parts.push(`${status.error}${status.cause ? `: ${status.cause}` : ""}`);
  return parts.join("; ");
}
