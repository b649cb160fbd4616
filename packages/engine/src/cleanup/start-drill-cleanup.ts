import { createHash } from "node:crypto";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { InvalidInputError } from "@drs-orchestrator/core";
import { z } from "zod";
import { EngineConfigError } from "../config/engine-config";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { attemptExecutionName, executionArnOf, MAX_EXECUTION_NAME_LENGTH } from "../start/execution-name";
import { endDrillCleanupHold } from "./drill-cleanup-release";
import { requireEndedDrill } from "./ended-drill";

/** Step Functions holds a Wait for up to a year, the longest a Standard execution runs. */
const MAX_DELAY_SECONDS = 365 * 24 * 3600;

export const startDrillCleanupRequestSchema = z.strictObject({
  executionId: z.string().min(1, { error: "required: the execution ID of the drill to clean up" }),
  /** Hold this long before cleaning up (a plan's `drill.cleanupAfter`). */
  delaySeconds: z
    .number()
    .int({ error: "must be a whole number of seconds" })
    .min(0)
    .max(MAX_DELAY_SECONDS, { error: "must be at most a year (31536000 s)" })
    .optional(),
});
export type StartDrillCleanupRequest = z.input<typeof startDrillCleanupRequestSchema>;

export interface StartDrillCleanupResult {
  /** The drill's execution ID. */
  executionId: string;
  cleanupExecutionArn: string;
  delaySeconds: number;
  /** True when the execution's cleanup had already been started (by a rule, the CLI, a plan's cleanupAfter). */
  alreadyStarted: boolean;
  /** The cleanup execution's Step Functions status when it had already been started. */
  status?: string;
  /** True when this request ended the hold of a cleanup waiting out the plan's `drill.cleanupAfter`. */
  holdEnded?: boolean;
}

/** The cleanup's input, as the drill cleanup workflow reads it. */
interface DrillCleanupExecutionInput {
  executionId: string;
  delaySeconds?: number;
}

const NAME_PREFIX = "cleanup-";
const HASH_LENGTH = 16;

/**
 * `cleanup-<executionId>`: one cleanup execution per drill attempt, so every way of starting it (the
 * status-change rule, a plan's cleanupAfter, the CLI) lands on the same one; a resumed drill
 * (`cleanup-<executionId>-r<attempt>`) launched again and is cleaned up again. A name too long for
 * the 80-character limit is shortened and a hash of all of it appended.
 */
export function cleanupExecutionName(executionId: string, attempt = 1): string {
  const workflowName = attemptExecutionName(executionId, attempt);
  const name = `${NAME_PREFIX}${workflowName}`;
  if (name.length <= MAX_EXECUTION_NAME_LENGTH) return name;
  const hash = createHash("sha256").update(workflowName).digest("hex").slice(0, HASH_LENGTH);
  return `${name.slice(0, MAX_EXECUTION_NAME_LENGTH - HASH_LENGTH - 1)}-${hash}`;
}

/**
 * Starts the drill cleanup of an execution (of its current attempt), once: a repeat (or a
 * concurrent start from another entry point) returns the cleanup already started. A request to
 * clean up now (no delay) ends the hold of a cleanup already waiting out the plan's
 * `drill.cleanupAfter`. Nothing starts for a real recovery or a drill still running.
 * @throws InvalidInputError naming each bad field
 * @throws EngineConfigError when CLEANUP_STATE_MACHINE_ARN is not set
 * @throws ExecutionNotFoundError when the execution is not in the executions table
 * @throws DrillCleanupRefusedError for a RECOVERY execution or a drill still running
 */
export async function startDrillCleanup(
  request: unknown,
  engine: EngineContext,
): Promise<StartDrillCleanupResult> {
  const parsed = startDrillCleanupRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new InvalidInputError(
      "drill cleanup request",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const { executionId } = parsed.data;
  const delaySeconds = parsed.data.delaySeconds ?? 0;
  const stateMachineArn = engine.config.cleanupStateMachineArn;
  if (!stateMachineArn) {
    throw new EngineConfigError(
      "invalid engine environment — set CLEANUP_STATE_MACHINE_ARN (the drill cleanup state machine) to start a cleanup",
    );
  }
  const attempt = (await engine.executions.getMeta(executionId))?.attempts?.at(-1)?.number ?? 1;
  const name = cleanupExecutionName(executionId, attempt);
  const cleanupExecutionArn = executionArnOf(stateMachineArn, name);
  const existing = await describeStarted(engine, cleanupExecutionArn);
  if (existing) return delaySeconds === 0 ? endHold(engine, existing) : existing;

  await requireEndedDrill(engine, executionId);
  const input: DrillCleanupExecutionInput = { executionId, ...(delaySeconds > 0 && { delaySeconds }) };
  try {
    await engine.aws.sfn.send(
      new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
    );
  } catch (error) {
    // Another entry point started it between our look and our start: that cleanup is the answer.
    if ((error as Error).name === "ExecutionAlreadyExists") {
      const started = await describeStarted(engine, cleanupExecutionArn);
      if (started) return started;
    }
    throw error;
  }
  logger.info("drill cleanup started", { executionId, cleanupExecutionArn, delaySeconds });
  return { executionId, cleanupExecutionArn, delaySeconds, alreadyStarted: false };
}

async function endHold(
  engine: EngineContext,
  started: StartDrillCleanupResult,
): Promise<StartDrillCleanupResult> {
  if (started.status !== "RUNNING" || started.delaySeconds === 0) return started;
  const holdEnded = await endDrillCleanupHold(engine, started.executionId);
  return holdEnded ? { ...started, holdEnded } : started;
}

async function describeStarted(
  engine: EngineContext,
  cleanupExecutionArn: string,
): Promise<StartDrillCleanupResult | undefined> {
  try {
    const execution = await engine.aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: cleanupExecutionArn }),
    );
    const input = JSON.parse(execution.input ?? "{}") as DrillCleanupExecutionInput;
    return {
      executionId: input.executionId,
      cleanupExecutionArn,
      delaySeconds: input.delaySeconds ?? 0,
      alreadyStarted: true,
      ...(execution.status !== undefined && { status: execution.status }),
    };
  } catch (error) {
    if ((error as Error).name === "ExecutionDoesNotExist") return undefined;
    throw error;
  }
}
