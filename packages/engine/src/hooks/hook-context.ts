import {
  ExecutionNotFoundError,
  type HookPhase,
  type HookTemplateContext,
  isWavePhase,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import type { ExecutionMeta, ServerItem } from "../stores/execution-items";

function outcome(servers: readonly ServerItem[]): { healthy: number; failed: number } {
  return {
    healthy: servers.filter((server) => server.status === "HEALTHY").length,
    failed: servers.filter((server) => server.status === "FAILED" || server.status === "UNHEALTHY").length,
  };
}

/**
 * What a phase's hooks can know, read from the execution's items: the wave's groups and server
 * count in wave phases, and after a wave or the recovery how its servers came out (read only then,
 * since it means reading every server item of the wave or execution).
 */
export async function hookTemplateContext(
  engine: EngineContext,
  meta: ExecutionMeta,
  input: { phase: HookPhase; wave?: number; now: string },
): Promise<HookTemplateContext> {
  const { executionId } = meta;
  const base = {
    executionId,
    planId: meta.planId,
    planVersion: meta.planVersion,
    planName: meta.planName,
    mode: meta.mode,
    phase: input.phase,
    now: input.now,
    waveCount: meta.waveCount,
  };
  if (isWavePhase(input.phase) && input.wave !== undefined) {
    const wave = await engine.executions.getWave(executionId, input.wave);
    if (!wave) throw new ExecutionNotFoundError(executionId, `WAVE#${input.wave}`);
    return {
      ...base,
      servers: wave.serverCount,
      wave: { wave: wave.wave, groupIds: wave.groupIds },
      ...(input.phase === "afterWave" && {
        outcome: outcome(await engine.executions.servers(executionId, wave.wave)),
      }),
    };
  }
  return {
    ...base,
    servers: meta.serverCount,
    ...(input.phase === "afterRecovery" && {
      outcome: outcome(await engine.executions.servers(executionId)),
    }),
  };
}
