import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { keys } from "../stores/execution-items";

/**
 * Ends a cleanup's hold now, when it is HOLDING: the token is taken off the cleanup item in a
 * conditional write, so of two requests only one calls SendTaskSuccess. False when there was no
 * hold to end (not holding, already ended, or its time ran out at that moment).
 */
export async function releaseDrillCleanupHold(engine: EngineContext, executionId: string): Promise<boolean> {
  const cleanup = await engine.executions.getDrillCleanup(executionId);
  const token = cleanup?.status === "HOLDING" ? cleanup.holdToken : undefined;
  if (!token) return false;
  const taken = await engine.executions.update(
    keys.drillCleanup(executionId),
    {},
    {
      condition: "#token = :token",
      names: { "#token": "holdToken" },
      values: { ":token": token },
      remove: ["holdToken"],
    },
  );
  if (!taken) return false;
  try {
    await engine.aws.sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ released: true }) }),
    );
  } catch (error) {
    // The hold ran out as the request came: the cleanup is going on anyway.
    if ((error as Error).name === "TaskTimedOut" || (error as Error).name === "InvalidToken") return false;
    throw error;
  }
  logger.info("drill cleanup hold ended early", { executionId });
  return true;
}
