import type { EngineContext } from "../lambda/engine-context";
import { type DecideApprovalResult, decideApproval } from "./decide-approval";

/**
 * Approves, as `by`, every gate of an execution that waits for a decision, for a run that has its
 * own unattended actor (the demo). Not a setting of the product: the workflow still stops at each
 * gate, announces it, and the decision is an ordinary one through decideApproval, recorded with
 * who made it.
 */
export async function approvePendingGates(
  engine: EngineContext,
  executionId: string,
  decider: { by: string; comment?: string; now?: Date },
): Promise<DecideApprovalResult[]> {
  const pending = (await engine.executions.approvals(executionId)).filter(
    (item) => item.status === "PENDING",
  );
  const results: DecideApprovalResult[] = [];
  for (const item of pending) {
    results.push(
      await decideApproval(
        engine,
        {
          executionId,
          wave: item.wave,
          decision: "APPROVE",
          by: decider.by,
          ...(decider.comment !== undefined && { comment: decider.comment }),
        },
        decider.now,
      ),
    );
  }
  return results;
}
