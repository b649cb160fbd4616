import {
  type AlarmStart,
  alarmIdempotencyKey,
  alarmStateChangeEventSchema,
  decideAlarmStarts,
  InvalidInputError,
  type Plan,
} from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { startFromTrigger } from "./start-from-trigger";
import { recordTrigger, type TriggerRecord, type TriggerStart } from "./trigger-record";

/** Who the executions an alarm starts are requested by, as the report shows it. */
const requestedBy = (alarmName: string) => `alarm:${alarmName}`;

/**
 * A `CloudWatch Alarm State Change` from the default bus: a change into ALARM starts a recovery
 * of every plan naming the alarm in `triggers.alarms` (`decideAlarmStarts`: a DRILL unless the
 * plan opted into automatic RECOVERY), through the one start path with an idempotency key from the
 * alarm and its state change time, so a redelivered event starts nothing new. The outcome is
 * recorded under the event ID: IGNORED when no plan names the alarm or the change is not into
 * ALARM, ACCEPTED when an execution runs for some plan, REJECTED when every start was refused.
 * @throws InvalidInputError when the event is not a CloudWatch alarm state change
 */
export async function onAlarmStateChange(event: unknown, engine: EngineContext): Promise<TriggerRecord> {
  const parsed = alarmStateChangeEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(
      "CloudWatch Alarm State Change event",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const change = parsed.data;
  const base = {
    eventId: change.eventId,
    trigger: "alarm-state-change",
    eventTime: change.time,
    alarmName: change.alarmName,
  } as const;

  const decision = decideAlarmStarts(change, await latestPlans(engine));
  if (decision.action === "ignore") {
    const record: TriggerRecord = { ...base, status: "IGNORED", reason: decision.reason, starts: [] };
    await recordTrigger(engine, record);
    return record;
  }

  const starts: TriggerStart[] = [];
  for (const start of decision.starts)
    starts.push(await startPlan(engine, change.alarmName, start, alarmIdempotencyKey(change)));
  const record: TriggerRecord = {
    ...base,
    status: starts.some((start) => start.executionId !== undefined) ? "ACCEPTED" : "REJECTED",
    starts,
  };
  await recordTrigger(engine, record);
  for (const start of starts.filter((s) => s.error)) {
    logger.warn("alarm could not start a recovery", { alarmName: change.alarmName, ...start });
  }
  return record;
}

async function startPlan(
  engine: EngineContext,
  alarmName: string,
  start: AlarmStart,
  idempotencyKey: string,
): Promise<TriggerStart> {
  const outcome = await startFromTrigger(
    {
      planId: start.planId,
      mode: start.mode,
      reason: `alarm ${alarmName} went into ALARM`,
      requestedBy: requestedBy(alarmName),
      idempotencyKey,
      ...(start.confirm !== undefined && { confirm: start.confirm }),
    },
    engine,
  );
  return outcome.ok
    ? {
        planId: start.planId,
        mode: start.mode,
        executionId: outcome.started.executionId,
        alreadyStarted: outcome.started.alreadyStarted,
      }
    : { planId: start.planId, mode: start.mode, error: outcome.error };
}

/** The latest version of every stored plan: triggers follow what was applied last. */
async function latestPlans(engine: EngineContext): Promise<Plan[]> {
  const summaries = await engine.plans.list();
  return Promise.all(summaries.map(async (summary) => (await engine.plans.get(summary.planId)).plan));
}
