import { faultsFileSchema } from "@drs-orchestrator/local";
import { describe, expect, it } from "vitest";
import { renderFaults } from "../../../packages/cli/src/output/faults-text";

describe("renderFaults", () => {
  it("says each fault in a line: servers sharing a replication change together, durations as people write them", () => {
    const file = faultsFileSchema.parse({
      replication: {
        "s-00000000000000001": { state: "DISCONNECTED", lag: "PT3H" },
        "s-00000000000000002": { state: "DISCONNECTED", lag: "3h" },
        "s-00000000000000003": { state: "STALLED" },
      },
      failLaunch: { "s-00000000000000004": 1, "s-00000000000000005": 2 },
      stall: { servers: ["s-00000000000000006"], after: "PT30M" },
      throttlePercent: 10,
      dropEventsPercent: 50,
      delayEventsSeconds: 90,
      seed: 7,
    });
    expect(renderFaults(file)).toEqual([
      "replication DISCONNECTED, lag 3h: s-00000000000000001, s-00000000000000002 (2 servers)",
      "replication STALLED: s-00000000000000003",
      "failLaunch: s-00000000000000004 fails its first launch",
      "failLaunch: s-00000000000000005 fails its first 2 launches",
      "replication stalls after 30m: s-00000000000000006",
      "10% of DRS calls throttled",
      "50% of DRS events dropped",
      "DRS events 1m30s late",
      "seed 7",
    ]);
    expect(renderFaults(faultsFileSchema.parse({}))).toEqual(["none"]);
  });

  it("says what drift the runtime starts with", () => {
    const file = faultsFileSchema.parse({
      drift: {
        deleteSubnets: ["subnet-0a1b2c3d4e5f60002"],
        deleteSecurityGroups: ["sg-0a1b2c3d4e5f60002", "sg-0a1b2c3d4e5f60003"],
        deleteInstanceProfiles: ["drs-recovered-payments"],
        moveTemplateDefault: ["s-00000000000000001"],
      },
    });
    expect(renderFaults(file)).toEqual([
      "subnets deleted: subnet-0a1b2c3d4e5f60002",
      "security groups deleted: sg-0a1b2c3d4e5f60002, sg-0a1b2c3d4e5f60003",
      "instance profiles deleted: drs-recovered-payments",
      "launch template edited by hand, default left behind: s-00000000000000001",
    ]);
  });
});
