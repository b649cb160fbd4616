import type { PlanFinding, PlanHealth, PlanHealthChange } from "../health/plan-health";
import { OUTBOUND_ID_LIST_CAP, type OutboundDetail } from "./outbound-events";

type EventFinding = OutboundDetail<"Plan Health Changed">["added"][number];

/** The finding with exactly the fields the event schema knows, so a field added later never breaks the event. */
function eventFinding(finding: PlanFinding): EventFinding {
  const { code, severity, category, message, fix } = finding;
  return {
    code,
    severity,
    category,
    message,
    fix,
    ...(finding.groupId !== undefined && { groupId: finding.groupId }),
    ...(finding.sourceServerId !== undefined && { sourceServerId: finding.sourceServerId }),
    ...(finding.path !== undefined && { path: finding.path }),
    ...(finding.resourceId !== undefined && { resourceId: finding.resourceId }),
    ...(finding.wave !== undefined && { wave: finding.wave }),
    ...(finding.otherPlans !== undefined && { otherPlans: [...finding.otherPlans] }),
  };
}

/**
 * The `Plan Health Changed` detail for an evaluation and what changed since the one before: the
 * added and removed findings in their sorted order (most severe first), the first
 * OUTBOUND_ID_LIST_CAP of each, with the full counts beside them.
 */
export function planHealthChangedDetail(
  health: PlanHealth,
  change: PlanHealthChange,
): OutboundDetail<"Plan Health Changed"> {
  return {
    planId: health.planId,
    ...(health.planVersion !== undefined && { planVersion: health.planVersion }),
    evaluatedAt: health.evaluatedAt,
    verdict: change.verdict,
    ...(change.previousVerdict !== undefined && { previousVerdict: change.previousVerdict }),
    counts: { ...health.counts },
    added: change.added.slice(0, OUTBOUND_ID_LIST_CAP).map(eventFinding),
    addedCount: change.added.length,
    removed: change.removed.slice(0, OUTBOUND_ID_LIST_CAP).map(eventFinding),
    removedCount: change.removed.length,
  };
}
