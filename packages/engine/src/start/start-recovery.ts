import { randomUUID } from "node:crypto";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { type RecoveryMode, RecoveryNotConfirmedError } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { releaseActiveRun } from "./active-run";
import { acquirePlanRun } from "./drill-preemption";
import { type RecoveryExecutionInput, recoveryExecutionInputSchema } from "./execution-input";
import { executionArnOf, executionName } from "./execution-name";
import { refuseBlockedStart } from "./plan-health-gate";
import { checkStartRequest, parseStartRecoveryRequest } from "./start-request";

export interface StartRecoveryResult {
  /** The execution name, which is also the execution's ID in the execution store. */
  executionId: string;
  executionArn: string;
  planId: string;
  planVersion: number;
  mode: RecoveryMode;
  /** True when this request found the execution already started (same idempotency key). */
  alreadyStarted: boolean;
  /** The running drill of the plan this RECOVERY stopped to take the plan (ended ABORTED, pre-empted). */
  preemptedDrill?: string;
}

/**
 * Starts a recovery execution of the latest version of a plan; every entry point (Lambda, CLI,
 * MCP, EventBridge triggers) goes through here. Nothing is written and nothing starts when the
 * request is invalid, a real recovery is not confirmed, or the plan does not exist. A repeat with
 * the same idempotency key returns the execution the first request started.
 * `now` is the starter's clock, used only to tell a start that died before StartExecution.
 * @throws InvalidInputError naming every bad field (an `asOf` after `now` too)
 * @throws RecoveryNotConfirmedError for RECOVERY without `confirm` equal to the plan ID
 * @throws PlanNotFoundError when the plan is not in the plan store
 * @throws PlanHealthBlockedError when the plan's latest recorded evaluation holds findings that
 *   block the mode (see refuseBlockedStart): nothing is started
 * @throws RecoveryInProgressError when another execution of the plan is running (a confirmed
 *   RECOVERY stops a running drill of the plan instead: see acquirePlanRun)
 */
export async function startRecovery(
  request: unknown,
  engine: EngineContext,
  now: Date = new Date(),
): Promise<StartRecoveryResult> {
  const input = parseStartRecoveryRequest(request);
  checkStartRequest(input, now);
  const { planId, mode } = input;
  if (mode === "RECOVERY" && input.confirm !== planId) throw new RecoveryNotConfirmedError(planId);
  const { plan, version: planVersion } = await engine.plans.get(planId);

  const executionId = executionName(planId, mode, input.idempotencyKey ?? randomUUID());
  const stateMachineArn = engine.config.recoveryStateMachineArn;
  const executionArn = executionArnOf(stateMachineArn, executionId);
  if (input.idempotencyKey !== undefined) {
    const existing = await describeStarted(engine, executionArn);
    if (existing) return existing;
  }
  await refuseBlockedStart(engine, { plan, planVersion, mode, now });

  const { hold, preemptedDrill } = await acquirePlanRun(
    engine,
    {
      planId,
      executionId,
      executionArn,
      mode,
      requestedBy: input.requestedBy,
      acquiredAt: now.toISOString(),
    },
    now,
  );
  const executionInput: RecoveryExecutionInput = {
    executionId,
    planId,
    planVersion,
    mode,
    requestedBy: input.requestedBy,
    reason: input.reason,
    ...(input.asOf !== undefined && { asOf: input.asOf }),
    ...(input.replaceExisting !== undefined && { replaceExisting: input.replaceExisting }),
  };
  try {
    await engine.aws.sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: executionId,
        input: JSON.stringify(executionInput),
      }),
    );
  } catch (error) {
    // The same key reached StartExecution first from another request: that execution is the answer.
    if ((error as Error).name === "ExecutionAlreadyExists") {
      const existing = await describeStarted(engine, executionArn);
      if (existing) return existing;
    }
    if (hold === "acquired") await releaseActiveRun(engine, planId, executionId);
    throw error;
  }
  return {
    executionId,
    executionArn,
    planId,
    planVersion,
    mode,
    alreadyStarted: false,
    ...(preemptedDrill !== undefined && { preemptedDrill }),
  };
}

async function describeStarted(
  engine: EngineContext,
  executionArn: string,
): Promise<StartRecoveryResult | undefined> {
  try {
    const execution = await engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    const started = recoveryExecutionInputSchema.parse(JSON.parse(execution.input ?? "{}"));
    return {
      executionId: started.executionId,
      executionArn,
      planId: started.planId,
      planVersion: started.planVersion,
      mode: started.mode,
      alreadyStarted: true,
    };
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}
