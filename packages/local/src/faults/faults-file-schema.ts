import { DATA_REPLICATION_STATES, parseDuration } from "@drs-orchestrator/core";
import { z } from "zod";
import { driftOptionsSchema } from "./drift-options";

const percent = z.number().min(0).max(100);

/** `PT3H`, `P1DT2H` or the plans' own `3h`, `2h30m`, `1d`; parsed into seconds. */
const duration = z.string().transform((text, context) => {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return seconds;
  context.addIssue({
    code: "custom",
    message: `"${text}" is not a duration`,
    params: { fix: "write an ISO-8601 duration such as PT3H or PT45M (or 3h, 45m, 1d)" },
  });
  return z.NEVER;
});

/**
 * The faults file of `local up --faults` and `demo --faults`: a bad day to rehearse on the local
 * runtime. Source servers are named by ID; whether they are in the fleet is checked when the file
 * is applied to it.
 */
export const faultsFileSchema = z.strictObject({
  /** Every random fault (throttled calls, dropped events) comes from it: the same seed, the same faults. */
  seed: z.number().int().optional(),
  /** Each server's data replication at start: DescribeSourceServers and the snapshot history follow it. */
  replication: z
    .record(
      z.string(),
      z.strictObject({
        state: z
          .string({ error: "expected a DRS data replication state such as CONTINUOUS or DISCONNECTED" })
          .pipe(z.enum(DATA_REPLICATION_STATES)),
        /** Default: the fleet's lag for the server. */
        lag: duration.optional(),
      }),
    )
    .optional(),
  /** The first N launches of each server fail (LAUNCH_FAILED); later ones succeed. */
  failLaunch: z.record(z.string(), z.number().int().min(1)).optional(),
  /** This share of DRS events never reaches the bus. */
  dropEventsPercent: percent.optional(),
  /** DRS events reach the bus this many simulated seconds late. */
  delayEventsSeconds: z.number().min(0).optional(),
  /** This share of DRS calls is answered 429 ThrottlingException. */
  throttlePercent: percent.optional(),
  /** Replication of these servers stalls this long after start (default at once). */
  stall: z.strictObject({ servers: z.array(z.string()).min(1), after: duration.optional() }).optional(),
  /** Resources deleted and launch templates edited by hand before anything runs. */
  drift: driftOptionsSchema.optional(),
});
export type FaultsFile = z.output<typeof faultsFileSchema>;
