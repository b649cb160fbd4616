import { sourceServerIdSchema } from "@drs-orchestrator/core";
import { z } from "zod";

const percent = z.number().min(0).max(100);

/**
 * Faults the local DRS injects. Every random choice comes from `seed`, so a run with the same
 * seed and the same calls injects the same faults.
 */
export const faultOptionsSchema = z.strictObject({
  seed: z.number().int().default(1),
  /** Answer this share of DRS calls with 429 ThrottlingException and a Retry-After header. */
  throttle: z
    .strictObject({
      percent,
      retryAfterSeconds: z.number().int().min(0).default(1),
      /** Only these operations (e.g. StartRecovery); default all. */
      operations: z.array(z.string()).min(1).optional(),
    })
    .optional(),
  /** A burst of 500 InternalServerException: the `count` calls after call number `afterCalls`. */
  serverErrors: z
    .strictObject({
      afterCalls: z.number().int().min(0),
      count: z.number().int().min(1),
      retryAfterSeconds: z.number().int().min(0).default(1),
    })
    .optional(),
  /**
   * Launches that fail (LAUNCH_FAILED): every launch of `sourceServerIds`, the first N launches of
   * each server in `times` (later ones succeed), and this share of the others.
   */
  failLaunch: z
    .strictObject({
      sourceServerIds: z.array(sourceServerIdSchema).default([]),
      times: z.record(sourceServerIdSchema, z.number().int().min(1)).default({}),
      percent: percent.default(0),
    })
    .optional(),
  /** This share of DRS events never reaches the bus (DRS events are best effort). */
  dropEvents: z.strictObject({ percent }).optional(),
  /** DRS events reach the bus this many simulated seconds late, ± jitterSeconds. */
  delayEvents: z
    .strictObject({ seconds: z.number().min(0), jitterSeconds: z.number().min(0).default(0) })
    .optional(),
  /** Replication of these servers stalls `afterSeconds` simulated seconds after start. */
  stallReplication: z
    .strictObject({
      sourceServerIds: z.array(sourceServerIdSchema).min(1),
      afterSeconds: z.number().min(0).default(0),
    })
    .optional(),
});
export type FaultOptions = z.input<typeof faultOptionsSchema>;
export type ParsedFaultOptions = z.output<typeof faultOptionsSchema>;
