import { createHash } from "node:crypto";
import { UpdateLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import {
  CreateLaunchTemplateVersionCommand,
  ModifyLaunchTemplateCommand,
  type RequestLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import {
  ExecutionNotFoundError,
  effectiveLaunchSettings,
  type LaunchChanges,
  launchTemplateVersionDescription,
  type Plan,
  planLaunchChanges,
} from "@drs-orchestrator/core";
import { publishWaveStatus } from "../events/wave-status-event";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { keys, type ServerItem, type ServerLaunchSettingsRecord } from "../stores/execution-items";
import { aws } from "./launch/aws-failures";
import { readLaunchState, type ServerLaunchState } from "./launch/current-launch-state";
import { mapLimit } from "./launch/map-limit";
import { type WaveStepInput, waveStepInput } from "./launch/wave-step-input";

export const applyLaunchSettingsInput = waveStepInput;

export interface ApplyLaunchSettingsResult {
  /** Servers whose DRS launch configuration or launch template this execution changed. */
  changed: number;
  /** Servers already launching with the plan's settings. */
  unchanged: number;
  warnings: number;
}

/** Servers whose settings are applied at once: DRS and EC2 calls per server are few but sequential. */
const CONCURRENCY = 8;

/**
 * Makes every server of the wave launch with the plan's settings: the DRS launch configuration
 * fields and a new default version of the server's launch template, each only where it differs
 * from what is there. What it changes is recorded on the server item (the previous default version
 * and launch configuration values) so a drill can be reverted. Retried, it changes nothing twice.
 * @throws ExecutionNotFoundError when the execution or wave was never prepared
 */
export async function applyLaunchSettings(
  input: WaveStepInput,
  engine: EngineContext,
): Promise<ApplyLaunchSettingsResult> {
  const { executionId, wave, now } = input;
  const meta = await engine.executions.getMeta(executionId);
  if (!meta) throw new ExecutionNotFoundError(executionId, "META");
  const { plan } = await engine.plans.get(meta.planId, meta.planVersion);
  const servers = (await engine.executions.servers(executionId, wave)).filter(
    (server) => !server.settingsApplied,
  );

  const results = await mapLimit(servers, CONCURRENCY, (server) => applyServer(engine, plan, server));

  // A wave leaves PENDING once; a retried step (or a wave already further along) keeps its state.
  const started = await engine.executions.update(
    keys.wave(executionId, wave),
    { status: "LAUNCHING", startedAt: now },
    { condition: "#status = :pending", names: { "#status": "status" }, values: { ":pending": "PENDING" } },
  );
  if (started) await publishWaveStatus(engine, executionId, wave, now);
  const changed = results.filter((result) => result.changed).length;
  return {
    changed,
    unchanged: results.length - changed,
    warnings: results.reduce((sum, result) => sum + result.warnings, 0),
  };
}

async function applyServer(
  engine: EngineContext,
  plan: Plan,
  server: ServerItem,
): Promise<{ changed: boolean; warnings: number }> {
  const { executionId, sourceServerId } = server;
  const group = plan.groups.find((candidate) => candidate.id === server.groupId);
  if (!group) {
    throw new Error(
      `server ${sourceServerId} of execution ${executionId} belongs to group ${server.groupId}, which plan ${plan.id} does not have`,
    );
  }
  const settings = effectiveLaunchSettings(plan, group, sourceServerId);
  const state = await readLaunchState(engine, sourceServerId);
  const changes = planLaunchChanges(sourceServerId, settings, state.current);
  for (const warning of changes.warnings) logger.warn(warning, { sourceServerId });

  const record = await rememberPrevious(engine, server, state, changes);
  if (changes.updateLaunchConfiguration) {
    const update = changes.updateLaunchConfiguration;
    await aws("DRS UpdateLaunchConfiguration", () =>
      engine.aws.drs.send(new UpdateLaunchConfigurationCommand(update)),
    );
  }
  let appliedVersion: number | undefined;
  if (changes.launchTemplateData) {
    appliedVersion = await newDefaultVersion(engine, executionId, sourceServerId, state, changes);
  } else if (
    record.previousDefaultVersion !== undefined &&
    record.previousDefaultVersion !== state.defaultVersion
  ) {
    // An earlier try of this step already made its version the default before it could record it.
    appliedVersion = state.defaultVersion;
  }

  await engine.executions.update(
    keys.server(executionId, server.wave, sourceServerId),
    {
      settingsApplied: true,
      settings: { ...record, ...(appliedVersion !== undefined && { appliedVersion }) },
    },
    {
      condition: "attribute_exists(pk) AND (attribute_not_exists(#applied) OR #applied = :false)",
      names: { "#applied": "settingsApplied" },
      values: { ":false": false },
    },
  );
  const changed =
    record.previousDefaultVersion !== undefined ||
    Object.keys(record.previousLaunchConfiguration ?? {}).length > 0;
  return { changed, warnings: changes.warnings.length };
}

/**
 * Records what is about to change, before changing it, once: a retry after a partial apply finds
 * the record of the first try and keeps it, so the values to revert to are the original ones.
 */
async function rememberPrevious(
  engine: EngineContext,
  server: ServerItem,
  state: ServerLaunchState,
  changes: LaunchChanges,
): Promise<ServerLaunchSettingsRecord> {
  const previousLaunchConfiguration: Record<string, unknown> = {};
  for (const field of Object.keys(changes.updateLaunchConfiguration ?? {})) {
    if (field === "sourceServerID") continue;
    previousLaunchConfiguration[field] = (state.launchConfiguration as unknown as Record<string, unknown>)[
      field
    ];
  }
  const record: ServerLaunchSettingsRecord = {
    ec2LaunchTemplateID: state.launchTemplateId,
    ...(changes.launchTemplateData && { previousDefaultVersion: state.defaultVersion }),
    ...(Object.keys(previousLaunchConfiguration).length > 0 && { previousLaunchConfiguration }),
    warnings: changes.warnings,
  };
  const key = keys.server(server.executionId, server.wave, server.sourceServerId);
  const first = await engine.executions.update(
    key,
    { settings: record },
    {
      condition: "attribute_exists(pk) AND attribute_not_exists(#settings)",
      names: { "#settings": "settings" },
    },
  );
  if (first) return record;
  const earlier = (await engine.executions.get<ServerItem>(key))?.settings;
  return { ...record, ...earlier, warnings: changes.warnings };
}

/**
 * A new launch template version from the current default with only the changed data, made the
 * default. The client token is derived from the request, so a retry of the same change gets the
 * version the first try created instead of a second one.
 */
async function newDefaultVersion(
  engine: EngineContext,
  executionId: string,
  sourceServerId: string,
  state: ServerLaunchState,
  changes: LaunchChanges,
): Promise<number> {
  // The SDK types InstanceType as its enum of known types; the plan's type was validated as a name.
  const data = changes.launchTemplateData as RequestLaunchTemplateData;
  const clientToken = createHash("sha256")
    .update(JSON.stringify([executionId, sourceServerId, state.defaultVersion, data]))
    .digest("hex")
    .slice(0, 64);
  const created = await aws("EC2 CreateLaunchTemplateVersion", () =>
    engine.aws.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: state.launchTemplateId,
        SourceVersion: String(state.defaultVersion),
        VersionDescription: launchTemplateVersionDescription(executionId),
        LaunchTemplateData: data,
        ClientToken: clientToken,
      }),
    ),
  );
  const version = created.LaunchTemplateVersion?.VersionNumber;
  if (version === undefined) {
    throw new Error(`EC2 created no version number for launch template ${state.launchTemplateId}`);
  }
  await aws("EC2 ModifyLaunchTemplate", () =>
    engine.aws.ec2.send(
      new ModifyLaunchTemplateCommand({
        LaunchTemplateId: state.launchTemplateId,
        DefaultVersion: String(version),
      }),
    ),
  );
  return version;
}
