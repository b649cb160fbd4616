import {
  approvalWaitSeconds,
  assessRecoverability,
  GroupResolutionError,
  LiveRecoveryInstancesError,
  layoutRecovery,
  needsSnapshots,
  type PitSnapshot,
  type Plan,
  type RecoverabilityContext,
  type RecoveryLayout,
  resolveGroups,
  ServerConflictError,
  ServersNotReadyError,
  type SourceServer,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { publishExecutionStatus } from "../events/execution-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { acquireServerLocks } from "../start/drill-preemption";
import { recoveryExecutionInputSchema } from "../start/execution-input";
import {
  type BatchItem,
  type ExecutionMeta,
  keys,
  type ServerItem,
  type WaveItem,
} from "../stores/execution-items";
import { aws } from "./launch/aws-failures";
import { refuseLiveRecoveryInstances } from "./prepare/live-recovery-guard";
import { recoverySnapshotsOf } from "./prepare/pit-snapshots";
import { keepPlanHealthAtStart } from "./prepare/plan-health-at-start";
import { recordRefusal } from "./prepare/refusal-record";
import { describeAllSourceServers, selectionProblems } from "./prepare/source-server-selection";
import { prepareResume } from "./prepare-resume";

/** The execution input plus the execution's start time, the clock of everything Prepare records. */
export const prepareInputSchema = recoveryExecutionInputSchema.extend({
  startedAt: z.iso.datetime({
    offset: true,
    error: "expected an ISO-8601 date-time ($$.Execution.StartTime)",
  }),
});

export type PrepareInput = z.output<typeof prepareInputSchema>;

/**
 * How the workflow calls Prepare: the execution input as it started beside the start time (and the
 * execution ID, as every step gets it).
 */
export const prepareStepInputSchema = z
  .object({
    executionId: z.string().min(1),
    execution: recoveryExecutionInputSchema,
    startedAt: prepareInputSchema.shape.startedAt,
  })
  .transform(({ execution, startedAt }): PrepareInput => ({ ...execution, startedAt }));

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
 * as they are now, checked (every selector resolves, every server ready or skippable by the mode's
 * rules — `assessRecoverability`, with the PIT snapshots a RECOVERY or an `asOf` needs), then META,
 * the server locks, and one item per wave, batch and server. Nothing is written when a selector
 * does not resolve; a start refused for its servers (not recoverable, live recovery instances in
 * the way) leaves only META, closed FAILED with the refusal (`recordRefusal`), so the status names
 * them. The plan's latest recorded evaluation is kept with the execution for its report
 * (keepPlanHealthAtStart), refused or not. A retried Prepare returns the counts of the one that
 * completed, writing nothing.
 * @throws PlanNotFoundError when the pinned plan version is gone
 * @throws GroupResolutionError when listed IDs are not DRS source servers or a group selects none
 * @throws ServersNotReadyError when servers are not ready and the plan does not skip them
 * @throws LiveRecoveryInstancesError when a RECOVERY (without replaceExisting) would replace the
 *   running recovery instances of an earlier recovery
 * @throws ServerConflictError when another running execution holds some of the servers (a
 *   RECOVERY pre-empts running drills instead: see acquireServerLocks)
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
  const context: RecoverabilityContext = {
    mode: input.mode,
    rpoSeconds: plan.rpo,
    ...(input.asOf !== undefined && { asOf: input.asOf }),
  };
  const snapshots = needsSnapshots(context)
    ? await recoverySnapshotsOf(engine.aws.drs, selectedServerIds(plan, servers), input.asOf)
    : new Map<string, PitSnapshot[]>();
  const layout = layoutRecovery(plan, servers, engine.config.quotas, (server) =>
    assessRecoverability(server, snapshots.get(server.sourceServerID) ?? [], context),
  );
  const problems = selectionProblems(plan, layout);
  if (problems.length > 0) throw new GroupResolutionError(plan.id, problems);

  const hostnames = new Map(
    layout.waves.flatMap((wave) =>
      wave.groups.flatMap((group) => group.servers.map((s) => [s.sourceServerId, s.hostname] as const)),
    ),
  );
  const notReady = layout.notReady.map(({ sourceServerId, reason, replication }) => {
    const hostname = hostnames.get(sourceServerId);
    // The readiness reason starts with the ID, which the report already shows next to it.
    const text = reason.startsWith(`${sourceServerId} `) ? reason.slice(sourceServerId.length + 1) : reason;
    return {
      sourceServerId,
      reason: hostname ? `${text} (host ${hostname})` : text,
      ...(replication && { state: replication.state }),
    };
  });

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
    ...(input.asOf !== undefined && { asOf: input.asOf }),
    ...(input.replaceExisting !== undefined && { replaceExisting: input.replaceExisting }),
    waveCount: items.waves.length,
    serverCount: serverIds.length,
    rtoSeconds: plan.rto,
    rpoSeconds: plan.rpo,
    maxFailedPercent: plan.failure.maxFailedPercent,
    retries: plan.failure.retries,
    skipped: notReady.slice(0, MAX_LISTED_SKIPPED),
    skippedCount: notReady.length,
  };
  await keepPlanHealthAtStart(engine, input.executionId, plan.id, input.startedAt);
  if (notReady.length > 0 && plan.failure.notReady === "abort") {
    await recordRefusal(engine, meta, new ServersNotReadyError(notReady, input.mode));
  }
  if (input.mode === "RECOVERY" && input.replaceExisting !== true) {
    await refuseLiveRecoveryInstances(engine, serverIds).catch((error: unknown) =>
      error instanceof LiveRecoveryInstancesError
        ? recordRefusal(engine, meta, error)
        : Promise.reject(error),
    );
  }

  // META first: the server locks decide whether a holder is still running by reading its META.
  // An attempt that died half-way left the same keys, so a retry rewrites them all.
  await aws("writing META", () => executions.putAll([{ ...keys.meta(meta.executionId), ...meta }]));
  try {
    await aws("writing the execution items", async () => {
      await acquireServerLocks(engine, meta, serverIds, new Date(input.startedAt));
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

/** The source servers the plan's groups select (each once), the ones whose snapshots matter. */
function selectedServerIds(plan: Plan, servers: readonly SourceServer[]): string[] {
  return [...new Set(resolveGroups(plan, servers).groups.flatMap((group) => group.sourceServerIds))];
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
        const { readiness } = server;
        const replication = readiness.replication;
        const snapshot = readiness.ready ? readiness.snapshot : undefined;
        servers.push({
          executionId,
          sourceServerId: server.sourceServerId,
          wave: wave.index,
          groupId: group.id,
          critical: group.critical,
          ...(server.hostname !== undefined && { hostname: server.hostname }),
          status: "PENDING",
          attempts: 0,
          ...(snapshot && { recoverySnapshotId: snapshot.snapshotId, snapshotAt: snapshot.takenAt }),
          ...(replication && {
            replication: {
              state: replication.state,
              ...(replication.lagSeconds !== undefined && { lagSeconds: replication.lagSeconds }),
            },
          }),
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
