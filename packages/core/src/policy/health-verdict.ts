import { formatDuration } from "../common/duration";
import type { LaunchSettings } from "../plan/plan-schema";

/** What EC2 DescribeInstanceStatus reports for a recovery instance; absent when EC2 does not list it (yet). */
export interface InstanceObservation {
  instanceId: string;
  /** EC2 instance state name: pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  /** ok, impaired, initializing, insufficient-data or not-applicable. */
  systemStatus?: string;
  instanceStatus?: string;
  /** Failed status-check details, e.g. "system reachability failed". */
  impairments?: string[];
  /** When EC2 says the earliest failed check began failing. */
  impairedSince?: string;
}

export interface HealthInput {
  /** Undefined while the server has no EC2 instance EC2 knows about. */
  observation?: InstanceObservation;
  /** When DRS reported the server launched: the status-check timeout runs from here. */
  launchedAt: string;
  now: string;
  timeoutSeconds: number;
  /** The disposition the plan launches the server with; undefined when the plan leaves DRS's own setting. */
  launchDisposition?: LaunchSettings["launchDisposition"];
}

export type HealthVerdict =
  | { verdict: "HEALTHY"; checked: boolean }
  | { verdict: "UNHEALTHY"; reason: string; since?: string }
  | { verdict: "PENDING"; waitingFor: string };

/**
 * Judges a launched server by its EC2 status checks: both system and instance status `ok` →
 * healthy; either `impaired` → unhealthy; anything else is still pending until `timeoutSeconds`
 * after launch, then unhealthy. A decisive observation wins over the timeout.
 *
 * A `stopped` instance counts as launched and healthy without status checks (EC2 runs none on a
 * stopped instance): DRS leaves an instance launched with launchDisposition STOPPED stopped.
 * Only when the plan launches the server STARTED is a stopped (or stopping) instance unhealthy.
 */
export function judgeInstanceHealth(input: HealthInput): HealthVerdict {
  const decided = decide(input);
  if (decided.verdict !== "PENDING") return decided;
  const elapsedMs = Date.parse(input.now) - Date.parse(input.launchedAt);
  if (elapsedMs >= input.timeoutSeconds * 1000) {
    return {
      verdict: "UNHEALTHY",
      reason: `status checks not passed within ${formatDuration(input.timeoutSeconds)} (${decided.waitingFor})`,
    };
  }
  return decided;
}

function decide({ observation, launchDisposition }: HealthInput): HealthVerdict {
  if (!observation) return { verdict: "PENDING", waitingFor: "no EC2 instance reported yet" };
  const { instanceId, state } = observation;
  switch (state) {
    case "terminated":
    case "shutting-down":
      return { verdict: "UNHEALTHY", reason: `instance ${instanceId} is ${state}` };
    case "stopped":
      return launchDisposition === "STARTED"
        ? {
            verdict: "UNHEALTHY",
            reason: `instance ${instanceId} is stopped but the plan launches it STARTED`,
          }
        : { verdict: "HEALTHY", checked: false };
    case "stopping":
      return launchDisposition === "STARTED"
        ? {
            verdict: "UNHEALTHY",
            reason: `instance ${instanceId} is stopping but the plan launches it STARTED`,
          }
        : { verdict: "PENDING", waitingFor: `instance ${instanceId} stopping` };
    case "running":
      break;
    default:
      return { verdict: "PENDING", waitingFor: `instance ${instanceId} ${state}` };
  }
  const { systemStatus = "insufficient-data", instanceStatus = "insufficient-data" } = observation;
  if (systemStatus === "impaired" || instanceStatus === "impaired") {
    const failed = [
      systemStatus === "impaired" ? "system" : undefined,
      instanceStatus === "impaired" ? "instance" : undefined,
    ].filter(Boolean);
    const details = observation.impairments?.length ? `: ${observation.impairments.join(", ")}` : "";
    return {
      verdict: "UNHEALTHY",
      reason: `instance ${instanceId} ${failed.join(" and ")} status check impaired${details}`,
      ...(observation.impairedSince !== undefined && { since: observation.impairedSince }),
    };
  }
  if (systemStatus === "ok" && instanceStatus === "ok") return { verdict: "HEALTHY", checked: true };
  return {
    verdict: "PENDING",
    waitingFor: `instance ${instanceId} running, system status ${systemStatus}, instance status ${instanceStatus}`,
  };
}
