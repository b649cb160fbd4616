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
        statistic: "Sum" | "Maximum" | "Minimum" | "Average";
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

/** The Powertools service every function's metrics carry as their `service` dimension. */
export const METRICS_SERVICE = "drs-orchestrator";
/** The dimensions of the plan health metrics evaluate-plans publishes, one series per plan. */
export const PLAN_HEALTH_METRIC_DIMENSIONS = ["PlanId", "service"] as const;

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

/** Metrics Insights alarms evaluate at most the latest 3 hours of data. */
const METRICS_INSIGHTS_WINDOW_SECONDS = 3 * 3600;

/**
 * A plan whose latest evaluation found a blocker: evaluate-plans publishes PlanReady (0/1) per plan
 * on every run. The plans the stage monitors get an alarm each; every other stored plan is watched
 * by one Metrics Insights alarm grouped by plan, whose contributors are the plans not ready (the
 * plans are applied at run time, unknown at deploy). The period is the evaluation's, so each period
 * holds about one run; a period without one keeps the alarm's state (a run a little early or late
 * must not flap it; evaluate-plans' own alarms watch the function).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 */
export function planReadyAlarmSpecs(monitoredPlanIds: readonly string[], everyMinutes: number): AlarmSpec[] {
  const shared = {
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "ignore",
  } as const;
  const perPlan = [...new Set(monitoredPlanIds)].map(
    (planId): AlarmSpec => ({
      name: `plan-not-ready-${planId}`,
      description: `Plan ${planId}: its latest evaluation found what blocks a drill or a recovery (drs-orchestrator plan check ${planId})`,
      metric: {
        namespace: RECOVERY_METRICS_NAMESPACE,
        metricName: "PlanReady",
        dimensions: { PlanId: planId, service: METRICS_SERVICE },
        statistic: "Minimum",
      },
      periodSeconds: everyMinutes * 60,
      ...shared,
    }),
  );
  // Plan IDs are lowercase letters, digits, - and _: nothing to escape in a string literal.
  const others = [...new Set(monitoredPlanIds)].map((planId) => `PlanId != '${planId}'`);
  const where = others.length > 0 ? ` WHERE ${others.join(" AND ")}` : "";
  return [
    ...perPlan,
    {
      name: "plans-not-ready",
      description: `A stored plan${monitoredPlanIds.length > 0 ? " the stage does not monitor by name" : ""}: its latest evaluation found what blocks a drill or a recovery (each such plan is a contributor)`,
      metric: {
        query: `SELECT MIN(PlanReady) FROM SCHEMA(${RECOVERY_METRICS_NAMESPACE}, ${PLAN_HEALTH_METRIC_DIMENSIONS.join(", ")})${where} GROUP BY PlanId`,
      },
      periodSeconds: Math.min(everyMinutes * 60, METRICS_INSIGHTS_WINDOW_SECONDS),
      ...shared,
    },
  ];
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
