import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { type AttemptEndStatus, ExecutionNotResumableError, type RecoveryMode } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { unknownExecution } from "../operations/recovery-status";
import {
  describeRecoveryWorkflow,
  executionStatusOf,
  type RecoveryWorkflow,
  recoveryViewStatus,
} from "../operations/recovery-workflow";
import { attemptEnd, endCurrentAttempt, executionAttempts } from "../stores/execution-attempts";
import { type ExecutionAttempt, type ExecutionMeta, keys } from "../stores/execution-items";
import { ABANDONED_START_SECONDS, acquireActiveRun, releaseActiveRun } from "./active-run";
import { type RecoveryExecutionInput, recoveryExecutionInputSchema } from "./execution-input";
import { attemptExecutionName, executionArnOf } from "./execution-name";
import { parseResumeRecoveryRequest } from "./resume-request";

export interface ResumeRecoveryResult {
  executionId: string;
  /** The Step Functions execution of the attempt the resume started. */
  executionArn: string;
  /** The attempt: 2 for the first resume. */
  attempt: number;
  planId: string;
  /** The plan version pinned when the execution started; a resume never changes it. */
  planVersion: number;
  mode: RecoveryMode;
  /** Who the attempt records as having resumed it, and whether it skips the stopped wave's failures. */
  requestedBy: string;
  skipFailed: boolean;
  /** True when another request resumed the execution as this attempt at the same time: that one started it. */
  alreadyStarted: boolean;
}

/** What the drill cleanup does while it holds or runs: it would terminate what the resume keeps or launches. */
const CLEANING = new Set(["HOLDING", "RUNNING"]);

/**
 * Continues an execution that stopped (FAILED, ABORTED, cancelled, or whose workflow ended without
 * closing it) as a new attempt: a new Step Functions execution of the recovery state machine for
 * the same execution ID, on the same items, with the plan version pinned at its start. Its Prepare
 * keeps what is healthy and relaunches the rest from the first wave that did not complete (see
 * prepareResume). The attempt is recorded on META (`attempts`, `workflowExecutionArn`) before its
 * workflow starts, and its workflow's name is fixed by the attempt's number, so two requests at
 * once start one attempt. The plan's active run is taken again first.
 * @param now the requester's clock (simulated on the local runtime): the attempt's start as recorded
 * @throws InvalidInputError naming every bad field
 * @throws ExecutionNotFoundError when neither Step Functions nor the executions table knows it
 * @throws ExecutionNotResumableError for an execution that SUCCEEDED, is still running, never got
 *   as far as laying out its servers, or is a drill whose cleanup is running
 * @throws RecoveryInProgressError when another execution of the plan is running
 */
export async function resumeRecovery(
  engine: EngineContext,
  request: unknown,
  now: Date = new Date(),
): Promise<ResumeRecoveryResult> {
  const { executionId, skipFailed, requestedBy, reason } = parseResumeRecoveryRequest(request);
  const [meta, workflow] = await Promise.all([
    engine.executions.getMeta(executionId),
    describeRecoveryWorkflow(engine, executionId),
  ]);
  const resumable = await resumableMeta(engine, executionId, meta, workflow);
  const { planId, planVersion, mode } = resumable;
  const stateMachineArn = engine.config.recoveryStateMachineArn;
  const attempts = executionAttempts(resumable, executionArnOf(stateMachineArn, executionId));
  const current = attempts.at(-1) as ExecutionAttempt;

  // A resume recorded its attempt but has not started its workflow: a request racing it starts the
  // same attempt (same name, so once); one that died long ago is replaced by this request.
  const unstarted = workflow === undefined && current.number > 1;
  const abandoned =
    unstarted && now.getTime() - Date.parse(current.startedAt) >= ABANDONED_START_SECONDS * 1000;
  const number = unstarted ? current.number : current.number + 1;
  const attempt: ExecutionAttempt =
    unstarted && !abandoned
      ? current
      : {
          number,
          executionArn: executionArnOf(stateMachineArn, attemptExecutionName(executionId, number)),
          startedAt: now.toISOString(),
          requestedBy,
          ...(reason !== undefined && { reason }),
          skipFailed,
        };
  const result = (alreadyStarted: boolean): ResumeRecoveryResult => ({
    executionId,
    executionArn: attempt.executionArn,
    attempt: attempt.number,
    planId,
    planVersion,
    mode,
    requestedBy: attempt.requestedBy,
    skipFailed: attempt.skipFailed,
    alreadyStarted,
  });

  const hold = await acquireActiveRun(
    engine,
    {
      planId,
      executionId,
      executionArn: attempt.executionArn,
      mode,
      requestedBy: attempt.requestedBy,
      acquiredAt: now.toISOString(),
    },
    now,
  );
  const recorded = attempt !== current;
  if (recorded) {
    const earlier = unstarted
      ? attempts.slice(0, -1)
      : endCurrentAttempt(attempts, previousEnd(resumable, current, workflow, now));
    const written = await engine.executions.update(
      keys.meta(executionId),
      { attempts: [...earlier, attempt], workflowExecutionArn: attempt.executionArn },
      currentAttemptIs(resumable.workflowExecutionArn),
    );
    if (!written) {
      const winner = (await engine.executions.getMeta(executionId))?.attempts?.at(-1);
      if (winner?.number !== number) {
        throw new ExecutionNotResumableError(
          executionId,
          `another request resumed it at the same time as attempt ${winner?.number ?? "?"}`,
        );
      }
      return { ...result(true), requestedBy: winner.requestedBy, skipFailed: winner.skipFailed };
    }
  }

  const input: RecoveryExecutionInput = {
    ...(await originalInput(engine, resumable)),
    resume: { attempt: attempt.number, skipFailed: attempt.skipFailed },
  };
  try {
    await engine.aws.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: attemptExecutionName(executionId, attempt.number),
        input: JSON.stringify(input),
      }),
    );
  } catch (error) {
    // Another request started this attempt's workflow first: that attempt is the answer. (With the
    // same name and input as a running execution StartExecution answers that execution instead:
    // https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html)
    if ((error as Error).name === "ExecutionAlreadyExists") return result(true);
    if (recorded) await forgetAttempt(engine, resumable, attempt);
    if (hold === "acquired") await releaseActiveRun(engine, planId, executionId);
    throw error;
  }
  return result(!recorded);
}

/**
 * The execution's META when it can be resumed; what cannot is refused, naming why.
 * @throws ExecutionNotFoundError when neither Step Functions nor the executions table knows it
 * @throws ExecutionNotResumableError otherwise
 */
async function resumableMeta(
  engine: EngineContext,
  executionId: string,
  meta: ExecutionMeta | undefined,
  workflow: RecoveryWorkflow | undefined,
): Promise<ExecutionMeta> {
  const refuse = (why: string) => new ExecutionNotResumableError(executionId, why);
  if (!meta) {
    if (!workflow) throw unknownExecution(executionId);
    const plan = workflow.input ? ` of plan ${workflow.input.planId}` : "";
    throw refuse(
      workflow.status === "RUNNING"
        ? "it is still starting: wait for it, and resume it only if it stops"
        : `it ended ${workflow.status} before it recorded anything${failure(workflow)}, so nothing was launched: start a new recovery${plan}`,
    );
  }
  const status = recoveryViewStatus(workflow?.status, executionStatusOf(meta, workflow?.status));
  if (status === "SUCCEEDED") throw refuse("it SUCCEEDED: there is nothing left to resume");
  if (status === "RUNNING" || status === "STARTING") {
    const attempt = workflow?.attempt ?? meta.attempts?.at(-1)?.number ?? 1;
    throw refuse(
      `it is still running (attempt ${attempt}, workflow ${workflow?.status ?? "starting"}): wait for it to end, or cancel it first (recover cancel)`,
    );
  }
  if (!meta.prepared) {
    throw refuse(
      `it stopped before it laid out its servers${failure(meta)}, so nothing was launched: start a new recovery of plan ${meta.planId}`,
    );
  }
  if (meta.mode === "DRILL") {
    const cleanup = await engine.executions.getDrillCleanup(executionId);
    if (cleanup && CLEANING.has(cleanup.status)) {
      throw refuse(
        `its drill cleanup is ${cleanup.status} (it terminates the drill's instances): resume it once the cleanup has ended (recover report shows it)`,
      );
    }
  }
  return meta;
}

function failure(what: { error?: string; cause?: string }): string {
  if (what.error === undefined) return "";
  return what.cause === undefined ? ` (${what.error})` : ` (${what.error}: ${what.cause.slice(0, 300)})`;
}

/**
 * How the current attempt ended: as META recorded it, or, when nothing closed it (its workflow
 * stopped outside the product, or before its Prepare reopened META), as its workflow ended.
 */
function previousEnd(
  meta: ExecutionMeta,
  current: ExecutionAttempt,
  workflow: RecoveryWorkflow | undefined,
  now: Date,
): { endedAt: string; status: AttemptEndStatus; error?: string; cause?: string } {
  const recorded = attemptEnd(meta);
  if (
    recorded.endedAt !== undefined &&
    recorded.status !== undefined &&
    Date.parse(recorded.endedAt) >= Date.parse(current.startedAt)
  ) {
    return { ...recorded, endedAt: recorded.endedAt, status: recorded.status };
  }
  const status = recoveryViewStatus(workflow?.status, undefined);
  return {
    endedAt: workflow?.stoppedAt ?? now.toISOString(),
    status: status === "ABORTED" || status === "TIMED_OUT" ? status : "FAILED",
    ...(workflow?.error !== undefined && { error: workflow.error }),
    ...(workflow?.cause !== undefined && { cause: workflow.cause }),
  };
}

/** The condition that the execution's current attempt is still the one read (no other resume recorded one). */
function currentAttemptIs(workflowExecutionArn: string | undefined) {
  return workflowExecutionArn === undefined
    ? { condition: "attribute_exists(pk) AND attribute_not_exists(workflowExecutionArn)" }
    : { condition: "workflowExecutionArn = :current", values: { ":current": workflowExecutionArn } };
}

/** Puts META's attempts back as they were read, when the attempt recorded could not be started. */
async function forgetAttempt(engine: EngineContext, meta: ExecutionMeta, attempt: ExecutionAttempt) {
  const set = {
    ...(meta.attempts !== undefined && { attempts: meta.attempts }),
    ...(meta.workflowExecutionArn !== undefined && { workflowExecutionArn: meta.workflowExecutionArn }),
  };
  await engine.executions.update(keys.meta(meta.executionId), set, {
    condition: "workflowExecutionArn = :mine",
    values: { ":mine": attempt.executionArn },
    remove: [
      ...(meta.attempts === undefined ? ["attempts"] : []),
      ...(meta.workflowExecutionArn === undefined ? ["workflowExecutionArn"] : []),
    ],
  });
}

/**
 * The input the execution was started with, from its first workflow (a resume runs on the same
 * input); from META when Step Functions no longer keeps that execution (90 days after it ended).
 */
async function originalInput(
  engine: EngineContext,
  meta: ExecutionMeta,
): Promise<Omit<RecoveryExecutionInput, "resume">> {
  const executionArn = executionArnOf(engine.config.recoveryStateMachineArn, meta.executionId);
  try {
    const started = await engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const { resume: _, ...input } = recoveryExecutionInputSchema.parse(JSON.parse(started.input ?? "{}"));
    return input;
  } catch (error) {
    if ((error as Error).name !== "ExecutionDoesNotExist") throw error;
    const { executionId, planId, planVersion, mode, requestedBy, reason } = meta;
    return { executionId, planId, planVersion, mode, requestedBy, reason };
  }
}
