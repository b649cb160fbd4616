import { awsErrorName } from "./aws-failures";

/** DRS refusals that may be about one server's recoverySnapshotID rather than the whole request. */
const REQUEST_REFUSALS = new Set(["ValidationException", "ResourceNotFoundException"]);
const SOURCE_SERVER_FIELD = /sourceServers\[(\d+)\]/g;

/**
 * The servers whose chosen snapshot a StartRecovery refusal is about: those the refusal's fields
 * name by position (`sourceServers[i]…`), or else those whose snapshot ID its message, resourceId or
 * fieldList mentions. DRS refuses the whole request for one unusable snapshot (expired, deleted,
 * not the server's), so those servers are taken out and the rest of the batch launches without them.
 * `launching` is in the order the servers were sent.
 */
export function serversRefusedForSnapshot(
  error: unknown,
  launching: readonly { sourceServerId: string; recoverySnapshotId?: string }[],
): string[] {
  const name = awsErrorName(error);
  if (name === undefined || !REQUEST_REFUSALS.has(name)) return [];
  const details = error as Error & { resourceId?: string; fieldList?: { name?: string }[] };
  const withSnapshot = (index: number) => launching[index]?.recoverySnapshotId !== undefined;
  const named = (details.fieldList ?? [])
    .flatMap((field) =>
      [...(field.name ?? "").matchAll(SOURCE_SERVER_FIELD)].map((match) => Number(match[1])),
    )
    .filter(withSnapshot);
  if (named.length > 0) return [...new Set(named)].map((index) => launching[index]?.sourceServerId as string);
  const text = [details.message, details.resourceId ?? "", JSON.stringify(details.fieldList ?? [])].join(" ");
  return launching
    .filter((server) => server.recoverySnapshotId !== undefined && text.includes(server.recoverySnapshotId))
    .map((server) => server.sourceServerId);
}
