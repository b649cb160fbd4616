import {
  capIds,
  type DrillCleanupStatus,
  type DrillCleanupSummary,
  OUTBOUND_DETAIL_TYPES,
  summarizeDrillCleanup,
} from "@drs-orchestrator/core";
import { publishOutboundEvent } from "../events/publish-outbound-event";
import type { EngineContext } from "../lambda/engine-context";
import { keys } from "../stores/execution-items";
import type { CompleteDrillCleanupInput } from "./cleanup-inputs";

export interface CompleteDrillCleanupResult {
  status: Exclude<DrillCleanupStatus, "RUNNING">;
  terminatedInstances: number;
  revertedServers: number;
  skippedServers: number;
}

/** A step error's cause can be a long stack; the item keeps its head. */
const MAX_CAUSE_CHARS = 4000;

/**
 * Ends a cleanup run: its status (FAILED when a step failed, or when DRS did not terminate every
 * instance it was asked to), completion time and error on the cleanup item, then `Drill Cleanup
 * Completed` on the app's bus with what the cleanup of the execution terminated and reverted.
 */
export async function completeDrillCleanup(
  input: CompleteDrillCleanupInput,
  engine: EngineContext,
): Promise<CompleteDrillCleanupResult> {
  const { executionId, now } = input;
  const [meta, cleanup, servers] = await Promise.all([
    engine.executions.getMeta(executionId),
    engine.executions.getDrillCleanup(executionId),
    engine.executions.drillCleanupServers(executionId),
  ]);
  const started = summarizeDrillCleanup({ status: "RUNNING", startedAt: cleanup?.startedAt ?? now }, servers);
  const failure = outcomeError(input, started);
  const status = failure ? "FAILED" : "SUCCEEDED";

  await engine.executions.update(
    keys.drillCleanup(executionId),
    {
      executionId,
      status,
      startedAt: cleanup?.startedAt ?? now,
      completedAt: now,
      ...(failure && { error: failure.error }),
      ...(failure?.cause !== undefined && { cause: failure.cause.slice(0, MAX_CAUSE_CHARS) }),
    },
    {
      condition: "attribute_not_exists(pk) OR attribute_exists(pk)",
      remove: ["holdUntil", "holdToken", "holdEndRequested", ...(failure ? [] : ["error", "cause"])],
    },
  );

  if (meta) {
    await publishOutboundEvent(
      engine,
      OUTBOUND_DETAIL_TYPES.drillCleanupCompleted,
      {
        executionId,
        planId: meta.planId,
        status,
        terminatedInstanceCount: started.terminatedInstanceIds.length,
        terminatedInstanceIds: capIds(started.terminatedInstanceIds),
        revertedServers: started.revertedServers.length,
        ...(failure && { error: failure.error }),
      },
      now,
    );
  }
  return {
    status,
    terminatedInstances: started.terminatedInstanceIds.length,
    revertedServers: started.revertedServers.length,
    skippedServers: started.skippedServers.length,
  };
}

function outcomeError(
  input: CompleteDrillCleanupInput,
  summary: DrillCleanupSummary,
): { error: string; cause?: string } | undefined {
  if (input.outcome === "FAILED") {
    return {
      error: input.error ?? "DrillCleanupFailed",
      ...(input.cause !== undefined && { cause: input.cause }),
    };
  }
  if (summary.failedTerminations.length === 0) return undefined;
  return {
    error: "DrillCleanupIncomplete",
    cause: `DRS did not terminate ${summary.failedTerminations.length} drill instance(s): ${summary.failedTerminations
      .slice(0, 5)
      .map((failure) => `${failure.sourceServerId}: ${failure.reason}`)
      .join("; ")}`,
  };
}
