import type { FieldProblem } from "@drs-orchestrator/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * What to do next, for the product's refusals whose own message does not point at a tool. Errors
 * not listed here but named below as product errors already say how to fix them.
 */
const NEXT_STEP: Record<string, string> = {
  PlanNotFoundError:
    "check planId: list_recovery_plans lists the stored plans (a plan is stored with `drs-orchestrator plan apply`)",
  ExecutionNotFoundError: "check executionId: list_recoveries lists the executions and their IDs",
  RecoveryInProgressError:
    "follow it with get_recovery_status, or stop it with cancel_recovery before starting another",
  ApprovalNotFoundError:
    "check wave: get_recovery_status lists the waves waiting for approval under pendingApprovals",
  PlanHealthBlockedError:
    "check_recovery_plan shows the plan's findings as they are now; once fixed, the next scheduled evaluation (or `drs-orchestrator plan check <planId>`) records it and the start goes through",
};

/** The product's own refusals: their messages name the field or the state and how to fix it. */
const PRODUCT_ERRORS = new Set([
  "InvalidInputError",
  "PlanNotFoundError",
  "PlanValidationError",
  "PlanHealthBlockedError",
  "RecoveryNotConfirmedError",
  "RecoveryNotAllowedError",
  "RecoveryInProgressError",
  "ServerConflictError",
  "ServersNotReadyError",
  "LiveRecoveryInstancesError",
  "GroupResolutionError",
  "DependencyCycleError",
  "ExecutionNotFoundError",
  "ExecutionNotResumableError",
  "ApprovalNotFoundError",
  "ApproverNotAllowedError",
  "ApprovalClosedError",
  "DrillCleanupRefusedError",
  "EngineConfigError",
]);

/**
 * A failed tool call as the client sees it: `isError` with text that names the field or state and
 * the fix. Anything else is reported by its name and message only, never with a stack or the SDK's
 * response metadata.
 */
export function toolErrorResult(tool: string, error: unknown): CallToolResult {
  return { isError: true, content: [{ type: "text", text: explainToolError(tool, error) }] };
}

export function explainToolError(tool: string, error: unknown): string {
  if (!(error instanceof Error)) return `${tool} failed: ${String(error)}`;
  if (!PRODUCT_ERRORS.has(error.name)) return `${tool} failed with ${error.name}: ${error.message}`;
  const problems = (error as Error & { problems?: readonly FieldProblem[] }).problems;
  const lines = [`${tool} refused (${error.name}): ${error.message}`];
  if (problems && problems.length > 1) {
    for (const problem of problems) lines.push(`- ${problem.path || "arguments"}: ${problem.message}`);
  }
  const next = NEXT_STEP[error.name];
  if (next) lines.push(`Next: ${next}`);
  return lines.join("\n");
}
