import { type DrsClient, paginateDescribeSourceServers } from "@aws-sdk/client-drs";
import {
  approvalWaitSeconds,
  GroupResolutionError,
  type GroupSelectionProblem,
  layoutRecovery,
  type Plan,
  type RecoveryLayout,
  ServerConflictError,
  ServersNotReadyError,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { publishExecutionStatus } from "../events/execution-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { recoveryExecutionInputSchema } from "../start/execution-input";
import {
  type BatchItem,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "../stores/execution-items";
import { aws } from "./launch/aws-failures";
import { prepareResume } from "./prepare-resume";

/** The execution input plus the execution's start time, the clock of everything Prepare records. */
export const prepareInputSchema = recoveryExecutionInputSchema.extend({
  startedAt: z.iso.datetime({
    offset: true,
    error: "expected an ISO-8601 date-time ($$.Execution.StartTime)",
  }),
});

export type PrepareInput = z.output<typeof prepareInputSchema>;

export interface PrepareOutput {
  waveCount: number;
  serverCount: number;
  skippedCount: number;
  /** How long the workflow's approval state may wait at any wave (see approvalWaitSeconds). */
  approvalWaitSeconds: number;
  /** The wave the workflow begins at: 1, or for a resumed attempt the first wave that did not complete. */
  firstWave: number;
}

/** META lists at most this many skipped servers (each ~150 bytes), so it stays far below 64 KB. */
export const MAX_LISTED_SKIPPED = 200;

/**
 * Lays the execution out in the executions table: the pinned plan against the DRS source servers
 * as they are now, checked (every selector resolves, every server ready or skippable), then META,
 * the server locks, and one item per wave, batch and server. Nothing is written when a check
 * fails. A retried Prepare returns the counts of the one that completed, writing nothing.
 * @throws PlanNotFoundError when the pinned plan version is gone
 * @throws GroupResolutionError when listed IDs are not DRS source servers or a group selects none
 * @throws ServersNotReadyError when servers are not ready and the plan does not skip them
 * @throws ServerConflictError when another running execution holds some of the servers
 */
export async function prepare(input: PrepareInput, engine: EngineContext): Promise<PrepareOutput> {
  if (input.resume) return prepareResume({ ...input, resume: input.resume }, engine);
  const { executions } = engine;
  const existing = await executions.getMeta(input.executionId);
  if (existing?.prepared) {
    const pinned = await engine.plans.get(existing.planId, existing.planVersion);
    return {
      waveCount: existing.waveCount,
      serverCount: existing.serverCount,
      skippedCount: existing.skippedCount ?? existing.skipped.length,
      approvalWaitSeconds: approvalWaitSeconds(pinned.plan.groups),
      firstWave: 1,
    };
  }

  const { plan } = await engine.plans.get(input.planId, input.planVersion);
  const servers = await aws("DescribeSourceServers", () => describeAllSourceServers(engine.aws.drs));
  const layout = layoutRecovery(plan, servers, engine.config.quotas);
  const problems = selectionProblems(plan, layout);
  if (problems.length > 0) throw new GroupResolutionError(plan.id, problems);

  const hostnames = new Map(
    layout.waves.flatMap((wave) =>
      wave.groups.flatMap((group) => group.servers.map((s) => [s.sourceServerId, s.hostname] as const)),
    ),
  );
  const notReady = layout.notReady.map(({ sourceServerId, reason }) => {
    const hostname = hostnames.get(sourceServerId);
    // The readiness reason starts with the ID, which the report already shows next to it.
    const text = reason.startsWith(`${sourceServerId} `) ? reason.slice(sourceServerId.length + 1) : reason;
    return { sourceServerId, reason: hostname ? `${text} (host ${hostname})` : text };
  });
  if (notReady.length > 0 && plan.failure.notReady === "abort") throw new ServersNotReadyError(notReady);

  const items = executionItems(input, layout);
  const serverIds = items.servers.map((server) => server.sourceServerId);
  const meta: ExecutionMeta = {
    executionId: input.executionId,
    planId: plan.id,
    planVersion: input.planVersion,
    planName: plan.name,
    mode: input.mode,
    status: "RUNNING",
    requestedBy: input.requestedBy,
    reason: input.reason,
    startedAt: input.startedAt,
    waveCount: items.waves.length,
    serverCount: serverIds.length,
    rtoSeconds: plan.rto,
    rpoSeconds: plan.rpo,
    maxFailedPercent: plan.failure.maxFailedPercent,
    retries: plan.failure.retries,
    skipped: notReady.slice(0, MAX_LISTED_SKIPPED),
    skippedCount: notReady.length,
  };

  // META first: the server locks decide whether a holder is still running by reading its META.
  // An attempt that died half-way left the same keys, so a retry rewrites them all.
  await aws("writing META", () => executions.putAll([{ ...keys.meta(meta.executionId), ...meta }]));
  try {
    await aws("writing the execution items", async () => {
      await engine.locks.acquire(meta.executionId, serverIds, new Date(input.startedAt));
      await executions.putAll([
        ...items.waves.map((wave) => ({ ...keys.wave(wave.executionId, wave.wave), ...wave })),
        ...items.batches.map((batch) => ({
          ...keys.batch(batch.executionId, batch.wave, batch.batchId),
          ...batch,
        })),
        ...items.servers.map((server) => ({
          ...keys.server(server.executionId, server.wave, server.sourceServerId),
          ...server,
        })),
      ]);
      await executions.update(keys.meta(meta.executionId), { prepared: true });
    });
  } catch (error) {
    // A conflict already gave back what it took; any other failure may have left locks behind.
    if (!(error instanceof ServerConflictError)) await engine.locks.release(meta.executionId, serverIds);
    throw error;
  }
  await publishExecutionStatus(engine, meta, input.startedAt);
  return {
    waveCount: meta.waveCount,
    serverCount: meta.serverCount,
    skippedCount: notReady.length,
    approvalWaitSeconds: approvalWaitSeconds(plan.groups),
    firstWave: 1,
  };
}

/** Every source server of the account and region, all pages. */
export async function describeAllSourceServers(drs: DrsClient): Promise<SourceServer[]> {
  const servers: SourceServer[] = [];
  for await (const page of paginateDescribeSourceServers({ client: drs }, {})) {
    for (const item of page.items ?? []) servers.push(sourceServerSchema.parse(item));
  }
  return servers;
}

/** Where the plan's selectors miss: listed IDs that are not source servers, groups that select none. */
export function selectionProblems(plan: Plan, layout: RecoveryLayout): GroupSelectionProblem[] {
  const problems: GroupSelectionProblem[] = layout.resolution.unmatchedIds.map(
    ({ groupId, sourceServerId, path }) => ({
      groupId,
      path,
      message: `${sourceServerId} (group ${groupId}) is not a DRS source server in this account and region`,
    }),
  );
  for (const groupId of layout.resolution.emptyGroups) {
    const index = plan.groups.findIndex((group) => group.id === groupId);
    problems.push({
      groupId,
      path: `groups[${index}].select`,
      message: `group ${groupId} selects no DRS source server`,
    });
  }
  return problems;
}

/** The wave, batch (attempt 0) and server items of a fresh execution; not-ready servers left out get none. */
function executionItems(input: PrepareInput, layout: RecoveryLayout) {
  const { executionId } = input;
  const waves: WaveItem[] = [];
  const batches: BatchItem[] = [];
  const servers: ServerItem[] = [];
  for (const wave of layout.waves) {
    const launching = new Set(wave.batches.flatMap((batch) => batch.sourceServerIds));
    for (const group of wave.groups) {
      for (const server of group.servers) {
        if (!launching.has(server.sourceServerId)) continue;
        servers.push({
          executionId,
          sourceServerId: server.sourceServerId,
          wave: wave.index,
          groupId: group.id,
          critical: group.critical,
          ...(server.hostname !== undefined && { hostname: server.hostname }),
          status: "PENDING",
          attempts: 0,
        });
      }
    }
    for (const batch of wave.batches) {
      batches.push({
        executionId,
        wave: wave.index,
        attempt: 0,
        batchId: batch.id,
        sourceServerIds: batch.sourceServerIds,
        status: "PENDING",
      });
    }
    waves.push({
      executionId,
      wave: wave.index,
      groupIds: wave.groups.map((group) => group.id),
      serverCount: launching.size,
      status: "PENDING",
      attempt: 0,
    });
  }
  return { waves, batches, servers };
}
