import type { PlanFinding } from "../health/plan-health";
import type { RecoveryMode } from "../plan/plan-schema";

/**
 * The product's named errors. Each `name` is stable: workflows match it in ASL `ErrorEquals`
 * and callers switch on it, so renaming one is a breaking change.
 */

/** Groups depend on each other in a loop, so no wave order exists. */
export class DependencyCycleError extends Error {
  override readonly name = "DependencyCycleError";
  /** The loop with its first node repeated at the end, e.g. `["db", "app", "db"]`. */
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super(`dependency cycle ${cycle.join(" → ")}: remove one of these dependsOn entries`);
    this.cycle = cycle;
  }
}

/** A launch quota is not a positive integer. */
export class InvalidQuotaError extends Error {
  override readonly name = "InvalidQuotaError";
  readonly quota: string;

  constructor(quota: string, value: unknown) {
    super(`launch quota ${quota} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`);
    this.quota = quota;
  }
}

/** The same source server is listed twice where it may launch only once. */
export class DuplicateSourceServerError extends Error {
  override readonly name = "DuplicateSourceServerError";
  readonly sourceServerId: string;

  constructor(sourceServerId: string, where: string) {
    super(`source server ${sourceServerId} is listed twice in ${where}; a server launches once`);
    this.sourceServerId = sourceServerId;
  }
}

/** A launch batch can never start under the launch quotas (empty, or larger than a job may be). */
export class InvalidBatchError extends Error {
  override readonly name = "InvalidBatchError";
  readonly batchId: string;

  constructor(batchId: string, reason: string) {
    super(`launch batch ${batchId} can never start: ${reason}`);
    this.batchId = batchId;
  }
}

/** One problem with an input, named by its path (e.g. `mode`, `groups[2].id`) with how to fix it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** A request or step input failed validation; nothing was started. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  readonly problems: readonly FieldProblem[];

  constructor(what: string, problems: readonly FieldProblem[]) {
    super(
      `invalid ${what}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ")}`,
    );
    this.problems = problems;
  }
}

/** The plan (or the pinned plan version) does not exist in the plan store. */
export class PlanNotFoundError extends Error {
  override readonly name = "PlanNotFoundError";
  constructor(
    readonly planId: string,
    readonly version?: number,
  ) {
    super(
      version === undefined
        ? `plan "${planId}" not found: upload it with \`drs-orchestrator plan apply <file>\``
        : `plan "${planId}" has no version ${version}`,
    );
  }
}

/** A real recovery was requested without the confirmation that must equal the plan ID. */
export class RecoveryNotConfirmedError extends Error {
  override readonly name = "RecoveryNotConfirmedError";
  constructor(readonly planId: string) {
    super(`mode RECOVERY launches production instances: set confirm to "${planId}" (the plan ID) to proceed`);
  }
}

/** Source servers of the plan are already part of another active execution. */
export class ServerConflictError extends Error {
  override readonly name = "ServerConflictError";
  constructor(readonly conflicts: readonly { sourceServerId: string; executionId: string }[]) {
    const byExecution = new Map<string, string[]>();
    for (const c of conflicts)
      byExecution.set(c.executionId, [...(byExecution.get(c.executionId) ?? []), c.sourceServerId]);
    const parts = [...byExecution].map(
      ([execution, ids]) =>
        `${ids.length} in ${execution} (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", …" : ""})`,
    );
    super(
      `source servers are already being recovered by another execution: ${parts.join("; ")}; wait for it to end or cancel it`,
    );
  }
}

/** Servers are not ready for recovery and the plan does not allow skipping them. */
export class ServersNotReadyError extends Error {
  override readonly name = "ServersNotReadyError";
  constructor(
    readonly notReady: readonly { sourceServerId: string; reason: string; state?: string }[],
    mode: RecoveryMode = "DRILL",
  ) {
    // On the day the source is lost a drill is the wrong tool: say what does work.
    const sourceLost = notReady.some((n) => n.state === "DISCONNECTED" || n.state === "STALLED");
    const hint =
      mode === "DRILL" && sourceLost
        ? "; if the source is lost, a confirmed RECOVERY launches them from their last point-in-time snapshot"
        : "";
    super(
      `${notReady.length} source server(s) not ready: ${notReady
        .map((n) => `${n.sourceServerId}${n.state ? ` (${n.state})` : ""}: ${n.reason}`)
        .join("; ")} — fix replication, or set failure.notReady: skip in the plan to leave them out${hint}`,
    );
  }
}

/** One production recovery instance that a new RECOVERY of its server would replace. */
export interface LiveRecoveryInstance {
  sourceServerId: string;
  recoveryInstanceId: string;
  /** The execution whose launch created it; absent when no execution of this app launched it. */
  executionId?: string;
  ec2InstanceState?: string;
}

/**
 * A RECOVERY would launch servers that still run the production recovery instance of an earlier
 * recovery; DRS replaces a server's recovery instance on launch, so it is refused unless asked for.
 */
export class LiveRecoveryInstancesError extends Error {
  override readonly name = "LiveRecoveryInstancesError";
  constructor(readonly instances: readonly LiveRecoveryInstance[]) {
    const listed = instances.map(
      (i) =>
        `${i.sourceServerId} (${i.recoveryInstanceId}${i.ec2InstanceState ? ` ${i.ec2InstanceState}` : ""}, ${
          i.executionId ? `launched by execution ${i.executionId}` : "not launched by this app"
        })`,
    );
    super(
      `${instances.length} source server(s) still run the recovery instance of an earlier recovery, which this RECOVERY would replace: ${listed.join(
        "; ",
      )} — set replaceExisting (CLI --replace-existing) to replace them`,
    );
  }
}

/** The blocking findings a refused start lists in its message; the error keeps them all. */
const LISTED_BLOCKERS = 10;

/**
 * A start refused early: the plan's latest recorded evaluation (of the version being started) holds
 * findings that block this mode. Nothing was started.
 */
export class PlanHealthBlockedError extends Error {
  override readonly name = "PlanHealthBlockedError";
  constructor(
    readonly planId: string,
    readonly mode: RecoveryMode,
    /** When the evaluation the refusal rests on was made. */
    readonly evaluatedAt: string,
    /** The findings that block the mode, most severe first, each with its fix. */
    readonly findings: readonly PlanFinding[],
  ) {
    const listed = findings
      .slice(0, LISTED_BLOCKERS)
      .map((finding) => `${finding.code}: ${finding.message} (fix: ${finding.fix})`);
    const more = findings.length > LISTED_BLOCKERS ? `; and ${findings.length - LISTED_BLOCKERS} more` : "";
    super(
      `plan "${planId}" cannot start a ${mode}: its evaluation of ${evaluatedAt} found ${findings.length} finding(s) that block it: ${listed.join(
        "; ",
      )}${more} — fix them, then record a new evaluation with \`drs-orchestrator plan check ${planId}\` (the scheduled evaluation records one too)`,
    );
  }
}

/** An AWS call kept failing with throttling or a server error after the SDK's retries; the workflow retries the step. */
export class TransientAwsError extends Error {
  override readonly name = "TransientAwsError";
}

/** The plan already has an execution in progress; a plan runs once at a time. */
export class RecoveryInProgressError extends Error {
  override readonly name = "RecoveryInProgressError";
  constructor(
    readonly planId: string,
    readonly executionId: string,
  ) {
    super(
      `plan "${planId}" is already being recovered by execution ${executionId}: wait for it to end or stop it before starting another`,
    );
  }
}

/** An execution cannot be resumed: it succeeded, it is still running, or it never got far enough to resume. */
export class ExecutionNotResumableError extends Error {
  override readonly name = "ExecutionNotResumableError";
  constructor(
    readonly executionId: string,
    readonly reason: string,
  ) {
    super(`execution ${executionId} cannot be resumed: ${reason}`);
  }
}

/** One way a plan's group selectors do not match the DRS source servers. */
export interface GroupSelectionProblem {
  groupId: string;
  /** Where in the plan, e.g. `groups[0].select.sourceServerIds[2]`. */
  path: string;
  message: string;
}

/** The plan's groups do not select the servers it names: listed IDs missing from DRS, or groups that select none. */
export class GroupResolutionError extends Error {
  override readonly name = "GroupResolutionError";
  constructor(
    readonly planId: string,
    readonly problems: readonly GroupSelectionProblem[],
  ) {
    super(
      `plan "${planId}" does not match the DRS source servers: ${problems
        .map((p) => `${p.path}: ${p.message}`)
        .join("; ")} — fix the group selectors (tags or sourceServerIds) and apply the plan again`,
    );
  }
}

/** A step ran for an execution item (META, a wave) that is not in the executions table, or nobody knows the execution. */
export class ExecutionNotFoundError extends Error {
  override readonly name = "ExecutionNotFoundError";
  constructor(
    readonly executionId: string,
    readonly item: string,
    fix = "the workflow runs against a table its Prepare step did not write (check EXECUTIONS_TABLE)",
  ) {
    super(`execution ${executionId} has no ${item} item: ${fix}`);
  }
}

/** EventBridge refused an outbound event for a reason another try does not fix (no such bus, no permission). */
export class OutboundEventRejectedError extends Error {
  override readonly name = "OutboundEventRejectedError";
  constructor(
    readonly detailType: string,
    readonly eventBusName: string,
    readonly errorCode: string,
    errorMessage?: string,
  ) {
    super(
      `EventBridge refused the "${detailType}" event on bus ${eventBusName}: ${errorCode}${
        errorMessage ? ` (${errorMessage})` : ""
      } — check EVENT_BUS_NAME and that the function may call events:PutEvents on that bus`,
    );
  }
}

/** A hook's arguments use a placeholder that is not known where the hook runs. */
export class HookTemplateError extends Error {
  override readonly name = "HookTemplateError";
  constructor(
    /** Each unknown placeholder with where it is, e.g. `{ name: "wav", path: "arguments.text" }`. */
    readonly unknown: readonly { name: string; path: string }[],
    /** The names that are known, so the message can say what to use instead. */
    readonly known: readonly string[],
  ) {
    super(
      `unknown placeholder ${unknown.map((u) => `{{${u.name}}} at ${u.path}`).join(", ")}; use one of ${known
        .map((name) => `{{${name}}}`)
        .join(", ")}`,
    );
  }
}

/** A hook names something the environment does not configure, e.g. an MCP server missing from HOOK_MCP_SERVERS. */
export class HookConfigurationError extends Error {
  override readonly name = "HookConfigurationError";
}

/** A hook with `onFailure: abort` failed after its retries; the workflow ends the recovery. */
export class HookFailedError extends Error {
  override readonly name = "HookFailedError";
  constructor(
    /** Where the hook is in the plan, e.g. `hooks.afterWave[0]` (wave 2). */
    readonly hook: string,
    readonly attempts: number,
    readonly lastError: string,
  ) {
    super(`hook ${hook} failed after ${attempts} attempt(s): ${lastError}`);
  }
}

/** A drill cleanup was asked for an execution it must not touch: a real recovery, or a drill still running. */
export class DrillCleanupRefusedError extends Error {
  override readonly name = "DrillCleanupRefusedError";
  constructor(
    readonly executionId: string,
    readonly reason: string,
  ) {
    super(`execution ${executionId} cannot be cleaned up: ${reason}`);
  }
}

/** The drill's recovery instances were still not terminated when the cleanup's time ran out. */
export class DrillCleanupTimeoutError extends Error {
  override readonly name = "DrillCleanupTimeoutError";
  constructor(
    readonly executionId: string,
    readonly waitedSeconds: number,
    readonly pending: string,
  ) {
    super(
      `drill cleanup of ${executionId} gave up after ${waitedSeconds} s waiting for ${pending}; ` +
        "check the DRS jobs, then run `drs-orchestrator recover cleanup` again",
    );
  }
}

/** The error a rejected or expired approval gate fails the workflow's wait with; ASL catches it by this name. */
export const APPROVAL_REJECTED = "ApprovalRejected";

/** A decision names a wave that has no approval gate (yet): its groups need none, or the workflow has not reached it. */
export class ApprovalNotFoundError extends Error {
  override readonly name = "ApprovalNotFoundError";
  constructor(
    readonly executionId: string,
    readonly wave: number,
    why: string,
  ) {
    super(`execution ${executionId} has no approval gate for wave ${wave}: ${why}`);
  }
}

/** Who tried to decide a gate is not among the approvers the plan lists for it. */
export class ApproverNotAllowedError extends Error {
  override readonly name = "ApproverNotAllowedError";
  constructor(
    readonly by: string,
    readonly wave: number,
    readonly approvers: readonly string[],
  ) {
    super(
      `${by} may not decide the approval of wave ${wave}: the plan lists ${approvers.join(", ")} as approvers`,
    );
  }
}

/** A gate can no longer take this decision: it was decided otherwise, it expired, or the workflow stopped waiting. */
export class ApprovalClosedError extends Error {
  override readonly name = "ApprovalClosedError";
  constructor(
    readonly executionId: string,
    readonly wave: number,
    why: string,
  ) {
    super(`the approval of wave ${wave} of execution ${executionId} is closed: ${why}`);
  }
}
