import {
  ExecutionNotFoundError,
  OUTBOUND_DETAIL_TYPES,
  type WaveStatusChange,
  waveStatusCounts,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { publishOutboundEvent } from "./publish-outbound-event";

/**
 * `Wave Status Change` for a wave as its items are now: status and server counts. Steps call it
 * right after the conditional write that moved the wave, so each transition is announced once.
 */
export async function publishWaveStatus(
  engine: EngineContext,
  executionId: string,
  wave: number,
  time: string,
): Promise<void> {
  const [meta, waveItem, servers] = await Promise.all([
    engine.executions.getMeta(executionId),
    engine.executions.getWave(executionId, wave),
    engine.executions.servers(executionId, wave),
  ]);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  await publishOutboundEvent(
    engine,
    OUTBOUND_DETAIL_TYPES.waveStatusChange,
    {
      executionId,
      planId: meta.planId,
      wave,
      groups: waveItem.groupIds,
      // A wave is announced once it left PENDING; the schema refuses anything else.
      status: waveItem.status as WaveStatusChange["status"],
      counts: { servers: waveItem.serverCount, ...waveStatusCounts(servers.map((s) => s.status)) },
    },
    time,
  );
}
