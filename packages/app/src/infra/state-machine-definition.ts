import {
  type DrillCleanupFunctionArns,
  type DrillCleanupTiming,
  drillCleanupWorkflow,
} from "../../../../workflows/drill-cleanup-workflow";
import {
  type RecoveryFunctionArns,
  type RecoveryWorkflowTiming,
  recoveryWorkflow,
} from "../../../../workflows/recovery-workflow";
import type { FunctionSpec } from "../resources/functions";

/** The recovery workflow's Lambda ARNs: each FunctionSpec with a `step` fills that step. */
export function recoveryFunctionArns(
  specs: readonly FunctionSpec[],
  arnOf: (functionName: string) => string,
): RecoveryFunctionArns {
  const arns: Partial<RecoveryFunctionArns> = {};
  for (const spec of specs) if (spec.step) arns[spec.step] = arnOf(spec.name);
  return arns as RecoveryFunctionArns;
}

/** The drill cleanup workflow's Lambda ARNs: each FunctionSpec with a `cleanupStep` fills that step. */
export function drillCleanupFunctionArns(
  specs: readonly FunctionSpec[],
  arnOf: (functionName: string) => string,
): DrillCleanupFunctionArns {
  const arns: Partial<DrillCleanupFunctionArns> = {};
  for (const spec of specs) if (spec.cleanupStep) arns[spec.cleanupStep] = arnOf(spec.name);
  return arns as DrillCleanupFunctionArns;
}

/** The Lambda functions a definition's Task states call (direct or `lambda:invoke` integrations). */
export function taskFunctionArns(definition: { States: Record<string, unknown> }): (string | undefined)[] {
  return Object.values(definition.States).flatMap((state) => {
    const task = state as { Type?: string; Resource?: string; Parameters?: { FunctionName?: string } };
    if (task.Type !== "Task") return [];
    return [
      task.Resource?.startsWith("arn:aws:states:::lambda:") ? task.Parameters?.FunctionName : task.Resource,
    ];
  });
}

/**
 * The recovery state machine definition (JSONPath ASL) as deployed, with the real function ARNs.
 * @throws Error when a Task state has no function (a workflow step no FunctionSpec implements)
 */
export function recoveryDefinitionJson(arns: RecoveryFunctionArns, timing: RecoveryWorkflowTiming): string {
  return definitionJson(recoveryWorkflow(arns, timing));
}

/**
 * The drill cleanup state machine definition (JSONPath ASL) as deployed, with the real function ARNs.
 * @throws Error when a Task state has no function (a cleanup step no FunctionSpec implements)
 */
export function drillCleanupDefinitionJson(
  arns: DrillCleanupFunctionArns,
  timing?: DrillCleanupTiming,
): string {
  return definitionJson(drillCleanupWorkflow(arns, timing));
}

function definitionJson(definition: { States: Record<string, { Type: string }> }): string {
  const missing = Object.entries(definition.States)
    .filter(([, state]) => state.Type === "Task" && taskFunctionArns({ States: { state } })[0] === undefined)
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`no function for the workflow state(s) ${missing.join(", ")}`);
  return JSON.stringify(definition);
}

/**
 * Standard workflow logging: ERROR level without execution data (inputs and outputs stay out of
 * the logs), to a vended-logs group whose name keeps the log resource policy small.
 */
export function stateMachineLogging(logGroupArn: string) {
  return { level: "ERROR", includeExecutionData: false, logDestination: `${logGroupArn}:*` } as const;
}

export function stateMachineLogGroupName(physicalName: string): string {
  return `/aws/vendedlogs/states/${physicalName}`;
}
