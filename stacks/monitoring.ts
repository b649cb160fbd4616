import type { Plan } from "@drs-orchestrator/core";
import {
  type AlarmSpec,
  dashboardBody,
  deadLetterAlarmSpec,
  functionAlarmSpecs,
  type InfraConfig,
  planReadyAlarmSpecs,
  type ReplicationTarget,
  replicationLagAlarmSpecs,
  rtoBreachedAlarmSpec,
  stateMachineAlarmSpecs,
} from "../packages/app/src/infra";
import type { DeployedFunction } from "./functions";
import { logicalName, physicalName } from "./names";

type Dimension = $util.Input<string>;

export interface MonitoringInput {
  config: InfraConfig;
  alertTopic: aws.sns.Topic;
  functions: Map<string, DeployedFunction>;
  recovery: aws.sfn.StateMachine;
  cleanup: aws.sfn.StateMachine;
  deadLetterQueue: aws.sqs.Queue;
  plans: readonly Plan[];
  replication: readonly ReplicationTarget[];
  mcpFunction?: DeployedFunction;
}

function alarm(spec: AlarmSpec<Dimension>, topic: aws.sns.Topic): aws.cloudwatch.MetricAlarm {
  const metric =
    "query" in spec.metric
      ? {
          metricQueries: [
            { id: "q1", expression: spec.metric.query, period: spec.periodSeconds, returnData: true },
          ],
        }
      : {
          namespace: spec.metric.namespace,
          metricName: spec.metric.metricName,
          dimensions: spec.metric.dimensions,
          statistic: spec.metric.statistic,
          period: spec.periodSeconds,
        };
  return new aws.cloudwatch.MetricAlarm(`${logicalName(spec.name)}Alarm`, {
    name: physicalName(spec.name),
    alarmDescription: spec.description,
    comparisonOperator: spec.comparisonOperator,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    threshold: spec.threshold,
    treatMissingData: spec.treatMissingData,
    alarmActions: [topic.arn],
    okActions: [topic.arn],
    ...metric,
  });
}

/**
 * Alarms on the functions, the workflows, RTO breaches, replication lag, plans not ready and dead
 * letters; the stage dashboard.
 */
export function monitoring(input: MonitoringInput): aws.cloudwatch.Dashboard {
  const specs: AlarmSpec<Dimension>[] = [
    ...[...input.functions.values()].flatMap((deployed) =>
      functionAlarmSpecs<Dimension>(deployed.spec, deployed.name),
    ),
    ...stateMachineAlarmSpecs<Dimension>("recovery", input.recovery.arn),
    ...stateMachineAlarmSpecs<Dimension>("drill-cleanup", input.cleanup.arn),
    rtoBreachedAlarmSpec(),
    ...replicationLagAlarmSpecs(input.replication),
    ...planReadyAlarmSpecs(
      input.plans.map((plan) => plan.id),
      input.config.planHealthMinutes,
    ),
    deadLetterAlarmSpec<Dimension>(input.deadLetterQueue.name),
  ];
  for (const spec of specs) alarm(spec, input.alertTopic);

  const body = $util
    .all([aws.getRegionOutput().region, input.recovery.arn])
    .apply(([region, recoveryStateMachineArn]) =>
      JSON.stringify(
        dashboardBody({
          region,
          stage: $app.stage,
          recoveryStateMachineArn,
          functions: [...input.functions.values()]
            .filter((deployed) => deployed !== input.mcpFunction)
            .map((deployed) => ({ label: deployed.spec.name, functionName: deployed.name })),
          ...(input.mcpFunction && { mcpFunctionName: input.mcpFunction.name }),
          plans: input.plans.map((plan) => ({ planId: plan.id, rtoSeconds: plan.rto, rpoSeconds: plan.rpo })),
          planHealthMinutes: input.config.planHealthMinutes,
        }),
      ),
    );
  return new aws.cloudwatch.Dashboard("Dashboard", {
    dashboardName: physicalName("dashboard"),
    dashboardBody: body,
  });
}
