import type { FailurePolicy } from "../plan/plan-schema";
import type { ServerRecordStatus } from "../report/report-records";

export type FailureAction = "CONTINUE" | "RETRY" | "ABORT";

/** A server of the wave as the failure policy sees it. */
export interface PolicyServer {
  sourceServerId: string;
  groupId: string;
  critical: boolean;
  status: ServerRecordStatus;
  failureReason?: string;
}

export interface FailurePolicyInput {
  wave: number;
  /** The wave's relaunch round: 0 for the first launch, n after n retries. */
  attempt: number;
  servers: readonly PolicyServer[];
  policy: Pick<FailurePolicy, "retries" | "maxFailedPercent">;
  /**
   * An operator resumed the execution accepting this wave's failed servers (`--skip-failed`):
   * they stay failed, nothing is relaunched and the wave continues.
   */
  acceptFailed?: boolean;
}

export interface FailureDecision {
  action: FailureAction;
  /** A sentence for people, with the figures that led to the action. */
  reason: string;
  /** The wave's failed servers in input order: the ones a RETRY relaunches. */
  failedServerIds: string[];
}

/** A server counts as failed when its launch failed or its instance never passed its status checks. */
export function isFailedServer(status: ServerRecordStatus): boolean {
  return status === "FAILED" || status === "UNHEALTHY";
}

/** Servers named in a reason; the rest are counted, so the reason stays short for any wave size. */
const NAMED_SERVERS = 5;
const REASON_DETAIL_CHARS = 160;

/** Recorded reasons already name what failed ("launch failed: …", "status checks not passed within 15m"). */
function describeFailure(server: PolicyServer): string {
  const text = server.failureReason ?? (server.status === "FAILED" ? "launch failed" : "unhealthy");
  return text.length > REASON_DETAIL_CHARS ? `${text.slice(0, REASON_DETAIL_CHARS - 1)}…` : text;
}

function listFailures(failed: readonly PolicyServer[]): string {
  const named = failed.slice(0, NAMED_SERVERS).map((s) => `${s.sourceServerId} (${describeFailure(s)})`);
  const rest = failed.length - named.length;
  return rest > 0 ? `${named.join(", ")} and ${rest} more` : named.join(", ");
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 1000) / 10}%`;
}

/**
 * What to do after a wave's launches and status checks: continue when a resume accepted the
 * wave's failed servers; else relaunch the failed servers while the wave has retries left; then
 * abort when a critical group lost a server or more of the wave failed than `maxFailedPercent`
 * allows (exactly that share is still allowed); else continue, with the failed servers left
 * failed in the report.
 */
export function decideFailurePolicy(input: FailurePolicyInput): FailureDecision {
  const { wave, attempt, servers, policy } = input;
  const failed = servers.filter((server) => isFailedServer(server.status));
  const failedServerIds = failed.map((server) => server.sourceServerId);
  const total = servers.length;
  if (failed.length === 0) {
    return {
      action: "CONTINUE",
      reason: `wave ${wave}: all ${plural(total, "server")} recovered`,
      failedServerIds,
    };
  }
  const ofWave = `${failed.length} of ${plural(total, "server")} of wave ${wave} failed`;
  if (input.acceptFailed) {
    return {
      action: "CONTINUE",
      reason: `${ofWave}: ${listFailures(failed)}; the resume accepted them as failed (skip failed), so they stay failed in the report`,
      failedServerIds,
    };
  }

  const retriesLeft = policy.retries - attempt;
  if (retriesLeft > 0) {
    return {
      action: "RETRY",
      reason: `${ofWave}: ${listFailures(failed)}; relaunching them (retry ${attempt + 1} of ${policy.retries})`,
      failedServerIds,
    };
  }
  const exhausted = policy.retries > 0 ? ` after ${plural(policy.retries, "retry", "retries")}` : "";

  const criticalGroups = new Map<string, { size: number; failed: PolicyServer[] }>();
  for (const server of servers) {
    if (!server.critical) continue;
    const group = criticalGroups.get(server.groupId) ?? { size: 0, failed: [] };
    group.size++;
    if (isFailedServer(server.status)) group.failed.push(server);
    criticalGroups.set(server.groupId, group);
  }
  const lostGroups = [...criticalGroups].filter(([, group]) => group.failed.length > 0);
  if (lostGroups.length > 0) {
    const parts = lostGroups.map(
      ([groupId, group]) =>
        `${group.failed.length} of ${plural(group.size, "server")} in critical group ${groupId} failed${exhausted}: ${listFailures(group.failed)}`,
    );
    return { action: "ABORT", reason: parts.join("; "), failedServerIds };
  }

  // Compared in whole numbers so the boundary (exactly maxFailedPercent) never depends on rounding.
  const share = `(${percent(failed.length, total)})`;
  if (failed.length * 100 > policy.maxFailedPercent * total) {
    return {
      action: "ABORT",
      reason: `${ofWave}${exhausted} ${share}, more than the ${policy.maxFailedPercent}% failure.maxFailedPercent allows: ${listFailures(failed)}`,
      failedServerIds,
    };
  }
  return {
    action: "CONTINUE",
    reason: `${ofWave}${exhausted} ${share}, within the ${policy.maxFailedPercent}% failure.maxFailedPercent allows: ${listFailures(failed)}; they stay failed in the report`,
    failedServerIds,
  };
}
