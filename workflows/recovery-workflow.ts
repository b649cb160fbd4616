import type { StateMachine } from "asl-types";
import { STEP_RETRY } from "./step-retry";

/** The Lambda functions the recovery workflow calls, by ARN (filled in by the stacks or the local runtime). */
export interface RecoveryFunctionArns {
  prepare: string;
  awaitApproval: string;
  expireApproval: string;
  applyLaunchSettings: string;
  launchBatches: string;
  awaitLaunchResults: string;
  reconcileLaunches: string;
  checkHealth: string;
  applyFailurePolicy: string;
  finalize: string;
  runHooks: string;
}

export interface RecoveryWorkflowTiming {
  /**
   * How long a wave waits for DRS launch-result events before it polls DescribeJobs. Events are
   * best effort, so this bounds how late a dropped event can be noticed.
   */
  launchWaitTimeoutSeconds: number;
  /** Longest pause between EC2 status-check polls while a wave's instances boot (see nextHealthCheckSeconds). */
  healthPollSeconds: number;
}

export const DEFAULT_RECOVERY_TIMING: RecoveryWorkflowTiming = {
  launchWaitTimeoutSeconds: 120,
  healthPollSeconds: 15,
};

const toFinalizeOnError = [
  { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "FinalizeAfterError" },
];

/**
 * A step of a wave: the Lambda gets only the execution ID and the wave number, never the plan, plus
 * `now`, the time the state was entered: steps take their clock from the workflow so every
 * timestamp of an execution comes from one source.
 */
function waveStep(
  resource: string,
  next: string,
  resultPath: string | null,
  settings: Record<string, number> = {},
) {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      "executionId.$": "$.executionId",
      "wave.$": "$.cursor.wave",
      "now.$": "$$.State.EnteredTime",
      ...settings,
    },
    ResultPath: resultPath,
    Retry: STEP_RETRY,
    Catch: toFinalizeOnError,
    Next: next,
  };
}

/**
 * Prepare: the fresh execution's layout, or a resumed attempt's (the input's `resume`), both by the
 * prepare function, which gets the whole execution input (a fixed set of fields): an optional one
 * (asOf, resume, …) has no path to name when it is absent. The cursor starts at the wave Prepare
 * names: 1, or the first wave a resumed execution did not complete.
 */
function prepareStep(resource: string) {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      "executionId.$": "$.executionId",
      "execution.$": "$",
      "startedAt.$": "$$.Execution.StartTime",
    },
    ResultSelector: {
      "wave.$": "$.firstWave",
      "waveCount.$": "$.waveCount",
      "approvalWaitSeconds.$": "$.approvalWaitSeconds",
    },
    ResultPath: "$.cursor",
    Retry: STEP_RETRY,
    Catch: toFinalizeOnError,
    Next: "BeforeRecoveryHooks",
  };
}

/**
 * A phase's hooks: one run-hooks call with the phase (and, for wave phases, the wave); a phase
 * without hooks returns at once. A failed `abort` hook fails the task with HookFailedError, which
 * the catch-all sends to FinalizeAfterError with the hook named in the cause.
 */
function hooksStep(resource: string, phase: string, next: string) {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: {
      "executionId.$": "$.executionId",
      "planId.$": "$.planId",
      phase,
      ...(phase === "beforeWave" || phase === "afterWave" ? { "wave.$": "$.cursor.wave" } : {}),
      "now.$": "$$.State.EnteredTime",
    },
    ResultPath: null,
    Retry: STEP_RETRY,
    Catch: toFinalizeOnError,
    Next: next,
  };
}

/**
 * The recovery state machine (Standard, JSONPath). Per wave: approval gate (a rejection or an
 * expiry aborts the recovery) → apply launch settings → launch batches
 * within DRS quotas → wait for launch-result events (callback with a timeout, then a DescribeJobs
 * poll as backstop) → EC2 health → failure policy (continue, retry failed servers, abort) → next
 * wave; then finalize. The plan's hooks run before and after the recovery and, after the gate and
 * after a wave the policy lets continue, before and after each wave. A resumed attempt begins at
 * the first wave its execution did not complete. The state payload carries only IDs and counters,
 * so its size does not grow with the plan.
 */
export function recoveryWorkflow(
  fn: RecoveryFunctionArns,
  timing: RecoveryWorkflowTiming = DEFAULT_RECOVERY_TIMING,
): StateMachine {
  return {
    Comment: "DRS Orchestrator recovery: waves of DRS source servers in dependency order",
    StartAt: "Prepare",
    States: {
      Prepare: prepareStep(fn.prepare),
      // Hooks that already ran for the execution (an earlier attempt) are not run again.
      BeforeRecoveryHooks: hooksStep(fn.runHooks, "beforeRecovery", "MoreWaves?"),
      // Entered for every wave: the function lets a wave without a gate through at once. The
      // wait's timeout is the plan's longest gate timeout (the cursor carries no per-wave data);
      // a gate with a shorter one records its own deadline and expires on a decision after it.
      // On timeout, ExpireApproval aborts a gated wave and lets one without a gate go on.
      AwaitApproval: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: fn.awaitApproval,
          Payload: {
            "executionId.$": "$.executionId",
            "wave.$": "$.cursor.wave",
            "now.$": "$$.State.EnteredTime",
            "taskToken.$": "$$.Task.Token",
          },
        },
        TimeoutSecondsPath: "$.cursor.approvalWaitSeconds",
        ResultPath: null,
        Retry: STEP_RETRY,
        Catch: [
          { ErrorEquals: ["ApprovalRejected"], ResultPath: "$.approval", Next: "AbortOnRejection" },
          { ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "ExpireApproval" },
          ...toFinalizeOnError,
        ],
        Next: "BeforeWaveHooks",
      },
      BeforeWaveHooks: hooksStep(fn.runHooks, "beforeWave", "ApplyLaunchSettings"),
      AbortOnRejection: {
        Type: "Pass",
        Parameters: { action: "ABORT", "reason.$": "$.approval.Cause" },
        ResultPath: "$.policy",
        Next: "FinalizeAborted",
      },
      ExpireApproval: waveStep(fn.expireApproval, "GateExpired?", "$.policy"),
      "GateExpired?": {
        Type: "Choice",
        Choices: [{ Variable: "$.policy.action", StringEquals: "ABORT", Next: "FinalizeAborted" }],
        Default: "BeforeWaveHooks",
      },
      ApplyLaunchSettings: waveStep(fn.applyLaunchSettings, "LaunchBatches", null),
      LaunchBatches: waveStep(fn.launchBatches, "WaveLaunched?", "$.launch"),
      "WaveLaunched?": {
        Type: "Choice",
        Choices: [{ Variable: "$.launch.pendingServers", NumericEquals: 0, Next: "CheckHealth" }],
        Default: "AwaitLaunchResults",
      },
      AwaitLaunchResults: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: fn.awaitLaunchResults,
          Payload: {
            "executionId.$": "$.executionId",
            "wave.$": "$.cursor.wave",
            "now.$": "$$.State.EnteredTime",
            "taskToken.$": "$$.Task.Token",
          },
        },
        TimeoutSeconds: timing.launchWaitTimeoutSeconds,
        ResultPath: null,
        Retry: STEP_RETRY,
        Catch: [
          { ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "ReconcileLaunches" },
          ...toFinalizeOnError,
        ],
        Next: "LaunchBatches",
      },
      ReconcileLaunches: waveStep(fn.reconcileLaunches, "LaunchBatches", null),
      CheckHealth: waveStep(fn.checkHealth, "WaveHealthy?", "$.health", {
        maxPollSeconds: timing.healthPollSeconds,
      }),
      "WaveHealthy?": {
        Type: "Choice",
        Choices: [{ Variable: "$.health.pendingChecks", NumericEquals: 0, Next: "ApplyFailurePolicy" }],
        Default: "WaitForHealth",
      },
      // The health step says when to look again: densely around when status checks usually pass.
      WaitForHealth: { Type: "Wait", SecondsPath: "$.health.nextCheckSeconds", Next: "CheckHealth" },
      ApplyFailurePolicy: waveStep(fn.applyFailurePolicy, "PolicyDecision", "$.policy"),
      PolicyDecision: {
        Type: "Choice",
        Choices: [
          { Variable: "$.policy.action", StringEquals: "RETRY", Next: "LaunchBatches" },
          { Variable: "$.policy.action", StringEquals: "ABORT", Next: "FinalizeAborted" },
        ],
        Default: "AfterWaveHooks",
      },
      AfterWaveHooks: hooksStep(fn.runHooks, "afterWave", "NextWave"),
      NextWave: {
        Type: "Pass",
        Parameters: {
          "wave.$": "States.MathAdd($.cursor.wave, 1)",
          "waveCount.$": "$.cursor.waveCount",
          "approvalWaitSeconds.$": "$.cursor.approvalWaitSeconds",
        },
        ResultPath: "$.cursor",
        Next: "MoreWaves?",
      },
      "MoreWaves?": {
        Type: "Choice",
        Choices: [
          {
            Variable: "$.cursor.wave",
            NumericLessThanEqualsPath: "$.cursor.waveCount",
            Next: "AwaitApproval",
          },
        ],
        Default: "AfterRecoveryHooks",
      },
      AfterRecoveryHooks: hooksStep(fn.runHooks, "afterRecovery", "Finalize"),
      Finalize: {
        Type: "Task",
        Resource: fn.finalize,
        Parameters: {
          "executionId.$": "$.executionId",
          "planId.$": "$.planId",
          "now.$": "$$.State.EnteredTime",
          outcome: "COMPLETED",
        },
        ResultPath: "$.summary",
        Retry: STEP_RETRY,
        Next: "RecoverySucceeded",
      },
      FinalizeAborted: {
        Type: "Task",
        Resource: fn.finalize,
        Parameters: {
          "executionId.$": "$.executionId",
          "planId.$": "$.planId",
          "now.$": "$$.State.EnteredTime",
          outcome: "ABORTED",
          "reason.$": "$.policy.reason",
        },
        ResultPath: "$.summary",
        Retry: STEP_RETRY,
        Next: "RecoveryAborted",
      },
      FinalizeAfterError: {
        Type: "Task",
        Resource: fn.finalize,
        Parameters: {
          "executionId.$": "$.executionId",
          "planId.$": "$.planId",
          "now.$": "$$.State.EnteredTime",
          outcome: "FAILED",
          "error.$": "$.error.Error",
          "cause.$": "$.error.Cause",
        },
        ResultPath: "$.summary",
        Retry: STEP_RETRY,
        Next: "RecoveryFailed",
      },
      RecoverySucceeded: { Type: "Succeed" },
      RecoveryAborted: {
        Type: "Fail",
        Error: "RecoveryAborted",
        Cause: "The failure policy or an approval gate aborted the recovery; see the execution report",
      },
      RecoveryFailed: {
        Type: "Fail",
        Error: "RecoveryFailed",
        Cause: "A step failed; see the execution report",
      },
    },
  } as StateMachine;
}
