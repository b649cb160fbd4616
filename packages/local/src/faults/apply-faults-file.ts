import {
  type Fleet,
  formatDocumentPath,
  loadDocumentFile,
  type PlanIssue,
  planIssuesFromZod,
} from "@drs-orchestrator/core";
import { isoDuration } from "../drs/iso-duration";
import type { ParsedDriftOptions } from "./drift-options";
import type { FaultOptions } from "./fault-options";
import { type FaultsFile, faultsFileSchema } from "./faults-file-schema";

export type FaultsFileResult =
  | {
      ok: true;
      file: FaultsFile;
      /** The DRS emulator's fault options (startLocalAws `faults`). */
      faults: FaultOptions;
      /** The runtime's drift (startLocalAws `drift`); absent when the file names none. */
      drift?: ParsedDriftOptions;
      /** The fleet with the file's replication states and lags; absent when no fleet was given. */
      fleet?: Fleet;
    }
  | { ok: false; issues: PlanIssue[] };

/**
 * Checks a decoded faults document, and that every source server it names is in the fleet, then
 * turns it into the emulator's fault options and the fleet as the runtime starts with it.
 */
export function applyFaultsData(data: unknown, fleet: Fleet | undefined): FaultsFileResult {
  const parsed = faultsFileSchema.safeParse(data);
  if (!parsed.success)
    return { ok: false, issues: planIssuesFromZod(parsed.error.issues, faultsFileSchema, data) };
  const file = parsed.data;
  const issues = [...unknownServers(file, fleet), ...unknownResources(file, fleet)];
  if (issues.length > 0) return { ok: false, issues };

  const faults: FaultOptions = {
    ...(file.seed !== undefined && { seed: file.seed }),
    ...(file.throttlePercent !== undefined && { throttle: { percent: file.throttlePercent } }),
    ...(file.failLaunch && { failLaunch: { times: file.failLaunch } }),
    ...(file.dropEventsPercent !== undefined && { dropEvents: { percent: file.dropEventsPercent } }),
    ...(file.delayEventsSeconds !== undefined && { delayEvents: { seconds: file.delayEventsSeconds } }),
    ...(file.stall && {
      stallReplication: { sourceServerIds: file.stall.servers, afterSeconds: file.stall.after ?? 0 },
    }),
  };
  return {
    ok: true,
    file,
    faults,
    ...(file.drift && { drift: file.drift }),
    ...(fleet && { fleet: withReplication(fleet, file) }),
  };
}

/** Reads a faults file (JSON, or YAML) and applies it to the fleet; an unreadable file is an issue too. */
export async function loadFaultsFile(path: string, fleet: Fleet | undefined): Promise<FaultsFileResult> {
  const document = await loadDocumentFile(path);
  return document.ok ? applyFaultsData(document.data, fleet) : document;
}

function unknownServers(file: FaultsFile, fleet: Fleet | undefined): PlanIssue[] {
  const known = new Set(fleet?.sourceServers.map((server) => server.sourceServerID));
  const named: [PropertyKey[], string][] = [
    ...Object.keys(file.replication ?? {}).map((id): [PropertyKey[], string] => [["replication", id], id]),
    ...Object.keys(file.failLaunch ?? {}).map((id): [PropertyKey[], string] => [["failLaunch", id], id]),
    ...(file.stall?.servers ?? []).map((id, index): [PropertyKey[], string] => [
      ["stall", "servers", index],
      id,
    ]),
    ...(file.drift?.moveTemplateDefault ?? []).map((id, index): [PropertyKey[], string] => [
      ["drift", "moveTemplateDefault", index],
      id,
    ]),
  ];
  const fix = fleet
    ? `use the sourceServerID of one of the fleet's ${fleet.sourceServers.length} source servers`
    : "start the runtime with a fleet that has it";
  return named
    .filter(([, id]) => !known.has(id))
    .map(([path, id]) => ({
      path: formatDocumentPath(path),
      message: `source server ${JSON.stringify(id)} is not in the fleet`,
      fix,
    }));
}

/** Drift can delete only what the fleet has. */
function unknownResources(file: FaultsFile, fleet: Fleet | undefined): PlanIssue[] {
  const drift = file.drift;
  if (!drift) return [];
  const lists: [keyof NonNullable<FaultsFile["drift"]>, string, keyof Fleet, readonly string[]][] = [
    ["deleteSubnets", "subnet", "subnets", fleet?.subnets.map((subnet) => subnet.subnetId) ?? []],
    ["deleteSecurityGroups", "security group", "securityGroupIds", fleet?.securityGroupIds ?? []],
    ["deleteInstanceProfiles", "instance profile", "instanceProfiles", fleet?.instanceProfiles ?? []],
  ];
  return lists.flatMap(([key, kind, fleetField, known]) =>
    ((drift[key] ?? []) as string[]).flatMap((id, index) =>
      known.includes(id)
        ? []
        : [
            {
              path: formatDocumentPath(["drift", key, index]),
              message: `${kind} ${JSON.stringify(id)} is not in the fleet`,
              fix:
                known.length > 0
                  ? `use one of the fleet's ${fleetField}: ${known.join(", ")}`
                  : `add it to the fleet's ${fleetField} first`,
            },
          ],
    ),
  );
}

function withReplication(fleet: Fleet, file: FaultsFile): Fleet {
  const replication = file.replication ?? {};
  return {
    ...fleet,
    sourceServers: fleet.sourceServers.map((server) => {
      const change = replication[server.sourceServerID];
      if (!change) return server;
      return {
        ...server,
        dataReplicationInfo: {
          ...server.dataReplicationInfo,
          dataReplicationState: change.state,
          ...(change.lag !== undefined && { lagDuration: isoDuration(change.lag) }),
        },
      };
    }),
  };
}
