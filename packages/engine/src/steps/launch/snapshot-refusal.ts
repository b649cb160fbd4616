import { awsErrorName } from "./aws-failures";

/** DRS refusals that may be about one server's recoverySnapshotID rather than the whole request. */
const REQUEST_REFUSALS = new Set(["ValidationException", "ResourceNotFoundException"]);

/**
 * The servers whose chosen snapshot a StartRecovery refusal names (in its message, resourceId or
 * fieldList): DRS refuses the whole request for one unusable snapshot (expired, deleted, not the
 * server's), so those servers are taken out and the rest of the batch launches without them.
 */
export function serversRefusedForSnapshot(
  error: unknown,
  launching: readonly { sourceServerId: string; recoverySnapshotId?: string }[],
): string[] {
  const name = awsErrorName(error);
  if (name === undefined || !REQUEST_REFUSALS.has(name)) return [];
  const details = error as Error & { resourceId?: string; fieldList?: unknown };
  const text = [details.message, details.resourceId ?? "", JSON.stringify(details.fieldList ?? [])].join(" ");
  return launching
    .filter((server) => server.recoverySnapshotId !== undefined && text.includes(server.recoverySnapshotId))
    .map((server) => server.sourceServerId);
}
