import {
  type CurrentRecoveryInstance,
  planResume,
  type ResumeServer,
  type ResumeWave,
  type ServerRecordStatus,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const rid = (n: number) => `i-${n.toString(16).padStart(17, "0")}`;

/** What DRS lists now for a server that had an instance up, relative to the one it recorded. */
type Found = "SAME_RUNNING" | "SAME_PENDING" | "SAME_STOPPED" | "SAME_TERMINATED" | "OTHER_RUNNING" | "NONE";

interface Scenario {
  waves: ResumeWave[];
  servers: ResumeServer[];
  instances: Map<string, CurrentRecoveryInstance>;
  stoppedByDesign: Set<string>;
  skipFailed: boolean;
  /** The wave that stopped (one past the last when all completed). */
  stopped: number;
}

const DONE_STATUS = fc.constantFrom("COMPLETED", "FAILED");
const STOPPED_STATUS = fc.constantFrom("ABORTED", "LAUNCHING", "CHECKING_HEALTH", "PENDING");
const ANY_SERVER = fc.constantFrom<ServerRecordStatus>(
  "PENDING",
  "LAUNCHING",
  "LAUNCHED",
  "FAILED",
  "HEALTHY",
  "UNHEALTHY",
);
const DONE_SERVER = fc.constantFrom<ServerRecordStatus>("HEALTHY", "FAILED", "UNHEALTHY");
const FOUND = fc.constantFrom<Found>(
  "SAME_RUNNING",
  "SAME_PENDING",
  "SAME_STOPPED",
  "SAME_TERMINATED",
  "OTHER_RUNNING",
  "NONE",
);

/** An execution that stopped somewhere: completed waves, the wave it stopped in, waves never begun. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    waveCount: fc.integer({ min: 1, max: 5 }),
    completed: fc.integer({ min: 0, max: 5 }),
    doneStatuses: fc.array(DONE_STATUS, { minLength: 5, maxLength: 5 }),
    stoppedStatus: STOPPED_STATUS,
    perWave: fc.array(
      fc.array(fc.record({ any: ANY_SERVER, done: DONE_SERVER, found: FOUND, byDesign: fc.boolean() }), {
        minLength: 1,
        maxLength: 6,
      }),
      { minLength: 5, maxLength: 5 },
    ),
    skipFailed: fc.boolean(),
  })
  .map((r) => {
    const completed = Math.min(r.completed, r.waveCount);
    const stopped = completed + 1;
    const waves: ResumeWave[] = [];
    const servers: ResumeServer[] = [];
    const instances = new Map<string, CurrentRecoveryInstance>();
    const stoppedByDesign = new Set<string>();
    let n = 0;
    for (let wave = 1; wave <= r.waveCount; wave++) {
      const status =
        wave < stopped
          ? (r.doneStatuses[wave - 1] as string)
          : wave === stopped
            ? r.stoppedStatus
            : "PENDING";
      waves.push({ wave, status });
      for (const row of r.perWave[wave - 1] ?? []) {
        n++;
        const serverStatus =
          wave < stopped ? row.done : wave === stopped && status !== "PENDING" ? row.any : "PENDING";
        const launched =
          serverStatus === "HEALTHY" || serverStatus === "LAUNCHED" || serverStatus === "UNHEALTHY";
        const server: ResumeServer = {
          sourceServerId: sid(n),
          wave,
          status: serverStatus,
          ...(launched && { recoveryInstanceId: rid(n) }),
        };
        servers.push(server);
        if (row.byDesign) stoppedByDesign.add(server.sourceServerId);
        if (!launched || row.found === "NONE") continue;
        const state = { SAME_RUNNING: "RUNNING", SAME_PENDING: "PENDING", SAME_STOPPED: "STOPPED" }[
          row.found as string
        ];
        instances.set(server.sourceServerId, {
          recoveryInstanceId: row.found === "OTHER_RUNNING" ? rid(n + 1000) : rid(n),
          ec2InstanceState: state ?? (row.found === "OTHER_RUNNING" ? "RUNNING" : "TERMINATED"),
        });
      }
    }
    return { waves, servers, instances, stoppedByDesign, skipFailed: r.skipFailed, stopped };
  });

/** The recorded instance is still there and up (or stopped, for a server launched to stay stopped). */
function stillUp(s: Scenario, server: ResumeServer): boolean {
  const found = s.instances.get(server.sourceServerId);
  if (!found || found.recoveryInstanceId !== server.recoveryInstanceId) return false;
  if (found.ec2InstanceState === "RUNNING" || found.ec2InstanceState === "PENDING") return true;
  return found.ec2InstanceState === "STOPPED" && s.stoppedByDesign.has(server.sourceServerId);
}

describe("planResume", () => {
  it("starts at the first wave that did not complete, one past the last when all did", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(planResume(s).firstWave).toBe(s.stopped);
      }),
    );
  });

  it("decides once for every server from that wave on, and never touches an earlier wave", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planResume(s);
        const expected = s.servers
          .filter((server) => server.wave >= plan.firstWave)
          .map((server) => server.sourceServerId);
        expect(plan.servers.map((decision) => decision.sourceServerId)).toEqual(expected);
      }),
    );
  });

  it("keeps exactly the healthy servers whose instance is still the one they launched and up, and never relaunches one", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planResume(s);
        for (const decision of plan.servers) {
          const server = s.servers.find((candidate) => candidate.sourceServerId === decision.sourceServerId);
          if (!server) throw new Error("decision for an unknown server");
          const up = stillUp(s, server);
          expect(decision.action === "KEEP", decision.reason).toBe(server.status === "HEALTHY" && up);
          expect(decision.action === "CHECK", decision.reason).toBe(server.status === "LAUNCHED" && up);
          expect(decision.action === "WAIT").toBe(server.status === "LAUNCHING");
          if (up && (server.status === "HEALTHY" || server.status === "LAUNCHED")) {
            expect(decision.action).not.toBe("RELAUNCH");
            expect(decision.action).not.toBe("ACCEPT_FAILED");
          }
        }
      }),
    );
  });

  it("with skipFailed accepts the stopped wave's failures instead of launching; later waves launch as planned", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planResume(s);
        for (const decision of plan.servers) {
          const launches = decision.action === "LAUNCH" || decision.action === "RELAUNCH";
          if (decision.wave === plan.firstWave && s.skipFailed) expect(launches, decision.reason).toBe(false);
          if (decision.wave !== plan.firstWave || !s.skipFailed) {
            expect(decision.action, decision.reason).not.toBe("ACCEPT_FAILED");
          }
          if (decision.wave > plan.firstWave) expect(decision.action).toBe("LAUNCH");
        }
      }),
    );
  });

  it("begins a new round in every wave that had begun, and in the stopped wave when it accepts failures", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const plan = planResume(s);
        const begun = s.waves
          .filter((wave) => wave.wave >= plan.firstWave && wave.status !== "PENDING")
          .map((wave) => wave.wave);
        const accepting = plan.servers.some((decision) => decision.action === "ACCEPT_FAILED");
        const expected = [...new Set([...begun, ...(accepting ? [plan.firstWave] : [])])].sort(
          (a, b) => a - b,
        );
        expect(plan.restartedWaves).toEqual(expected);
      }),
    );
  });

  it("says why for each server: the instance's state, another instance, or none listed", () => {
    const servers: ResumeServer[] = [
      { sourceServerId: sid(1), wave: 1, status: "HEALTHY", recoveryInstanceId: rid(1) },
      { sourceServerId: sid(2), wave: 2, status: "HEALTHY", recoveryInstanceId: rid(2) },
      { sourceServerId: sid(3), wave: 2, status: "HEALTHY", recoveryInstanceId: rid(3) },
      { sourceServerId: sid(4), wave: 2, status: "LAUNCHED", recoveryInstanceId: rid(4) },
      { sourceServerId: sid(5), wave: 2, status: "FAILED" },
      { sourceServerId: sid(6), wave: 2, status: "HEALTHY", recoveryInstanceId: rid(6) },
      { sourceServerId: sid(7), wave: 2, status: "LAUNCHING" },
      { sourceServerId: sid(8), wave: 3, status: "PENDING" },
    ];
    const instances = new Map<string, CurrentRecoveryInstance>([
      [sid(2), { recoveryInstanceId: rid(2), ec2InstanceState: "RUNNING" }],
      [sid(3), { recoveryInstanceId: rid(3), ec2InstanceState: "TERMINATED" }],
      [sid(4), { recoveryInstanceId: rid(40), ec2InstanceState: "RUNNING" }],
    ]);
    const waves = [
      { wave: 1, status: "COMPLETED" },
      { wave: 2, status: "ABORTED" },
      { wave: 3, status: "PENDING" },
    ];
    const plan = planResume({ waves, servers, instances, skipFailed: false });
    expect(plan.firstWave).toBe(2);
    expect(plan.restartedWaves).toEqual([2]);
    expect(
      plan.servers.map(({ sourceServerId, action, reason }) => [sourceServerId, action, reason]),
    ).toEqual([
      [sid(2), "KEEP", `healthy, its recovery instance ${rid(2)} still up`],
      [sid(3), "RELAUNCH", `its recovery instance ${rid(3)} is TERMINATED`],
      [sid(4), "RELAUNCH", `DRS lists recovery instance ${rid(40)} for it, not the ${rid(4)} it launched`],
      [sid(5), "RELAUNCH", "its launch had failed"],
      [sid(6), "RELAUNCH", `DRS no longer lists its recovery instance ${rid(6)}`],
      [sid(7), "WAIT", "its launch was still in flight"],
      [sid(8), "LAUNCH", "never launched"],
    ]);

    const skipping = planResume({ waves, servers, instances, skipFailed: true });
    expect(skipping.servers.filter((d) => d.action === "ACCEPT_FAILED").map((d) => d.sourceServerId)).toEqual(
      [sid(3), sid(4), sid(5), sid(6)],
    );
    expect(skipping.servers.find((d) => d.sourceServerId === sid(8))?.action).toBe("LAUNCH");
  });

  it("leaves only the closing hooks when every wave completed", () => {
    const plan = planResume({
      waves: [
        { wave: 1, status: "COMPLETED" },
        { wave: 2, status: "FAILED" },
      ],
      servers: [{ sourceServerId: sid(1), wave: 2, status: "FAILED" }],
      instances: new Map(),
      skipFailed: false,
    });
    expect(plan).toEqual({ firstWave: 3, restartedWaves: [], servers: [] });
  });
});
