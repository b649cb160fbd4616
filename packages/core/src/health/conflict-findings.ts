import { liveRecoveryInstances } from "../readiness/live-recovery-instances";
import type { PlanFinding } from "./plan-health";
import type { PlanScope } from "./plan-scope";
import type { RecoveryInstanceFact } from "./recovery-instance-fact";

/**
 * Servers that still run the production recovery instance of an earlier RECOVERY
 * (liveRecoveryInstances, as Prepare's guard reads them): a new RECOVERY is refused over them
 * unless it may replace them, and replacing terminates what the earlier recovery brought back.
 * Drills launch drill instances, which replace none, so this blocks no drill.
 */
export function conflictFindings(
  scope: PlanScope,
  recoveryInstances: readonly RecoveryInstanceFact[] | undefined,
): PlanFinding[] {
  if (!recoveryInstances) return [];
  const groups = new Map(scope.servers.map((scoped) => [scoped.sourceServerId, scoped.groupId]));
  const live = liveRecoveryInstances(recoveryInstances, groups.keys());
  return live.map((instance): PlanFinding => {
    const from =
      instance.executionId === undefined ? "an earlier RECOVERY" : `RECOVERY ${instance.executionId}`;
    const groupId = groups.get(instance.sourceServerId);
    return {
      code: "LIVE_RECOVERY_INSTANCE",
      severity: "WARNING",
      category: "conflict",
      ...(groupId !== undefined && { groupId }),
      sourceServerId: instance.sourceServerId,
      resourceId: instance.recoveryInstanceId,
      message: `${instance.sourceServerId} still runs recovery instance ${instance.recoveryInstanceId} of ${from}${instance.ec2InstanceState ? ` (${instance.ec2InstanceState})` : ""}: a RECOVERY would be refused unless started with replaceExisting, which terminates that instance (drills are not affected)`,
      fix: `if ${instance.recoveryInstanceId} is no longer needed, terminate it (or start the RECOVERY with --replace-existing); if it serves production, fail back before recovering ${instance.sourceServerId} again`,
    };
  });
}
