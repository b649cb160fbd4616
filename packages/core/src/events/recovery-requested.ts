import { z } from "zod";

/**
 * `Recovery Requested`: how other systems ask for a recovery on the app's bus. The source tells
 * requests apart from the events the app itself publishes (`drs-orchestrator`); the detail is a
 * start-recovery request (`planId`, `mode?`, `reason`, `requestedBy`, `idempotencyKey?`,
 * `confirm?`, `asOf?`, `replaceExisting?`), checked by the one start path.
 */
export const RECOVERY_REQUESTED_SOURCE = "drs-orchestrator.requests";
export const RECOVERY_REQUESTED_DETAIL_TYPE = "Recovery Requested";

/**
 * The EventBridge envelope around a request: the event ID names the trigger's record and is the
 * default idempotency key, so a redelivered event starts nothing new.
 */
export const recoveryRequestedEventSchema = z.object({
  id: z
    .string({ error: "required: the event ID EventBridge assigns" })
    .min(1, { error: "required: the event ID EventBridge assigns" }),
  source: z.literal(RECOVERY_REQUESTED_SOURCE, { error: `expected source "${RECOVERY_REQUESTED_SOURCE}"` }),
  "detail-type": z.literal(RECOVERY_REQUESTED_DETAIL_TYPE, {
    error: `expected detail-type "${RECOVERY_REQUESTED_DETAIL_TYPE}"`,
  }),
  time: z.iso.datetime({
    offset: true,
    error: "expected an ISO-8601 date-time such as 2026-11-21T10:04:19Z",
  }),
  detail: z.unknown(),
});

export type RecoveryRequestedEvent = z.output<typeof recoveryRequestedEventSchema>;
