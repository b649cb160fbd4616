import type { StateMachine } from "asl-types";
import { STEP_RETRY } from "./step-retry";

/** The Lambda functions the drill cleanup workflow calls, by ARN (filled in by the stacks or the local runtime). */
export interface DrillCleanupFunctionArns {
  holdDrillCleanup: string;
  terminateDrillInstances: string;
  awaitDrillTermination: string;
  revertLaunchSettings: string;
  completeDrillCleanup: string;
}

export interface DrillCleanupTiming {
  /** Pause between DescribeJobs polls while DRS terminates the drill's instances. */
  terminatePollSeconds: number;
  /**
   * How long the cleanup waits, from its start, for the TERMINATE jobs (and any launch of the
   * drill still in flight) before it gives up and ends FAILED. DRS terminates in minutes.
   */
  terminateTimeoutSeconds: number;
}

export const DEFAULT_DRILL_CLEANUP_TIMING: DrillCleanupTiming = {
  terminatePollSeconds: 30,
  terminateTimeoutSeconds: 3600,
};

/** A refused cleanup (a real recovery, a drill still running) did nothing, so there is nothing to record. */
const onError = [
  { ErrorEquals: ["DrillCleanupRefusedError"], ResultPath: "$.error", Next: "CleanupRefused" },
  { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "CompleteAfterError" },
];

/** A cleanup step: the execution ID and the state's entered time, the clock of every record it writes. */
function cleanupStep(resource: string, next: string, resultPath: string | null, extra: object = {}) {
  return {
    Type: "Task",
    Resource: resource,
    Parameters: { "executionId.$": "$.executionId", "now.$": "$$.State.EnteredTime", ...extra },
    ResultPath: resultPath,
    Retry: STEP_RETRY,
    Catch: onError,
    Next: next,
  };
}

/**
 * The drill cleanup state machine (Standard, JSONPath), input `{ executionId, delaySeconds? }`:
 * an optional hold of `delaySeconds` (ended early by a request to clean up now), then terminate the drill's recovery instances (only drill instances launched
 * by this execution's DRS jobs) and poll until DRS has terminated them, then put back the launch
 * template default versions and DRS launch configurations the drill changed, then record the
 * outcome and publish `Drill Cleanup Completed`. Every step is idempotent, so a second run finds
 * nothing left to do and succeeds.
 */
export function drillCleanupWorkflow(
  fn: DrillCleanupFunctionArns,
  timing: DrillCleanupTiming = DEFAULT_DRILL_CLEANUP_TIMING,
): StateMachine {
  return {
    Comment: "DRS Orchestrator drill cleanup: terminate the drill's instances, restore launch settings",
    StartAt: "Delay?",
    States: {
      "Delay?": {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: "$.delaySeconds", IsPresent: true },
              { Variable: "$.delaySeconds", NumericGreaterThan: 0 },
            ],
            Next: "HoldBeforeCleanup",
          },
        ],
        Default: "TerminateDrillInstances",
      },
      // A callback wait rather than a Wait state, so a request to clean up now can end it early.
      HoldBeforeCleanup: {
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
        Parameters: {
          FunctionName: fn.holdDrillCleanup,
          Payload: {
            "executionId.$": "$.executionId",
            "now.$": "$$.State.EnteredTime",
            "delaySeconds.$": "$.delaySeconds",
            "taskToken.$": "$$.Task.Token",
          },
        },
        TimeoutSecondsPath: "$.delaySeconds",
        ResultPath: null,
        Retry: STEP_RETRY,
        Catch: [
          { ErrorEquals: ["States.Timeout"], ResultPath: null, Next: "TerminateDrillInstances" },
          ...onError,
        ],
        Next: "TerminateDrillInstances",
      },
      TerminateDrillInstances: cleanupStep(fn.terminateDrillInstances, "Terminated?", "$.termination"),
      "Terminated?": {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: "$.termination.pendingJobs", NumericEquals: 0 },
              { Variable: "$.termination.waitingInstances", NumericEquals: 0 },
            ],
            Next: "RevertLaunchSettings",
          },
        ],
        Default: "WaitForTermination",
      },
      WaitForTermination: {
        Type: "Wait",
        Seconds: timing.terminatePollSeconds,
        Next: "AwaitDrillTermination",
      },
      AwaitDrillTermination: cleanupStep(fn.awaitDrillTermination, "Terminated?", "$.termination", {
        timeoutSeconds: timing.terminateTimeoutSeconds,
      }),
      RevertLaunchSettings: cleanupStep(fn.revertLaunchSettings, "CompleteCleanup", "$.revert"),
      CompleteCleanup: {
        Type: "Task",
        Resource: fn.completeDrillCleanup,
        Parameters: {
          "executionId.$": "$.executionId",
          "now.$": "$$.State.EnteredTime",
          outcome: "SUCCEEDED",
        },
        ResultPath: "$.cleanup",
        Retry: STEP_RETRY,
        Next: "Cleaned?",
      },
      "Cleaned?": {
        Type: "Choice",
        Choices: [{ Variable: "$.cleanup.status", StringEquals: "SUCCEEDED", Next: "CleanupSucceeded" }],
        Default: "CleanupIncomplete",
      },
      CompleteAfterError: {
        Type: "Task",
        Resource: fn.completeDrillCleanup,
        Parameters: {
          "executionId.$": "$.executionId",
          "now.$": "$$.State.EnteredTime",
          outcome: "FAILED",
          "error.$": "$.error.Error",
          "cause.$": "$.error.Cause",
        },
        ResultPath: "$.cleanup",
        Retry: STEP_RETRY,
        Next: "CleanupFailed",
      },
      CleanupSucceeded: { Type: "Succeed" },
      CleanupIncomplete: {
        Type: "Fail",
        Error: "DrillCleanupIncomplete",
        Cause: "DRS did not terminate every drill instance; see the cleanup report",
      },
      CleanupFailed: {
        Type: "Fail",
        Error: "DrillCleanupFailed",
        Cause: "A cleanup step failed; see the cleanup report",
      },
      CleanupRefused: {
        Type: "Fail",
        Error: "DrillCleanupRefused",
        Cause: "Only a drill that has ended can be cleaned up; nothing was changed",
      },
    },
  } as StateMachine;
}
