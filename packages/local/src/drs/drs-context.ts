import type { SimClock } from "../clock/sim-clock";
import type { Ec2Emulator } from "../ec2/ec2-emulator";
import type { SeededRandom } from "../faults/seeded-random";
import type { FleetSubnet } from "../fleet/fleet-loader";
import type { LocalRequest } from "../runtime/contracts";
import type { DrsCounters } from "./drs-counters";
import type { DrsQuotas } from "./drs-quotas";
import type { DrsState } from "./drs-state";
import type { JobRunnerDeps } from "./job-runner";
import type { PitPolicy } from "./pit-policy";

export interface DrsContext {
  clock: SimClock;
  accountId: string;
  region: string;
  state: DrsState;
  ec2: Ec2Emulator;
  subnets: readonly FleetSubnet[];
  quotas: DrsQuotas;
  pitPolicy: PitPolicy;
  counters: DrsCounters;
  /** Job IDs, in the order jobs are created. */
  ids: SeededRandom;
  runner: JobRunnerDeps;
  /** Registers work in progress (a job, a delayed event) so idle() can wait for it. */
  track(work: Promise<void>): void;
}

export interface DrsResult {
  /** 200 unless the operation says otherwise (StartRecovery: 202). */
  status?: number;
  body?: unknown;
}

/** One DRS operation; `resourceArn` is the decoded ARN of the /tags/{resourceArn} routes. */
export type DrsOperation = (context: DrsContext, request: LocalRequest, resourceArn?: string) => DrsResult;
