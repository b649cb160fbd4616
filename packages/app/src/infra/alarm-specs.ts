import type { FunctionSpec } from "../resources/functions";

export type ComparisonOperator =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/**
 * One CloudWatch alarm: either on one metric, or on a Metrics Insights query. `D` is the type of
 * the dimension values: strings here and in tests, deploy-time outputs in the stacks.
 */
export interface AlarmSpec<D = string> {
  /** Suffix of the alarm name (unique within the stage). */
  name: string;
  description: string;
  metric:
    | {
        namespace: string;
        metricName: string;
        dimensions: Record<string, D>;
        statistic: "Sum" | "Maximum" | "Average";
      }
    | {
        /** A Metrics Insights query (SELECT … FROM SCHEMA(…)): one alarm across every plan. */
        query: string;
      };
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: ComparisonOperator;
  treatMissingData: "notBreaching" | "breaching" | "missing" | "ignore";
}

/** The engine's EMF namespace and the dimensions every recovery metric carries (see finalize). */
export const RECOVERY_METRICS_NAMESPACE = "DrsOrchestrator";
export const RECOVERY_METRIC_DIMENSIONS = ["Mode", "PlanId", "service"] as const;

/** Duration alarms fire at this share of the function's timeout. */
export const DURATION_ALARM_SHARE = 0.8;

/**
 * Errors (> 5 in each of 3 one-minute periods), Throttles (≥ 1 in a minute) and Duration (max over
 * a minute > 80 % of the timeout) for one deployed function.
 */
export function functionAlarmSpecs<D = string>(spec: FunctionSpec, functionName: D): AlarmSpec<D>[] {
  const metric = (metricName: string, statistic: "Sum" | "Maximum") => ({
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: functionName },
    statistic,
  });
  return [
    {
      name: `${spec.name}-errors`,
      description: `${spec.name}: more than 5 errors a minute for 3 minutes`,
      metric: metric("Errors", "Sum"),
      periodSeconds: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      threshold: 5,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
    {
      name: `${spec.name}-throttles`,
      description: `${spec.name}: invocations throttled`,
      metric: metric("Throttles", "Sum"),
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    },
    {
      name: `${spec.name}-duration`,
      description: `${spec.name}: an invocation ran longer than 80% of its ${spec.timeoutSeconds}s timeout`,
      metric: metric("Duration", "Maximum"),
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: spec.timeoutSeconds * 1000 * DURATION_ALARM_SHARE,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
  ];
}

/** Any execution of the state machine that failed, timed out or was aborted. */
export function stateMachineAlarmSpecs<D = string>(machine: string, stateMachineArn: D): AlarmSpec<D>[] {
  const outcomes = [
    ["ExecutionsFailed", "failed"],
    ["ExecutionsTimedOut", "timed-out"],
    ["ExecutionsAborted", "aborted"],
  ] as const;
  return outcomes.map(([metricName, outcome]) => ({
    name: `${machine}-executions-${outcome}`,
    description: `A ${machine} execution ${outcome.replace("-", " ")}`,
    metric: {
      namespace: "AWS/States",
      metricName,
      dimensions: { StateMachineArn: stateMachineArn },
      statistic: "Sum",
    },
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  }));
}

/**
 * A recovery of any plan ended past its RTO: finalize publishes RtoBreached (0/1) per plan and
 * mode, so one Metrics Insights query watches every plan without knowing them at deploy time.
 */
export function rtoBreachedAlarmSpec(): AlarmSpec {
  return {
    name: "rto-breached",
    description: "A recovery ended past its plan's RTO",
    metric: {
      query: `SELECT MAX(RtoBreached) FROM SCHEMA(${RECOVERY_METRICS_NAMESPACE}, ${RECOVERY_METRIC_DIMENSIONS.join(", ")})`,
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  };
}

/** A plan's servers, resolved at deploy time, with the replication lag it tolerates. */
export interface ReplicationTarget {
  planId: string;
  rpoSeconds: number;
  sourceServerIds: string[];
}

/**
 * DRS LagDuration (seconds, per source server) above the plan's RPO for 2 of 3 five-minute
 * periods: the plan could not recover within its RPO. A server in two plans gets the stricter RPO.
 */
export function replicationLagAlarmSpecs(targets: readonly ReplicationTarget[]): AlarmSpec[] {
  const strictest = new Map<string, ReplicationTarget>();
  for (const target of targets) {
    for (const id of target.sourceServerIds) {
      const known = strictest.get(id);
      if (!known || target.rpoSeconds < known.rpoSeconds) strictest.set(id, target);
    }
  }
  return [...strictest.entries()].map(([sourceServerId, target]) => ({
    name: `replication-lag-${sourceServerId}`,
    description: `${sourceServerId} (plan ${target.planId}): replication lag above the plan's RPO of ${target.rpoSeconds}s`,
    metric: {
      namespace: "AWS/DRS",
      metricName: "LagDuration",
      dimensions: { SourceServerID: sourceServerId },
      statistic: "Maximum",
    },
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: target.rpoSeconds,
    comparisonOperator: "GreaterThanThreshold",
    // A server that stops reporting lag has stopped replicating: that is the alarm's case too.
    treatMissingData: "breaching",
  }));
}

/** Undeliverable trigger events waiting in the dead-letter queue. */
export function deadLetterAlarmSpec<D = string>(queueName: D): AlarmSpec<D> {
  return {
    name: "trigger-dead-letters",
    description: "EventBridge could not deliver an event to its target; it waits in the dead-letter queue",
    metric: {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queueName },
      statistic: "Maximum",
    },
    periodSeconds: 300,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  };
}
