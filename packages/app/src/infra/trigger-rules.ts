import { type EventPattern, replicationStalledPattern } from "./event-patterns";

/** An EventBridge rule that invokes one of the app's functions (resources/rules.ts lists them). */
export interface FunctionRule {
  /** Suffix of the physical rule name. */
  name: string;
  description: string;
  /** `default` for AWS service events, `app` for the app's own bus. */
  bus: "default" | "app";
  eventPattern: EventPattern;
  /** FunctionSpec name of the target. */
  targetFunction: string;
}

/** What EventBridge hands a target: a template filled from the event. */
export interface RuleInputTransformer {
  inputPaths: Record<string, string>;
  /** JSON with <name> placeholders for inputPaths (EventBridge InputTransformer syntax). */
  inputTemplate: string;
}

/** How long and how often EventBridge retries a target before the event goes to the dead-letter queue. */
export interface DeliveryPolicy {
  maximumEventAgeSeconds: number;
  maximumRetryAttempts: number;
}

/**
 * Launch results matter only while their wave waits (the DescribeJobs poll backs them up), so they
 * are retried for 15 minutes; a recovery request or trigger stays worth delivering for an hour.
 */
export function deliveryPolicy(rule: { targetFunction: string }): DeliveryPolicy {
  return rule.targetFunction === "record-launch-result"
    ? { maximumEventAgeSeconds: 900, maximumRetryAttempts: 8 }
    : { maximumEventAgeSeconds: 3600, maximumRetryAttempts: 12 };
}

/**
 * The rules `plan apply` creates for plans' drill schedules (`<bus>-drill-<plan>`, on the default
 * bus): the start-recovery function lets exactly these invoke it.
 */
export function drillScheduleRuleArnPattern(
  scope: { partition: string; region: string; accountId: string },
  appBusName: string,
): string {
  return `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:rule/${appBusName}-drill-*`;
}

/** The replication-stalled rule notifies the alert topic directly; no function is involved. */
export function replicationStalledAlert() {
  return {
    name: "replication-stalled",
    description: "A DRS source server's replication stalled",
    eventPattern: replicationStalledPattern(),
    inputTransformer: {
      inputPaths: { server: "$.resources[0]", time: "$.time", region: "$.region" },
      inputTemplate: '"DRS replication stalled for <server> in <region> at <time>."',
    } satisfies RuleInputTransformer,
  };
}
