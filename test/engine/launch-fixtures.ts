import { readFile } from "node:fs/promises";
import { type LaunchQuotas, layoutRecovery, type Plan, type RecoveryMode } from "@drs-orchestrator/core";
import {
  type BatchItem,
  createEngineContext,
  type EngineContext,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { parse } from "yaml";
import type { LocalEngine } from "../support/local-engine";

export async function examplePlan(name: string): Promise<unknown> {
  return parse(await readFile(new URL(`../../examples/plans/${name}.yaml`, import.meta.url), "utf8"));
}

/** The engine over the same tables and local services, with other DRS quotas in its environment. */
export function engineWithQuotas(env: LocalEngine, quotas: Partial<LaunchQuotas>): EngineContext {
  const { config } = env.engine;
  return createEngineContext({
    ...env.local.env,
    PLANS_TABLE: config.plansTable,
    EXECUTIONS_TABLE: config.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: config.recoveryStateMachineArn,
    ...(quotas.maxServersPerJob && { DRS_MAX_SERVERS_PER_JOB: String(quotas.maxServersPerJob) }),
    ...(quotas.maxConcurrentJobs && { DRS_MAX_CONCURRENT_JOBS: String(quotas.maxConcurrentJobs) }),
    ...(quotas.maxServersInActiveJobs && {
      DRS_MAX_SERVERS_IN_ACTIVE_JOBS: String(quotas.maxServersInActiveJobs),
    }),
  });
}

export interface SeededExecution {
  executionId: string;
  plan: Plan;
  /** Source server IDs per wave (1-based index → IDs). */
  waves: Map<number, string[]>;
}

/**
 * The items the Prepare step writes for a fresh execution (META, waves, attempt-0 batches from the
 * engine's quotas, PENDING servers), for testing the launch steps below the workflow.
 */
export async function seedExecution(
  env: LocalEngine,
  options: {
    executionId: string;
    document: unknown;
    mode?: RecoveryMode;
    engine?: EngineContext;
    startedAt?: string;
  },
): Promise<SeededExecution> {
  const engine = options.engine ?? env.engine;
  const { executionId } = options;
  const { version } = await engine.plans.apply(options.document, "test");
  const { plan } = await engine.plans.get((options.document as { id: string }).id, version);
  const layout = layoutRecovery(plan, env.local.fleet.sourceServers, engine.config.quotas);
  const startedAt = options.startedAt ?? env.local.clock.now().toISOString();
  const servers = layout.waves.flatMap((wave) =>
    wave.groups.flatMap((group) =>
      group.servers.map((server) => ({ wave: wave.index, group, sourceServerId: server.sourceServerId })),
    ),
  );
  const meta: ExecutionMeta = {
    executionId,
    planId: plan.id,
    planVersion: version,
    planName: plan.name,
    mode: options.mode ?? "DRILL",
    status: "RUNNING",
    requestedBy: "test",
    reason: "launch step test",
    startedAt,
    waveCount: layout.waves.length,
    serverCount: servers.length,
    rtoSeconds: plan.rto,
    rpoSeconds: plan.rpo,
    maxFailedPercent: plan.failure.maxFailedPercent,
    retries: plan.failure.retries,
    skipped: [],
  };
  const waveItems: WaveItem[] = layout.waves.map((wave) => ({
    executionId,
    wave: wave.index,
    groupIds: wave.groups.map((group) => group.id),
    serverCount: wave.groups.reduce((sum, group) => sum + group.servers.length, 0),
    status: "PENDING",
    attempt: 0,
  }));
  const batchItems: BatchItem[] = layout.waves.flatMap((wave) =>
    wave.batches.map((batch) => ({
      executionId,
      wave: wave.index,
      attempt: 0,
      batchId: batch.id,
      sourceServerIds: batch.sourceServerIds,
      status: "PENDING" as const,
    })),
  );
  const serverItems: ServerItem[] = servers.map(({ wave, group, sourceServerId }) => ({
    executionId,
    sourceServerId,
    wave,
    groupId: group.id,
    critical: group.critical,
    status: "PENDING",
    attempts: 0,
  }));
  await engine.executions.putAll([
    { ...keys.meta(executionId), ...meta },
    ...waveItems.map((item) => ({ ...keys.wave(executionId, item.wave), ...item })),
    ...batchItems.map((item) => ({ ...keys.batch(executionId, item.wave, item.batchId), ...item })),
    ...serverItems.map((item) => ({ ...keys.server(executionId, item.wave, item.sourceServerId), ...item })),
  ]);
  const waves = new Map<number, string[]>();
  for (const { wave, sourceServerId } of servers)
    waves.set(wave, [...(waves.get(wave) ?? []), sourceServerId]);
  return { executionId, plan, waves };
}

/** Waits until DRS has no job in progress and every event it published has reached its targets. */
export async function settle(env: LocalEngine): Promise<void> {
  await env.local.drs.idle();
  await env.local.events.idle();
}

/** The state entered time a workflow would pass: the simulated clock's now. */
export const nowOf = (env: LocalEngine) => env.local.clock.now().toISOString();
