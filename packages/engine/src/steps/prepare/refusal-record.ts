import type { EngineContext } from "../../lambda/engine-context";
import { type ExecutionMeta, keys } from "../../stores/execution-items";
import { aws } from "../launch/aws-failures";

/** As finalize keeps a cause: the head of a refusal that names thousands of servers. */
const MAX_CAUSE_CHARS = 4000;

/**
 * Records a start that Prepare refused (servers not recoverable, live recovery instances in the
 * way) as META closed FAILED at its start, with the refusal as error and cause, and nothing else:
 * no wave, batch or server item, no lock. `recover status`, the report and the MCP tools then name
 * each server and why; finalize finds it ended and only releases the plan's active run.
 * @throws the refusal, always
 */
export async function recordRefusal(
  engine: EngineContext,
  meta: ExecutionMeta,
  refusal: Error,
): Promise<never> {
  const refused: ExecutionMeta = {
    ...meta,
    status: "FAILED",
    endedAt: meta.startedAt,
    error: refusal.name,
    cause: refusal.message.slice(0, MAX_CAUSE_CHARS),
    waveCount: 0,
    serverCount: 0,
    skipped: [],
    skippedCount: 0,
  };
  await aws("writing META", () => engine.executions.putAll([{ ...keys.meta(meta.executionId), ...refused }]));
  throw refusal;
}
