import { onAlarmStateChange, stepHandler } from "@drs-orchestrator/engine";
import { z } from "zod";

/** CloudWatch alarm state changes from the default bus; plans naming the alarm start a drill (or an opted-in recovery). */
export const handler = stepHandler({
  what: "CloudWatch Alarm State Change event",
  input: z.unknown(),
  run: (event, engine) => onAlarmStateChange(event, engine),
});
