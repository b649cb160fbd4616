import {
  ALARM_STATE_CHANGE_DETAIL_TYPE,
  ALARM_STATE_CHANGE_SOURCE,
  RECOVERY_REQUESTED_DETAIL_TYPE,
  RECOVERY_REQUESTED_SOURCE,
} from "@drs-orchestrator/core";

/** EventBridge rules of the app and the function each one invokes with the whole event. */
export interface RuleSpec {
  /** Suffix of the physical rule name. */
  name: string;
  description: string;
  /** `default` for AWS service events (DRS and CloudWatch publish there); `app` for the app's own bus. */
  bus: "default" | "app";
  eventPattern: Record<string, unknown>;
  /** FunctionSpec name of the target. */
  targetFunction: string;
}

/** Every execution of a stage's recovery state machine; the functions check it is their own stage's. */
const RECOVERY_STATE_MACHINES = [{ wildcard: "arn:aws:states:*:*:stateMachine:drs-orchestrator-*-recovery" }];

export const RULES: readonly RuleSpec[] = [
  {
    name: "drs-launch-result",
    description: "DRS launch results carried back into running recoveries",
    bus: "default",
    eventPattern: { source: ["aws.drs"], "detail-type": ["DRS Source Server Launch Result"] },
    targetFunction: "record-launch-result",
  },
  {
    name: "recovery-requested",
    description: "Recovery Requested events start a recovery through the one start path",
    bus: "app",
    eventPattern: { source: [RECOVERY_REQUESTED_SOURCE], "detail-type": [RECOVERY_REQUESTED_DETAIL_TYPE] },
    targetFunction: "on-recovery-requested",
  },
  {
    name: "alarm-state-change",
    description: "Alarms a plan names start its drill when they go into ALARM",
    bus: "default",
    eventPattern: {
      source: [ALARM_STATE_CHANGE_SOURCE],
      "detail-type": [ALARM_STATE_CHANGE_DETAIL_TYPE],
      // Every alarm, not only those plans name today: an unmapped one is recorded as ignored.
      detail: { state: { value: ["ALARM"] } },
    },
    targetFunction: "on-alarm-state-change",
  },
  {
    name: "drill-ended",
    description:
      "Drills that end FAILED, ABORTED or TIMED_OUT are cleaned up; SUCCEEDED ones after drill.cleanupAfter",
    bus: "default",
    eventPattern: {
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"],
        stateMachineArn: RECOVERY_STATE_MACHINES,
      },
    },
    targetFunction: "start-drill-cleanup",
  },
  {
    name: "execution-ended",
    description:
      "Executions whose workflow ended without finalizing (stopped, timed out) are closed with its status, freeing their servers and plan",
    bus: "default",
    eventPattern: {
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: {
        status: ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"],
        stateMachineArn: RECOVERY_STATE_MACHINES,
      },
    },
    targetFunction: "close-ended-execution",
  },
];

/**
 * The rule that evaluates every stored plan (the evaluate-plans function) on the stage's plan
 * health schedule, `rate(<planHealthMinutes> minutes)`: a schedule rule, so on the default bus.
 */
export const PLAN_HEALTH_RULE = {
  name: "evaluate-plans",
  description: "Every stored plan evaluated against the account: results recorded, changes announced",
  targetFunction: "evaluate-plans",
} as const;
