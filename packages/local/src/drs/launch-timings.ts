import { z } from "zod";
import type { SeededRandom } from "../faults/seeded-random";
import type { OsFamily } from "../fleet/fleet-loader";

/** Simulated durations of a DRS job's steps, in seconds; each step varies by ±jitter (a fraction). */
export const launchTimingsSchema = z.strictObject({
  /** From StartRecovery until the job starts (JOB_START). */
  jobStartSeconds: z.number().min(0).default(10),
  /** On-demand point-in-time snapshot. */
  snapshotSeconds: z.number().min(0).default(60),
  /** Conversion of the snapshot into bootable EC2 volumes. */
  conversionSeconds: z.number().min(0).default(180),
  /** From launch until the instance runs. */
  bootLinuxSeconds: z.number().min(0).default(240),
  bootWindowsSeconds: z.number().min(0).default(900),
  /** Terminating a recovery instance (TERMINATE jobs and the cleanup of a previous launch). */
  terminateSeconds: z.number().min(0).default(60),
  jitter: z.number().min(0).max(1).default(0.2),
});
export type LaunchTimings = z.output<typeof launchTimingsSchema>;

export type TimedStep = "jobStart" | "snapshot" | "conversion" | "boot" | "terminate";

/** A step's duration in simulated milliseconds, jittered from the given stream. */
export function stepMs(timings: LaunchTimings, step: TimedStep, os: OsFamily, random: SeededRandom): number {
  const base = {
    jobStart: timings.jobStartSeconds,
    snapshot: timings.snapshotSeconds,
    conversion: timings.conversionSeconds,
    boot: os === "WINDOWS" ? timings.bootWindowsSeconds : timings.bootLinuxSeconds,
    terminate: timings.terminateSeconds,
  }[step];
  return base * 1000 * (1 + timings.jitter * (2 * random.next() - 1));
}
