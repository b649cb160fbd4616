import { StartRecoveryCommand } from "@aws-sdk/client-drs";
import { fleetSchema } from "@drs-orchestrator/core";
import { generateFleet } from "@drs-orchestrator/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFailures } from "../../packages/engine/src/steps/launch/launch-outcome";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";

const generated = generateFleet({ servers: 2, seed: 11 });
const [SYNCING, FORGOTTEN] = generated.sourceServers.map((server) => server.sourceServerID) as [
  string,
  string,
];
const fleet = fleetSchema.parse({
  ...generated,
  sourceServers: generated.sourceServers.map((server, index) => ({
    ...server,
    dataReplicationInfo: [
      { dataReplicationState: "INITIAL_SYNC" },
      // Disconnected for longer than DRS keeps any point-in-time snapshot.
      { dataReplicationState: "DISCONNECTED", lagDuration: "P8D" },
    ][index],
  })),
});

let env: LocalEngine;
beforeAll(async () => {
  env = await startLocalEngine({ fleet });
});
afterAll(() => env.stop());

describe("launch failure reasons from the DRS job log", () => {
  it("names the step that failed for a server with nothing to launch from", async () => {
    const { job } = await env.engine.aws.drs.send(
      new StartRecoveryCommand({
        isDrill: false,
        sourceServers: [{ sourceServerID: SYNCING }, { sourceServerID: FORGOTTEN }],
      }),
    );
    await env.local.drs.idle();
    const failures = await launchFailures(env.engine, job?.jobID as string);
    expect(failures.get(SYNCING)?.reason).toMatch(/^snapshot failed: .*INITIAL_SYNC/);
    expect(failures.get(FORGOTTEN)?.reason).toMatch(
      /^launch from the last point-in-time snapshot failed: .*past the retention policy/,
    );
  });
});
