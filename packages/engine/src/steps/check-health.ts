import {
  DescribeInstanceStatusCommand,
  type InstanceStatus,
  type InstanceStatusSummary,
} from "@aws-sdk/client-ec2";
import {
  DEFAULT_HEALTH_POLL,
  ExecutionNotFoundError,
  effectiveLaunchSettings,
  type HealthVerdict,
  type InstanceObservation,
  judgeInstanceHealth,
  type LaunchSettings,
  nextHealthCheckSeconds,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { publishWaveStatus } from "../events/wave-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { keys, type ServerItem } from "../stores/execution-items";
import { aws, awsErrorName } from "./launch/aws-failures";
import { launchedInstances, pointInTimeOf } from "./launch/launch-outcome";
import { chunks, mapLimit } from "./launch/map-limit";
import { waveStepInput } from "./launch/wave-step-input";

export const checkHealthInputSchema = waveStepInput.extend({
  /** The workflow's longest pause between polls. */
  maxPollSeconds: z.number().int().positive({ error: "must be a whole number of seconds above 0" }),
});
export type CheckHealthInput = z.output<typeof checkHealthInputSchema>;

export interface CheckHealthResult {
  /** Launched servers whose status checks are still undecided: the workflow polls again. */
  pendingChecks: number;
  healthy: number;
  unhealthy: number;
  /** How long the workflow waits before it polls again (see nextHealthCheckSeconds). */
  nextCheckSeconds: number;
}

/** DescribeInstanceStatus takes at most 100 explicit instance IDs. */
const MAX_INSTANCE_IDS = 100;
const WRITE_CONCURRENCY = 8;

/**
 * Post-launch health of a wave: each LAUNCHED server is judged by its EC2 status checks
 * (`judgeInstanceHealth`) and moves to HEALTHY or UNHEALTHY in a conditional write from LAUNCHED,
 * so a retried step never judges a server twice. A server whose instance ID is not recorded yet is
 * looked up in DRS first. When no server is left waiting, the wave's `healthCheckedAt` is set.
 * Every time written is the workflow's `now`, except an impairment's start as EC2 reports it.
 */
export async function checkHealth(
  input: CheckHealthInput,
  engine: EngineContext,
): Promise<CheckHealthResult> {
  const { executionId, wave, now, maxPollSeconds } = input;
  const waveItem = await engine.executions.getWave(executionId, wave);
  if (!waveItem) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  if (waveItem.status === "LAUNCHING") {
    const checking = await engine.executions.update(
      keys.wave(executionId, wave),
      { status: "CHECKING_HEALTH" },
      {
        condition: "#status = :launching",
        names: { "#status": "status" },
        values: { ":launching": "LAUNCHING" },
      },
    );
    if (checking) await publishWaveStatus(engine, executionId, wave, now);
  }

  const launched = (await engine.executions.servers(executionId, wave)).filter(
    (s) => s.status === "LAUNCHED",
  );
  if (launched.length > 0) {
    const servers = await withInstanceIds(engine, executionId, launched);
    const observations = await observeInstances(
      engine,
      servers.flatMap((s) => (s.ec2InstanceId ? [s.ec2InstanceId] : [])),
    );
    const dispositions = await launchDispositions(engine, executionId, servers, observations);
    await mapLimit(servers, WRITE_CONCURRENCY, async (server) => {
      const observation = server.ec2InstanceId ? observations.get(server.ec2InstanceId) : undefined;
      const verdict = judgeInstanceHealth({
        ...(observation && { observation }),
        launchedAt: server.launchedAt ?? server.launchStartedAt ?? now,
        now,
        timeoutSeconds: engine.config.healthCheckTimeoutSeconds,
        launchDisposition: dispositions.get(server.sourceServerId),
      });
      await recordVerdict(engine, server, verdict, now);
    });
  }

  const servers = await engine.executions.servers(executionId, wave);
  const waiting = servers.filter((s) => s.status === "LAUNCHED");
  const result = {
    pendingChecks: waiting.length,
    healthy: servers.filter((s) => s.status === "HEALTHY").length,
    unhealthy: servers.filter((s) => s.status === "UNHEALTHY").length,
    nextCheckSeconds: nextHealthCheckSeconds(
      waiting.map((s) => s.launchedAt ?? s.launchStartedAt ?? now),
      now,
      {
        ...DEFAULT_HEALTH_POLL,
        minSeconds: Math.min(DEFAULT_HEALTH_POLL.minSeconds, maxPollSeconds),
        maxSeconds: maxPollSeconds,
      },
    ),
  };
  if (result.pendingChecks === 0) {
    await engine.executions.update(keys.wave(executionId, wave), { healthCheckedAt: now });
  }
  return result;
}

const fromLaunched = {
  condition: "#status = :launched",
  names: { "#status": "status" },
  values: { ":launched": "LAUNCHED" },
};

async function recordVerdict(
  engine: EngineContext,
  server: ServerItem,
  verdict: HealthVerdict,
  now: string,
): Promise<void> {
  const key = keys.server(server.executionId, server.wave, server.sourceServerId);
  if (verdict.verdict === "HEALTHY") {
    await engine.executions.update(key, { status: "HEALTHY", healthyAt: now }, fromLaunched);
  } else if (verdict.verdict === "UNHEALTHY") {
    await engine.executions.update(
      key,
      { status: "UNHEALTHY", unhealthyAt: verdict.since ?? now, failureReason: verdict.reason },
      fromLaunched,
    );
  }
}

/**
 * Servers whose launch result came without the instance (the recovery instance was not listed yet
 * when the result was recorded) get it from DRS now, with private IP and type from EC2.
 */
async function withInstanceIds(
  engine: EngineContext,
  executionId: string,
  servers: ServerItem[],
): Promise<ServerItem[]> {
  const missing = servers.filter((s) => !s.ec2InstanceId && s.jobId);
  if (missing.length === 0) return servers;
  const found = await launchedInstances(
    engine,
    missing.map((s) => ({ sourceServerId: s.sourceServerId, jobId: s.jobId as string })),
  );
  if (found.size === 0) return servers;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  const fields = new Map(
    [...found].map(([sourceServerId, instance]) => {
      const server = missing.find((s) => s.sourceServerId === sourceServerId) as ServerItem;
      return [sourceServerId, { ...instance, ...pointInTimeOf(meta.startedAt, instance, server) }] as const;
    }),
  );
  await mapLimit([...fields], WRITE_CONCURRENCY, ([sourceServerId, set]) => {
    const server = missing.find((s) => s.sourceServerId === sourceServerId) as ServerItem;
    return engine.executions.update(keys.server(executionId, server.wave, sourceServerId), set, fromLaunched);
  });
  return servers.map((s) => {
    const set = fields.get(s.sourceServerId);
    return set && !s.ec2InstanceId ? { ...s, ...set } : s;
  });
}

/**
 * EC2 status of the instances, by instance ID. EC2 refuses the whole call when it does not know an
 * ID (an instance that has only just launched may not be visible yet), so those IDs are left out,
 * without an observation, and the rest asked again.
 */
async function observeInstances(
  engine: EngineContext,
  instanceIds: readonly string[],
): Promise<Map<string, InstanceObservation>> {
  const observations = new Map<string, InstanceObservation>();
  for (const chunk of chunks(instanceIds, MAX_INSTANCE_IDS)) {
    let ids = chunk;
    while (ids.length > 0) {
      try {
        let nextToken: string | undefined;
        do {
          const page = await aws("EC2 DescribeInstanceStatus", () =>
            engine.aws.ec2.send(
              new DescribeInstanceStatusCommand({
                InstanceIds: ids,
                IncludeAllInstances: true,
                NextToken: nextToken,
              }),
            ),
          );
          for (const status of page.InstanceStatuses ?? []) {
            if (status.InstanceId) observations.set(status.InstanceId, observation(status));
          }
          nextToken = page.NextToken;
        } while (nextToken);
        break;
      } catch (error) {
        if (awsErrorName(error) !== "InvalidInstanceID.NotFound") throw error;
        const unknown = new Set((error as Error).message.match(/i-[0-9a-f]+/g) ?? []);
        const known = ids.filter((id) => !unknown.has(id));
        if (known.length === ids.length) throw error;
        ids = known;
      }
    }
  }
  return observations;
}

function observation(status: InstanceStatus): InstanceObservation {
  const impaired = (summary: InstanceStatusSummary | undefined, kind: string) =>
    (summary?.Details ?? [])
      .filter((detail) => detail.Status === "failed")
      .map((detail) => ({
        text: `${kind} ${detail.Name ?? "check"} failed`,
        since: detail.ImpairedSince?.toISOString(),
      }));
  const impairments = [
    ...impaired(status.SystemStatus, "system"),
    ...impaired(status.InstanceStatus, "instance"),
  ];
  const since = impairments
    .flatMap((i) => (i.since ? [i.since] : []))
    .sort()
    .at(0);
  return {
    instanceId: status.InstanceId as string,
    state: status.InstanceState?.Name ?? "pending",
    ...(status.SystemStatus?.Status && { systemStatus: status.SystemStatus.Status }),
    ...(status.InstanceStatus?.Status && { instanceStatus: status.InstanceStatus.Status }),
    ...(impairments.length > 0 && { impairments: impairments.map((i) => i.text) }),
    ...(since !== undefined && { impairedSince: since }),
  };
}

/**
 * The launch disposition the pinned plan gives each server whose instance is stopped or stopping,
 * the only states where it matters; the plan is read only then.
 */
async function launchDispositions(
  engine: EngineContext,
  executionId: string,
  servers: readonly ServerItem[],
  observations: ReadonlyMap<string, InstanceObservation>,
): Promise<Map<string, LaunchSettings["launchDisposition"]>> {
  const dispositions = new Map<string, LaunchSettings["launchDisposition"]>();
  const stopped = servers.filter((s) => {
    const state = s.ec2InstanceId ? observations.get(s.ec2InstanceId)?.state : undefined;
    return state === "stopped" || state === "stopping";
  });
  if (stopped.length === 0) return dispositions;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  const { plan } = await engine.plans.get(meta.planId, meta.planVersion);
  for (const server of stopped) {
    const group = plan.groups.find((g) => g.id === server.groupId);
    if (group) {
      dispositions.set(
        server.sourceServerId,
        effectiveLaunchSettings(plan, group, server.sourceServerId).launchDisposition,
      );
    }
  }
  return dispositions;
}
