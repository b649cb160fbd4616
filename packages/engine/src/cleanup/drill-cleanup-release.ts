import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { keys } from "../stores/execution-items";

/**
 * Ends the hold of a cleanup started with a delay. When the hold step has recorded its token, the
 * token is taken off the cleanup item in a conditional write (of two requests only one calls
 * SendTaskSuccess); when it has not yet, the request is recorded for the hold step, which then
 * ends its own wait at once. Every write is conditional on the other's absence, so a request and a
 * hold step racing each other cannot both miss.
 * @returns false when the hold had already ended (its time ran out, or the cleanup went on)
 */
export async function endDrillCleanupHold(engine: EngineContext, executionId: string): Promise<boolean> {
  const key = keys.drillCleanup(executionId);
  for (;;) {
    const cleanup = await engine.executions.getDrillCleanup(executionId);
    if (cleanup?.status === "HOLDING") {
      const token = cleanup.holdToken;
      if (!token) return false;
      const taken = await engine.executions.update(
        key,
        {},
        {
          condition: "#token = :token",
          names: { "#token": "holdToken" },
          values: { ":token": token },
          remove: ["holdToken"],
        },
      );
      return taken && sendHoldEnd(engine, executionId, token);
    }
    // The cleanup went past its hold already.
    if (cleanup?.status !== undefined) return false;
    const requested = await engine.executions.update(
      key,
      { executionId, holdEndRequested: true },
      {
        condition: "attribute_not_exists(pk) OR attribute_not_exists(#status)",
        names: { "#status": "status" },
      },
    );
    if (requested) {
      logger.info("drill cleanup hold ends as soon as it begins", { executionId });
      return true;
    }
    // The hold step recorded its token meanwhile: take it on the next round.
  }
}

/** Completes the hold's callback; false when its time had just run out. */
export async function sendHoldEnd(
  engine: EngineContext,
  executionId: string,
  token: string,
): Promise<boolean> {
  try {
    await engine.aws.sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ ended: true }) }),
    );
  } catch (error) {
    if ((error as Error).name === "TaskTimedOut" || (error as Error).name === "InvalidToken") return false;
    throw error;
  }
  logger.info("drill cleanup hold ended early", { executionId });
  return true;
}
