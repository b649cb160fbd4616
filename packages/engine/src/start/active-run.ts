import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { RecoveryInProgressError, type RecoveryMode } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";

/**
 * The one active execution of a plan: a single item per plan in the executions table, created
 * before StartExecution and deleted by finalize. Two starts of the same plan race on a
 * conditional write, so only one of them can start an execution.
 */
export interface ActiveRun {
  planId: string;
  executionId: string;
  executionArn: string;
  mode: RecoveryMode;
  requestedBy: string;
  /** When the start that holds the item took it (the starter's clock, compared only with other starters'). */
  acquiredAt: string;
}

export const activeRunKey = (planId: string) => ({ pk: `PLANRUN#${planId}`, sk: "PLANRUN" });

/**
 * A holder whose execution does not exist yet is a start between taking the item and
 * StartExecution; after this long (well past the start function's timeout) that start is dead.
 */
export const ABANDONED_START_SECONDS = 120;

/**
 * Takes the plan's active-run item for `run`. Resolves to "held" when the same execution already
 * holds it (a repeated start of the same execution); a resume of the execution (a new attempt,
 * another workflow) takes the item over from its earlier attempt.
 * @throws RecoveryInProgressError naming the execution that holds the plan while it is RUNNING
 */
export async function acquireActiveRun(
  engine: EngineContext,
  run: ActiveRun,
  now: Date,
): Promise<"acquired" | "held"> {
  // Each round ends in a decision unless the item changed under us; three rounds absorb any
  // realistic race between starters and a finalize.
  let holder: ActiveRun | undefined;
  for (let round = 0; round < 3; round++) {
    if (await putRun(engine, run, "attribute_not_exists(pk)")) return "acquired";
    holder = await activeRun(engine, run.planId);
    if (!holder) continue;
    if (holder.executionId === run.executionId && holder.executionArn === run.executionArn) return "held";
    if (holder.executionId === run.executionId) {
      const condition = "executionId = :holder AND executionArn = :attempt";
      const values = { ":holder": holder.executionId, ":attempt": holder.executionArn };
      if (await putRun(engine, run, condition, values)) return "acquired";
      continue;
    }
    if (await activeRunLive(engine, holder, now)) break;
    // The holder ended without releasing the item (or never started): take it over from exactly that holder.
    if (await putRun(engine, run, "executionId = :holder", { ":holder": holder.executionId })) {
      return "acquired";
    }
  }
  throw new RecoveryInProgressError(run.planId, holder?.executionId ?? "unknown");
}

/** The plan's active-run item, if any. */
export async function activeRun(engine: EngineContext, planId: string): Promise<ActiveRun | undefined> {
  const { Item } = await engine.aws.dynamo.send(
    new GetCommand({
      TableName: engine.config.executionsTable,
      Key: activeRunKey(planId),
      ConsistentRead: true,
    }),
  );
  return Item as ActiveRun | undefined;
}

/**
 * Frees the plan for its next execution; finalize calls this when an execution ends. Only the
 * holder can release: resolves to false when `executionId` does not hold the plan (already
 * released, or taken over after this execution stopped).
 */
export async function releaseActiveRun(
  engine: EngineContext,
  planId: string,
  executionId: string,
): Promise<boolean> {
  try {
    await engine.aws.dynamo.send(
      new DeleteCommand({
        TableName: engine.config.executionsTable,
        Key: activeRunKey(planId),
        ConditionExpression: "executionId = :me",
        ExpressionAttributeValues: { ":me": executionId },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Takes the plan's active-run item from exactly `holderId`, whatever state that holder is in: a
 * RECOVERY pre-empting a drill of the plan (start/drill-preemption) takes the plan before it stops
 * the drill. Resolves to false when `holderId` no longer holds the plan.
 */
export async function takeOverActiveRun(
  engine: EngineContext,
  run: ActiveRun,
  holderId: string,
): Promise<boolean> {
  return putRun(engine, run, "executionId = :holder", { ":holder": holderId });
}

async function putRun(
  engine: EngineContext,
  run: ActiveRun,
  condition: string,
  values?: Record<string, unknown>,
): Promise<boolean> {
  try {
    await engine.aws.dynamo.send(
      new PutCommand({
        TableName: engine.config.executionsTable,
        Item: { ...activeRunKey(run.planId), ...run },
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Step Functions is the truth about whether the holder still runs; one it does not know yet is a
 * start on its way to StartExecution for ABANDONED_START_SECONDS (on the starters' clock, `now`).
 */
export async function activeRunLive(engine: EngineContext, holder: ActiveRun, now: Date): Promise<boolean> {
  try {
    const { status } = await engine.aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: holder.executionArn }),
    );
    return status === "RUNNING";
  } catch (error) {
    if ((error as Error).name !== "ExecutionDoesNotExist") throw error;
    return now.getTime() - Date.parse(holder.acquiredAt) < ABANDONED_START_SECONDS * 1000;
  }
}
