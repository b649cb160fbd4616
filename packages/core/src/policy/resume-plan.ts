import type { ServerRecordStatus } from "../report/report-records";

/** A wave of the execution being resumed, as its item records it. */
export interface ResumeWave {
  wave: number;
  status: string;
}

/** A server of the execution being resumed, as its item records it. */
export interface ResumeServer {
  sourceServerId: string;
  wave: number;
  status: ServerRecordStatus;
  /** The recovery instance its latest launch brought up. */
  recoveryInstanceId?: string;
}

/** The recovery instance DRS lists for a source server now (DescribeRecoveryInstances). */
export interface CurrentRecoveryInstance {
  recoveryInstanceId: string;
  /** DRS's `ec2InstanceState`: PENDING, RUNNING, STOPPING, STOPPED, SHUTTING-DOWN, TERMINATED or NOT_FOUND. */
  ec2InstanceState?: string;
}

/**
 * What a resume does with a server of a wave that did not complete (or a later one):
 * - KEEP: healthy and its recovery instance is still up: never relaunched;
 * - CHECK: launched and its instance is up, but its status checks were not decided: they are now;
 * - WAIT: its launch job was still in flight: its result is recorded when it comes;
 * - LAUNCH: never launched: it launches as it would have;
 * - RELAUNCH: failed, unhealthy, or its instance is gone: a new launch;
 * - ACCEPT_FAILED: as RELAUNCH or LAUNCH, but the resume skips the stopped wave's failures instead.
 */
export type ResumeAction = "KEEP" | "CHECK" | "WAIT" | "LAUNCH" | "RELAUNCH" | "ACCEPT_FAILED";

export interface ServerResume {
  sourceServerId: string;
  wave: number;
  action: ResumeAction;
  /** Why, for the server's record and the operator: what was found. */
  reason: string;
}

export interface ResumePlan {
  /** The first wave that did not complete; one past the last wave when all did (only the closing hooks are left). */
  firstWave: number;
  /**
   * Waves that begin a new launch round: from `firstWave` on, those that had begun, and `firstWave`
   * when the resume accepts its failures (its first round's batches must not launch them).
   */
  restartedWaves: number[];
  /** Every server of the waves from `firstWave` on, by wave then ID, with what the resume does with it. */
  servers: ServerResume[];
}

export interface ResumeInput {
  waves: readonly ResumeWave[];
  servers: readonly ResumeServer[];
  /** The recovery instance DRS lists for each server now, by source server ID. */
  instances: ReadonlyMap<string, CurrentRecoveryInstance>;
  /** Servers launched to stay stopped (launch disposition STOPPED): a stopped instance is theirs as launched. */
  stoppedByDesign?: ReadonlySet<string>;
  /** Accept the first unfinished wave's failed and unlaunched servers as failed instead of launching them. */
  skipFailed: boolean;
}

/** A wave the failure policy let the recovery go on from: it completed, with or without tolerated failures. */
const DONE = new Set(["COMPLETED", "FAILED"]);
/** The instance states of a recovery instance that is there and coming up or up. */
const UP = new Set(["RUNNING", "PENDING"]);
const STOPPED = new Set(["STOPPED", "STOPPING"]);

/** The first wave that did not complete; one past the last wave when all did. */
export function firstUnfinishedWave(waves: readonly ResumeWave[]): number {
  const sorted = [...waves].sort((a, b) => a.wave - b.wave);
  return sorted.find((wave) => !DONE.has(wave.status))?.wave ?? (sorted.at(-1)?.wave ?? 0) + 1;
}

/**
 * How to continue an execution that stopped (failed, aborted or cancelled): from the first wave that
 * did not complete, keep every server whose recovery instance is still the one it launched and still
 * up, let launches in flight finish, and launch (or, with `skipFailed`, accept as failed) the rest.
 * Waves after the first unfinished one that never began run as they would have.
 */
export function planResume(input: ResumeInput): ResumePlan {
  const waves = [...input.waves].sort((a, b) => a.wave - b.wave);
  const firstWave = firstUnfinishedWave(waves);
  const servers = input.servers
    .filter((server) => server.wave >= firstWave)
    .sort((a, b) => a.wave - b.wave || a.sourceServerId.localeCompare(b.sourceServerId))
    .map((server) => serverResume(server, input, server.wave === firstWave && input.skipFailed));
  const restartedWaves = waves
    .filter(
      (wave) =>
        wave.wave >= firstWave &&
        (wave.status !== "PENDING" ||
          servers.some((server) => server.wave === wave.wave && server.action === "ACCEPT_FAILED")),
    )
    .map((wave) => wave.wave);
  return { firstWave, restartedWaves, servers };
}

function serverResume(server: ResumeServer, input: ResumeInput, skip: boolean): ServerResume {
  const { sourceServerId, wave } = server;
  const decide = (action: ResumeAction, reason: string): ServerResume => ({
    sourceServerId,
    wave,
    action,
    reason,
  });
  const relaunch = (reason: string) => decide(skip ? "ACCEPT_FAILED" : "RELAUNCH", reason);
  switch (server.status) {
    case "PENDING":
      return skip ? decide("ACCEPT_FAILED", "never launched") : decide("LAUNCH", "never launched");
    case "LAUNCHING":
      return decide("WAIT", "its launch was still in flight");
    case "FAILED":
      return relaunch("its launch had failed");
    case "UNHEALTHY":
      return relaunch("its recovery instance was unhealthy");
    default: {
      const gone = instanceGone(server, input);
      if (gone !== undefined) return relaunch(gone);
      return server.status === "HEALTHY"
        ? decide("KEEP", `healthy, its recovery instance ${server.recoveryInstanceId} still up`)
        : decide(
            "CHECK",
            `launched, its recovery instance ${server.recoveryInstanceId} up: status checks decide`,
          );
    }
  }
}

/** Why the server's recovery instance is no longer the one it launched, up; undefined when it still is. */
function instanceGone(server: ResumeServer, input: ResumeInput): string | undefined {
  const recorded = server.recoveryInstanceId;
  if (recorded === undefined) return "no recovery instance was recorded for it";
  const current = input.instances.get(server.sourceServerId);
  if (current === undefined) return `DRS no longer lists its recovery instance ${recorded}`;
  if (current.recoveryInstanceId !== recorded) {
    return `DRS lists recovery instance ${current.recoveryInstanceId} for it, not the ${recorded} it launched`;
  }
  const state = current.ec2InstanceState ?? "NOT_FOUND";
  if (UP.has(state)) return undefined;
  if (STOPPED.has(state) && input.stoppedByDesign?.has(server.sourceServerId)) return undefined;
  return `its recovery instance ${recorded} is ${state}`;
}
