import { InvalidInputError, recoveryRequestedEventSchema } from "@drs-orchestrator/core";
import type { EngineContext } from "../lambda/engine-context";
import { logger } from "../lambda/powertools";
import { startFromTrigger } from "./start-from-trigger";
import { recordTrigger, type TriggerRecord } from "./trigger-record";

/**
 * A `Recovery Requested` event from the app's bus: its detail goes through the one start path,
 * with the event ID as idempotency key unless the detail brings its own, so the same event
 * delivered twice starts one execution. Accepted or refused, the outcome is recorded under the
 * event ID; a refused request (bad fields, unconfirmed RECOVERY, unknown plan, plan already
 * running) starts nothing and is not retried.
 * @throws InvalidInputError when the event is not an EventBridge `Recovery Requested` event at all
 */
export async function onRecoveryRequested(event: unknown, engine: EngineContext): Promise<TriggerRecord> {
  const parsed = recoveryRequestedEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(
      "Recovery Requested event",
      parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    );
  }
  const { id, time, detail } = parsed.data;
  const request = isObject(detail) ? { idempotencyKey: id, ...detail } : detail;
  const outcome = await startFromTrigger(request, engine);
  const record: TriggerRecord = outcome.ok
    ? {
        eventId: id,
        trigger: "recovery-requested",
        status: "ACCEPTED",
        eventTime: time,
        starts: [
          {
            planId: outcome.started.planId,
            mode: outcome.started.mode,
            executionId: outcome.started.executionId,
            alreadyStarted: outcome.started.alreadyStarted,
          },
        ],
      }
    : {
        eventId: id,
        trigger: "recovery-requested",
        status: "REJECTED",
        eventTime: time,
        // Field paths point into the event, where the sender has to fix them.
        error: {
          ...outcome.error,
          ...(outcome.error.fields && {
            fields: outcome.error.fields.map((field) => ({
              ...field,
              path: field.path ? `detail.${field.path}` : "detail",
            })),
          }),
        },
        starts: [],
      };
  await recordTrigger(engine, record);
  if (!outcome.ok) logger.warn("Recovery Requested event refused", { eventId: id, error: record.error });
  return record;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
