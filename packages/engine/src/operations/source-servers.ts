import { assessReadiness, InvalidInputError, parseDuration } from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { parseRequest } from "../requests/parse-request";
import { describeAllSourceServers } from "../steps/prepare/source-server-selection";

export interface SourceServerView {
  sourceServerId: string;
  hostname?: string;
  tags: Record<string, string>;
  /** DRS dataReplicationState (CONTINUOUS, STALLED, DISCONNECTED, INITIAL_SYNC …). */
  replicationState?: string;
  lagSeconds?: number;
  /** The point in time the replicated data reaches (now minus the lag): what a launch now recovers. */
  replicatedUpTo?: string;
  /** Whether a recovery would launch it now, by the readiness rules Prepare applies. */
  ready: boolean;
  notReadyReason?: string;
}

const sourceServersRequestSchema = z.strictObject({
  rpoSeconds: z
    .number()
    .int({ error: "must be a whole number of seconds" })
    .min(0, { error: "must be 0 or more seconds" })
    .optional(),
  tags: z.record(z.string(), z.string()).optional(),
  sourceServerIds: z
    .array(z.string().min(1, { error: "must not be empty: a source server ID (s-…)" }))
    .optional(),
});
export type SourceServersRequest = z.input<typeof sourceServersRequestSchema>;

/**
 * The DRS source servers (all, or those with every one of `tags`, or those listed) with their
 * replication state and lag, and whether each is ready for recovery under the readiness rules
 * Prepare applies: against `rpoSeconds` when given, otherwise on replication state alone.
 * Sorted by ID. Reads only.
 * @param now the time to measure `replicatedUpTo` from, on the clock DRS runs on
 * @throws InvalidInputError naming each bad option, and each listed ID DRS does not know
 */
export async function describeSourceServersView(
  engine: EngineContext,
  options: SourceServersRequest,
  now: Date,
): Promise<SourceServerView[]> {
  const { rpoSeconds, tags, sourceServerIds } = parseRequest(
    sourceServersRequestSchema,
    "source servers request",
    options,
  );
  const servers = await describeAllSourceServers(engine.aws.drs);
  if (sourceServerIds) {
    const known = new Set(servers.map((server) => server.sourceServerID));
    const unknown = sourceServerIds.flatMap((id, index) =>
      known.has(id)
        ? []
        : [
            {
              path: `sourceServerIds[${index}]`,
              message: `${id} is not a DRS source server in this account and region`,
            },
          ],
    );
    if (unknown.length > 0) throw new InvalidInputError("source servers request", unknown);
  }
  const listed = sourceServerIds && new Set(sourceServerIds);
  return servers
    .filter((server) => !listed || listed.has(server.sourceServerID))
    .filter((server) => Object.entries(tags ?? {}).every(([key, value]) => server.tags[key] === value))
    .map((server): SourceServerView => {
      const readiness = assessReadiness(server, rpoSeconds ?? Number.POSITIVE_INFINITY);
      const info = server.dataReplicationInfo;
      const lagSeconds = info?.lagDuration === undefined ? undefined : parseDuration(info.lagDuration);
      const hostname = server.sourceProperties?.identificationHints?.hostname;
      return {
        sourceServerId: server.sourceServerID,
        ...(hostname !== undefined && { hostname }),
        tags: server.tags,
        ...(info && { replicationState: info.dataReplicationState }),
        ...(lagSeconds !== undefined && {
          lagSeconds,
          replicatedUpTo: new Date(now.getTime() - lagSeconds * 1000).toISOString(),
        }),
        ready: readiness.ready,
        ...(!readiness.ready && { notReadyReason: readiness.reason }),
      };
    })
    .sort((a, b) => a.sourceServerId.localeCompare(b.sourceServerId));
}
