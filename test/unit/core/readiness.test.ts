import {
  assessReadiness,
  DATA_REPLICATION_STATES,
  type DataReplicationState,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ID = "s-1234567890abcdef0";
const RPO = 300;

function server(dataReplicationInfo?: Record<string, unknown>) {
  return sourceServerSchema.parse({
    sourceServerID: ID,
    ...(dataReplicationInfo && { dataReplicationInfo }),
  });
}

describe("assessReadiness", () => {
  it("is ready when replication is CONTINUOUS within the RPO, reporting the lag", () => {
    expect(assessReadiness(server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT2S" }), RPO)).toEqual(
      {
        sourceServerId: ID,
        ready: true,
        lagSeconds: 2,
      },
    );
    expect(
      assessReadiness(server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT2.5S" }), RPO),
    ).toEqual({
      sourceServerId: ID,
      ready: true,
      lagSeconds: 2.5,
    });
  });

  it("accepts a lag exactly at the RPO", () => {
    expect(
      assessReadiness(server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT5M" }), RPO).ready,
    ).toBe(true);
  });

  it("reports a lag over the RPO with both figures", () => {
    expect(
      assessReadiness(server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT7M12S" }), RPO),
    ).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "LAG_OVER_RPO",
      reason: `${ID} replication lag 7m12s exceeds the RPO of 5m`,
    });
    const justOver = assessReadiness(
      server({ dataReplicationState: "CONTINUOUS", lagDuration: "PT300.4S" }),
      RPO,
    );
    expect(justOver).toMatchObject({
      code: "LAG_OVER_RPO",
      reason: `${ID} replication lag 300.4s exceeds the RPO of 5m`,
    });
  });

  it("reports STALLED and DISCONNECTED with their own codes", () => {
    expect(assessReadiness(server({ dataReplicationState: "STALLED", lagDuration: "PT1S" }), RPO)).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "STALLED",
      reason: `${ID} replication is STALLED: fix replication on the source server`,
    });
    expect(assessReadiness(server({ dataReplicationState: "DISCONNECTED" }), RPO)).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "DISCONNECTED",
      reason: `${ID} replication is DISCONNECTED: the replication agent no longer reaches DRS`,
    });
  });

  it.each([
    "STOPPED",
    "INITIATING",
    "INITIAL_SYNC",
    "BACKLOG",
    "CREATING_SNAPSHOT",
    "PAUSED",
    "RESCAN",
  ] as const)("reports %s as NOT_CONTINUOUS, naming the state", (state) => {
    expect(assessReadiness(server({ dataReplicationState: state, lagDuration: "PT1S" }), RPO)).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "NOT_CONTINUOUS",
      reason: `${ID} replication is ${state}, not CONTINUOUS`,
    });
  });

  it("reports a server without replication information", () => {
    expect(assessReadiness(server(), RPO)).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "NO_REPLICATION_INFO",
      reason: `${ID} reports no data replication information`,
    });
  });

  it("does not guess a lag that is missing or unreadable", () => {
    expect(assessReadiness(server({ dataReplicationState: "CONTINUOUS" }), RPO)).toMatchObject({
      ready: false,
      code: "NO_REPLICATION_INFO",
      reason: `${ID} replication is CONTINUOUS but reports no lag, so the RPO cannot be checked`,
    });
    expect(
      assessReadiness(server({ dataReplicationState: "CONTINUOUS", lagDuration: "soon" }), RPO),
    ).toMatchObject({
      ready: false,
      code: "NO_REPLICATION_INFO",
      reason: `${ID} replication reports an unreadable lag "soon", so the RPO cannot be checked`,
    });
  });

  it("reports a replication error with its text", () => {
    const readiness = assessReadiness(
      server({
        dataReplicationState: "INITIAL_SYNC",
        dataReplicationError: { error: "SNAPSHOTS_FAILURE", rawError: "snapshot quota reached" },
      }),
      RPO,
    );
    expect(readiness).toEqual({
      sourceServerId: ID,
      ready: false,
      code: "REPLICATION_ERROR",
      reason: `${ID} replication reports an error (SNAPSHOTS_FAILURE: snapshot quota reached) in state INITIAL_SYNC`,
    });
  });

  it("is ready exactly when replication is CONTINUOUS, error-free and no further behind than the RPO", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DataReplicationState>(...DATA_REPLICATION_STATES),
        fc.integer({ min: 0, max: 7200 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.boolean(),
        (state, lag, rpo, failing) => {
          const readiness = assessReadiness(
            server({
              dataReplicationState: state,
              lagDuration: `PT${lag}S`,
              ...(failing && { dataReplicationError: { error: "AGENT_NOT_SEEN" } }),
            }),
            rpo,
          );
          const expected = state === "CONTINUOUS" && !failing && lag <= rpo;
          expect(readiness.ready).toBe(expected);
          expect(readiness.sourceServerId).toBe(ID);
          if (readiness.ready) expect(readiness.lagSeconds).toBe(lag);
          else expect(readiness.reason).toContain(ID);
        },
      ),
    );
  });
});
