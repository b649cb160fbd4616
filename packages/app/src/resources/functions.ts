import type { DrillCleanupFunctionArns } from "../../../../workflows/drill-cleanup-workflow";
import type { RecoveryFunctionArns } from "../../../../workflows/recovery-workflow";

/** One Lambda function of the app: its handler module under functions/ and its sizing. */
export interface FunctionSpec {
  /** Suffix of the physical function name. */
  name: string;
  /** Module path from the repository root; the module exports `handler`. */
  module: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The recovery workflow step this function implements, if any. */
  step?: keyof RecoveryFunctionArns;
  /** The drill cleanup workflow step this function implements, if any. */
  cleanupStep?: keyof DrillCleanupFunctionArns;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: "start-recovery", module: "functions/start-recovery.ts", timeoutSeconds: 30, memoryMb: 512 },
  { name: "prepare", module: "functions/prepare.ts", timeoutSeconds: 300, memoryMb: 1024, step: "prepare" },
  {
    name: "apply-launch-settings",
    module: "functions/apply-launch-settings.ts",
    timeoutSeconds: 900,
    memoryMb: 1024,
    step: "applyLaunchSettings",
  },
  {
    name: "launch-batches",
    module: "functions/launch-batches.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
    step: "launchBatches",
  },
  {
    name: "await-launch-results",
    module: "functions/await-launch-results.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
    step: "awaitLaunchResults",
  },
  {
    name: "reconcile-launches",
    module: "functions/reconcile-launches.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
    step: "reconcileLaunches",
  },
  {
    name: "record-launch-result",
    module: "functions/record-launch-result.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    name: "check-health",
    module: "functions/check-health.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
    step: "checkHealth",
  },
  {
    name: "apply-failure-policy",
    module: "functions/apply-failure-policy.ts",
    timeoutSeconds: 120,
    memoryMb: 512,
    step: "applyFailurePolicy",
  },
  {
    name: "finalize",
    module: "functions/finalize.ts",
    timeoutSeconds: 300,
    memoryMb: 1024,
    step: "finalize",
  },
  {
    name: "await-approval",
    module: "functions/await-approval.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
    step: "awaitApproval",
  },
  {
    name: "expire-approval",
    module: "functions/expire-approval.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
    step: "expireApproval",
  },
  { name: "decide-approval", module: "functions/decide-approval.ts", timeoutSeconds: 30, memoryMb: 256 },
  {
    name: "on-recovery-requested",
    module: "functions/on-recovery-requested.ts",
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: "on-alarm-state-change",
    module: "functions/on-alarm-state-change.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
  },
  {
    name: "start-drill-cleanup",
    module: "functions/start-drill-cleanup.ts",
    timeoutSeconds: 30,
    memoryMb: 256,
  },
  {
    name: "close-ended-execution",
    module: "functions/close-ended-execution.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
  },
  {
    name: "hold-drill-cleanup",
    module: "functions/hold-drill-cleanup.ts",
    timeoutSeconds: 30,
    memoryMb: 256,
    cleanupStep: "holdDrillCleanup",
  },
  {
    name: "terminate-drill-instances",
    module: "functions/terminate-drill-instances.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
    cleanupStep: "terminateDrillInstances",
  },
  {
    name: "await-drill-termination",
    module: "functions/await-drill-termination.ts",
    timeoutSeconds: 300,
    memoryMb: 512,
    cleanupStep: "awaitDrillTermination",
  },
  {
    name: "revert-launch-settings",
    module: "functions/revert-launch-settings.ts",
    timeoutSeconds: 900,
    memoryMb: 1024,
    cleanupStep: "revertLaunchSettings",
  },
  {
    name: "complete-drill-cleanup",
    module: "functions/complete-drill-cleanup.ts",
    timeoutSeconds: 60,
    memoryMb: 256,
    cleanupStep: "completeDrillCleanup",
  },
  {
    name: "run-hooks",
    module: "functions/run-hooks.ts",
    timeoutSeconds: 900,
    memoryMb: 512,
    step: "runHooks",
  },
  // Evaluates every stored plan on the plan health schedule; a run must end well before the next.
  {
    name: "evaluate-plans",
    module: "functions/evaluate-plans.ts",
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  // The MCP server over HTTP; behind API Gateway, whose integrations time out after 30 s.
  { name: "mcp", module: "functions/mcp.ts", timeoutSeconds: 29, memoryMb: 1024 },
];
