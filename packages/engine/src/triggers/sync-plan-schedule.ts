import { createHash } from "node:crypto";
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import type { Plan } from "@drs-orchestrator/core";
import { EngineConfigError } from "../config/engine-config";
import type { EngineContext } from "../lambda/engine-context";

export interface PlanScheduleSync {
  planId: string;
  ruleName: string;
  /** The plan's drill schedule, when it has one. */
  expression?: string;
  action: "created" | "updated" | "unchanged" | "removed" | "none";
}

const TARGET_ID = "start-recovery";
const MAX_RULE_NAME = 64;
/** Schedules run on the default bus only (an EventBridge rule with a schedule cannot use another bus). */
const SCHEDULE_BUS = "default";

/**
 * The schedule rule of a plan, named after the app's bus (`drs-orchestrator-<stage>`) so stages
 * sharing an account keep their own, under a prefix no other rule of the app uses, so no plan ID
 * can name one of them; a name too long for EventBridge keeps its head and a hash.
 */
export function drillScheduleRuleName(appBusName: string, planId: string): string {
  const name = `${appBusName}-drill-schedule-${planId}`;
  if (name.length <= MAX_RULE_NAME) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 12);
  return `${name.slice(0, MAX_RULE_NAME - hash.length - 1)}-${hash}`;
}

/**
 * The start-recovery request a scheduled run sends: a drill of the plan, keyed by the schedule's
 * event time so a run delivered twice starts one drill. `<time>` is filled in by EventBridge.
 */
export function scheduledDrillTemplate(planId: string): string {
  return JSON.stringify({
    planId,
    mode: "DRILL",
    reason: "scheduled drill",
    requestedBy: "schedule",
    idempotencyKey: `schedule:${planId}:<time>`,
  });
}

/**
 * Makes the plan's `triggers.schedule.drill` an EventBridge schedule rule that invokes the
 * start-recovery function: created when the plan gained a schedule, updated when it changed,
 * removed when the plan no longer has one. An unchanged schedule is left alone, so re-applying a
 * plan does not restart a rate schedule's period.
 * @throws EngineConfigError when START_RECOVERY_FUNCTION_ARN is not set
 */
export async function syncPlanSchedule(engine: EngineContext, plan: Plan): Promise<PlanScheduleSync> {
  const functionArn = engine.config.startRecoveryFunctionArn;
  if (!functionArn) {
    throw new EngineConfigError(
      "START_RECOVERY_FUNCTION_ARN is not set: a plan's drill schedule targets the start-recovery function of the deployed app",
    );
  }
  const { events } = engine.aws;
  const ruleName = drillScheduleRuleName(engine.config.eventBusName, plan.id);
  const expression = plan.triggers?.schedule?.drill;
  const existing = await describeRule(engine, ruleName);

  if (expression === undefined) {
    if (!existing) return { planId: plan.id, ruleName, action: "none" };
    await events.send(
      new RemoveTargetsCommand({ Rule: ruleName, EventBusName: SCHEDULE_BUS, Ids: [TARGET_ID] }),
    );
    await events.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: SCHEDULE_BUS }));
    return { planId: plan.id, ruleName, action: "removed" };
  }

  const template = scheduledDrillTemplate(plan.id);
  if (existing?.ScheduleExpression === expression && existing.State === "ENABLED") {
    const { Targets = [] } = await events.send(
      new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: SCHEDULE_BUS }),
    );
    const target = Targets.find((candidate) => candidate.Id === TARGET_ID);
    if (
      Targets.length === 1 &&
      target?.Arn === functionArn &&
      target.InputTransformer?.InputTemplate === template
    ) {
      return { planId: plan.id, ruleName, expression, action: "unchanged" };
    }
  }

  await events.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: SCHEDULE_BUS,
      ScheduleExpression: expression,
      State: "ENABLED",
      Description: `Recurring drill of plan ${plan.id}`,
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: ruleName,
      EventBusName: SCHEDULE_BUS,
      Targets: [
        {
          Id: TARGET_ID,
          Arn: functionArn,
          InputTransformer: { InputPathsMap: { time: "$.time" }, InputTemplate: template },
        },
      ],
    }),
  );
  return { planId: plan.id, ruleName, expression, action: existing ? "updated" : "created" };
}

async function describeRule(engine: EngineContext, name: string) {
  try {
    return await engine.aws.events.send(new DescribeRuleCommand({ Name: name, EventBusName: SCHEDULE_BUS }));
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}
