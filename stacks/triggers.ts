import { planHealthScheduleExpression } from "@drs-orchestrator/core";
import {
  type AwsScope,
  deliveryPolicy,
  drillScheduleRuleArnPattern,
  type FunctionRule,
  replicationStalledAlert,
} from "../packages/app/src/infra";
import { PLAN_HEALTH_RULE } from "../packages/app/src/resources/rules";
import type { DeployedFunction } from "./functions";
import { logicalName, physicalName } from "./names";

export interface TriggersInput {
  bus: sst.aws.Bus;
  functions: Map<string, DeployedFunction>;
  /** The manifest's rules (resources/rules.ts). */
  rules: readonly FunctionRule[];
  alertTopic: aws.sns.Topic;
  scope: $util.Output<AwsScope>;
  /** The stage's plan health period: the evaluate-plans rule runs every this many minutes. */
  planHealthMinutes: number;
}

export interface Triggers {
  deadLetterQueue: aws.sqs.Queue;
  /** Rules deployed, and rules waiting for their target function. */
  deployed: string[];
  waiting: { rule: string; targetFunction: string }[];
}

/**
 * The EventBridge rules whose target function is deployed (the manifest's, and the plan health
 * schedule), each with a retry policy and the dead-letter queue; the replication-stalled alert goes
 * straight to the alert topic.
 */
export function triggers(input: TriggersInput): Triggers {
  const deadLetterQueue = new aws.sqs.Queue("TriggerDeadLetters", {
    name: physicalName("trigger-dead-letters"),
    messageRetentionSeconds: 14 * 24 * 3600,
    sqsManagedSseEnabled: true,
  });
  const deployed: string[] = [];
  const waiting: Triggers["waiting"] = [];
  const ruleArns: $util.Output<string>[] = [];

  const planHealthRule = {
    ...PLAN_HEALTH_RULE,
    bus: "default" as const,
    scheduleExpression: planHealthScheduleExpression(input.planHealthMinutes),
  };
  for (const spec of [...input.rules, planHealthRule]) {
    const target = input.functions.get(spec.targetFunction);
    if (!target) {
      waiting.push({ rule: spec.name, targetFunction: spec.targetFunction });
      continue;
    }
    const eventBusName = spec.bus === "app" ? input.bus.name : "default";
    const rule = new aws.cloudwatch.EventRule(`${logicalName(spec.name)}Rule`, {
      name: physicalName(spec.name),
      description: spec.description,
      eventBusName,
      ...("scheduleExpression" in spec
        ? { scheduleExpression: spec.scheduleExpression }
        : { eventPattern: JSON.stringify(spec.eventPattern) }),
    });
    const policy = deliveryPolicy(spec);
    new aws.cloudwatch.EventTarget(`${logicalName(spec.name)}Target`, {
      rule: rule.name,
      eventBusName,
      arn: target.fn.arn,
      deadLetterConfig: { arn: deadLetterQueue.arn },
      retryPolicy: {
        maximumEventAgeInSeconds: policy.maximumEventAgeSeconds,
        maximumRetryAttempts: policy.maximumRetryAttempts,
      },
    });
    new aws.lambda.Permission(`${logicalName(spec.name)}Invoke`, {
      action: "lambda:InvokeFunction",
      function: target.fn.name,
      principal: "events.amazonaws.com",
      sourceArn: rule.arn,
    });
    ruleArns.push(rule.arn);
    deployed.push(spec.name);
  }

  // `plan apply` creates the drill schedule rules at run time; they may invoke start-recovery only.
  const startRecovery = input.functions.get("start-recovery");
  if (startRecovery) {
    new aws.lambda.Permission("DrillSchedulesInvoke", {
      action: "lambda:InvokeFunction",
      function: startRecovery.fn.name,
      principal: "events.amazonaws.com",
      sourceArn: $util
        .all([input.scope, input.bus.name])
        .apply(([scope, busName]) => drillScheduleRuleArnPattern(scope, busName)),
    });
  }

  new aws.sqs.QueuePolicy("TriggerDeadLettersPolicy", {
    queueUrl: deadLetterQueue.url,
    policy: $util.all([deadLetterQueue.arn, $util.all(ruleArns)]).apply(([queueArn, sourceArns]) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": sourceArns } },
          },
        ],
      }),
    ),
  });

  const stalled = replicationStalledAlert();
  const stalledRule = new aws.cloudwatch.EventRule("ReplicationStalledRule", {
    name: physicalName(stalled.name),
    description: stalled.description,
    eventPattern: JSON.stringify(stalled.eventPattern),
  });
  new aws.cloudwatch.EventTarget("ReplicationStalledTarget", {
    rule: stalledRule.name,
    arn: input.alertTopic.arn,
    inputTransformer: stalled.inputTransformer,
  });
  new aws.sns.TopicPolicy("AlertTopicPolicy", {
    arn: input.alertTopic.arn,
    policy: $util
      .all([input.alertTopic.arn, stalledRule.arn, aws.getCallerIdentityOutput().accountId])
      .apply(([topicArn, ruleArn, accountId]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topicArn,
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            {
              Effect: "Allow",
              Principal: { Service: "events.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topicArn,
              Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
            },
          ],
        }),
      ),
  });

  return { deadLetterQueue, deployed, waiting };
}
