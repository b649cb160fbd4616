import { GetLaunchConfigurationCommand, UpdateLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import { DescribeLaunchTemplatesCommand, ModifyLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import { type DrillSettingsRecord, drillChangedSettings, planSettingsRevert } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { aws } from "../steps/launch/aws-failures";
import { mapLimit } from "../steps/launch/map-limit";
import { keys, type ServerItem } from "../stores/execution-items";
import type { DrillCleanupStepInput } from "./cleanup-inputs";
import { requireDrill } from "./drill-meta";
import { serversHeldByRecovery } from "./recovery-held-servers";

export interface RevertLaunchSettingsResult {
  /** Servers whose template default version or launch configuration this call set back. */
  reverted: number;
  /** Servers the drill changed whose settings were already back as they were. */
  unchanged: number;
  /** Servers left as they are because their template moved on after the drill. */
  skipped: number;
  /** Servers left as they are because a running RECOVERY holds them (a later cleanup looks again). */
  held: number;
}

/** Servers reverted at once: each takes a few sequential DRS and EC2 calls. */
const CONCURRENCY = 8;

type Outcome = "reverted" | "unchanged" | "skipped" | "held";

/** The server's record may not exist yet (it had no drill instance) or may (its instance was terminated). */
const UPSERT = "attribute_not_exists(pk) OR attribute_exists(pk)";

/**
 * Puts back, on every server whose settings the drill changed, the launch template default version
 * and the DRS launch configuration fields it had before (recorded by apply-launch-settings), and
 * records per server what was set back. Servers already handled by an earlier run are not read
 * again, and only values that still differ are written, so a second cleanup changes nothing. A
 * server a running RECOVERY holds is not read or written at all: the recovery launches with its
 * settings now; it is recorded as held, and a later cleanup looks at it again.
 * @throws DrillCleanupRefusedError for a RECOVERY execution
 */
export async function revertDrillLaunchSettings(
  input: DrillCleanupStepInput,
  engine: EngineContext,
): Promise<RevertLaunchSettingsResult> {
  const { executionId, now } = input;
  const drill = await requireDrill(engine, executionId);
  const [servers, records] = await Promise.all([
    engine.executions.servers(executionId),
    engine.executions.drillCleanupServers(executionId),
  ]);
  const handled = new Set(
    records
      .filter((record) => record.revertedAt !== undefined || record.revertSkipped !== undefined)
      .map((record) => record.sourceServerId),
  );
  const changed = servers.filter(
    (server) => drillChangedSettings(server.settings) && !handled.has(server.sourceServerId),
  );
  const holds = await serversHeldByRecovery(
    engine,
    drill,
    changed.map((server) => server.sourceServerId),
  );
  const outcomes = await mapLimit(changed, CONCURRENCY, (server) => {
    // A pre-empting recovery still taking its servers may take any of them: none is reverted under it.
    const recoveryId = holds.held.get(server.sourceServerId) ?? holds.awaiting;
    return recoveryId === undefined
      ? revertServer(engine, server, now)
      : recordHeld(engine, server, recoveryId);
  });
  return {
    reverted: outcomes.filter((outcome) => outcome === "reverted").length,
    unchanged: outcomes.filter((outcome) => outcome === "unchanged").length,
    skipped: outcomes.filter((outcome) => outcome === "skipped").length,
    held: outcomes.filter((outcome) => outcome === "held").length,
  };
}

async function recordHeld(engine: EngineContext, server: ServerItem, recoveryId: string): Promise<Outcome> {
  const { executionId, sourceServerId } = server;
  logger.info("drill settings left as they are: a running recovery holds the server", {
    sourceServerId,
    recoveryExecutionId: recoveryId,
  });
  await engine.executions.update(
    keys.drillCleanupServer(executionId, sourceServerId),
    { executionId, sourceServerId, heldByRecovery: recoveryId },
    { condition: UPSERT },
  );
  return "held";
}

async function revertServer(engine: EngineContext, server: ServerItem, now: string): Promise<Outcome> {
  const { executionId, sourceServerId } = server;
  const record = server.settings as DrillSettingsRecord;
  const decision = planSettingsRevert(record, {
    ...(record.previousDefaultVersion !== undefined && {
      defaultVersion: await defaultVersion(engine, record, sourceServerId),
    }),
    launchConfiguration: await launchConfiguration(engine, record, sourceServerId),
  });
  const key = keys.drillCleanupServer(executionId, sourceServerId);

  if (decision.action === "SKIP") {
    logger.warn(decision.reason, { sourceServerId });
    await engine.executions.update(
      key,
      { executionId, sourceServerId, revertSkipped: decision.reason },
      { condition: UPSERT, remove: ["heldByRecovery"] },
    );
    return "skipped";
  }

  const fields = Object.keys(decision.launchConfiguration);
  if (fields.length > 0) {
    await aws("DRS UpdateLaunchConfiguration", () =>
      engine.aws.drs.send(
        new UpdateLaunchConfigurationCommand({
          sourceServerID: sourceServerId,
          ...decision.launchConfiguration,
        }),
      ),
    );
  }
  if (decision.defaultVersion !== undefined) {
    const version = String(decision.defaultVersion);
    await aws("EC2 ModifyLaunchTemplate", () =>
      engine.aws.ec2.send(
        new ModifyLaunchTemplateCommand({
          LaunchTemplateId: record.ec2LaunchTemplateID,
          DefaultVersion: version,
        }),
      ),
    );
  }
  await engine.executions.update(
    key,
    {
      executionId,
      sourceServerId,
      revertedAt: now,
      ...(decision.defaultVersion !== undefined && { restoredDefaultVersion: decision.defaultVersion }),
      restoredLaunchConfiguration: decision.launchConfiguration,
    },
    { condition: UPSERT, remove: ["heldByRecovery"] },
  );
  return decision.defaultVersion !== undefined || fields.length > 0 ? "reverted" : "unchanged";
}

async function defaultVersion(
  engine: EngineContext,
  record: DrillSettingsRecord,
  sourceServerId: string,
): Promise<number> {
  const templateId = record.ec2LaunchTemplateID;
  if (!templateId) {
    throw new Error(`the drill recorded a default version for ${sourceServerId} but no launch template ID`);
  }
  const { LaunchTemplates } = await aws("EC2 DescribeLaunchTemplates", () =>
    engine.aws.ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [templateId] })),
  );
  const version = LaunchTemplates?.[0]?.DefaultVersionNumber;
  if (version === undefined) {
    throw new Error(
      `EC2 DescribeLaunchTemplates names no default version for ${templateId} of ${sourceServerId}`,
    );
  }
  return version;
}

/** The launch configuration fields the drill changed, as they are now. */
async function launchConfiguration(
  engine: EngineContext,
  record: DrillSettingsRecord,
  sourceServerId: string,
): Promise<Record<string, unknown>> {
  if (Object.keys(record.previousLaunchConfiguration ?? {}).length === 0) return {};
  const current = await aws("DRS GetLaunchConfiguration", () =>
    engine.aws.drs.send(new GetLaunchConfigurationCommand({ sourceServerID: sourceServerId })),
  );
  return current as unknown as Record<string, unknown>;
}
