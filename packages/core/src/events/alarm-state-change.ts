import { z } from "zod";

export const ALARM_STATE_CHANGE_SOURCE = "aws.cloudwatch";
export const ALARM_STATE_CHANGE_DETAIL_TYPE = "CloudWatch Alarm State Change";

const alarmState = z.object({
  value: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"], { error: "expected OK, ALARM or INSUFFICIENT_DATA" }),
  reason: z.string().optional(),
  /** CloudWatch writes it as `2019-10-02T17:04:40.985+0000` (no colon in the offset), so it is kept as text. */
  timestamp: z.string().min(1).optional(),
});

/**
 * `CloudWatch Alarm State Change` as CloudWatch puts it on the default bus: the alarm in
 * `detail.alarmName`, its new state in `detail.state.value` and the one it left in
 * `detail.previousState.value`. Parsed into the fields the alarm trigger decides on.
 */
export const alarmStateChangeEventSchema = z
  .object({
    id: z
      .string({ error: "required: the event ID EventBridge assigns" })
      .min(1, { error: "required: the event ID EventBridge assigns" }),
    source: z.literal(ALARM_STATE_CHANGE_SOURCE, { error: `expected source "${ALARM_STATE_CHANGE_SOURCE}"` }),
    "detail-type": z.literal(ALARM_STATE_CHANGE_DETAIL_TYPE, {
      error: `expected detail-type "${ALARM_STATE_CHANGE_DETAIL_TYPE}"`,
    }),
    time: z.iso.datetime({
      offset: true,
      error: "expected an ISO-8601 date-time such as 2026-11-21T10:04:19Z",
    }),
    detail: z.object({
      alarmName: z
        .string({ error: "required: the alarm's name" })
        .min(1, { error: "required: the alarm's name" }),
      state: alarmState,
      previousState: alarmState.optional(),
    }),
  })
  .transform((event) => ({
    eventId: event.id,
    time: event.time,
    alarmName: event.detail.alarmName,
    state: event.detail.state.value,
    previousState: event.detail.previousState?.value,
    /** When the alarm changed state: one incident, however often its event is delivered. */
    changedAt: event.detail.state.timestamp ?? event.time,
  }));

export type AlarmStateChange = z.output<typeof alarmStateChangeEventSchema>;
