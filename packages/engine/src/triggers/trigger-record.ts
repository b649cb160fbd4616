import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { FieldProblem, RecoveryMode } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";

/**
 * What a trigger did with one event, kept under the event's ID in the executions table so a
 * request that started nothing can be found and explained. A redelivered event rewrites the same
 * item with the same outcome.
 */
export interface TriggerRecord {
  eventId: string;
  trigger: "recovery-requested" | "alarm-state-change";
  /** ACCEPTED: an execution runs (or already ran) for it; REJECTED: refused, see the errors; IGNORED: nothing to do. */
  status: "ACCEPTED" | "REJECTED" | "IGNORED";
  /** The event's time, the clock of everything a trigger records. */
  eventTime: string;
  /** Why an event was ignored. */
  reason?: string;
  /** A refused request: the error's name and message, and each bad field where there are any. */
  error?: TriggerError;
  /** The recoveries the event asked for, each started or refused. */
  starts: TriggerStart[];
  alarmName?: string;
}

export interface TriggerError {
  name: string;
  message: string;
  fields?: FieldProblem[];
}

export interface TriggerStart {
  planId: string;
  mode: RecoveryMode;
  executionId?: string;
  /** The event was delivered before and its execution had already started. */
  alreadyStarted?: boolean;
  error?: TriggerError;
}

export const triggerKey = (eventId: string) => ({ pk: `TRIGGER#${eventId}`, sk: "TRIGGER" });

/** Starts and errors kept per record; an event names few plans, this bounds the item anyway. */
const MAX_RECORDED = 50;

export async function recordTrigger(engine: EngineContext, record: TriggerRecord): Promise<void> {
  await engine.aws.dynamo.send(
    new PutCommand({
      TableName: engine.config.executionsTable,
      Item: {
        ...triggerKey(record.eventId),
        ...record,
        starts: record.starts.slice(0, MAX_RECORDED),
        ...(record.error?.fields && {
          error: { ...record.error, fields: record.error.fields.slice(0, MAX_RECORDED) },
        }),
      },
    }),
  );
}

export async function getTriggerRecord(
  engine: EngineContext,
  eventId: string,
): Promise<TriggerRecord | undefined> {
  return engine.executions.get<TriggerRecord>(triggerKey(eventId));
}
