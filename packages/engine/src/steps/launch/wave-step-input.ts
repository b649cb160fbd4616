import { z } from "zod";

/** `$$.State.EnteredTime` (or an event's time): the clock every timestamp of a step comes from. */
export const isoTime = z.iso.datetime({
  offset: true,
  error: "expected an ISO-8601 date-time such as 2026-11-21T10:00:00.000Z (the state's entered time)",
});

/** What the workflow passes to every step of a wave: IDs and the state's entered time. */
export const waveStepInput = z.object({
  executionId: z.string().min(1, { error: "required: the execution ID" }),
  wave: z.number().int().min(1, { error: "must be a wave number from 1" }),
  now: isoTime,
});
export type WaveStepInput = z.output<typeof waveStepInput>;
