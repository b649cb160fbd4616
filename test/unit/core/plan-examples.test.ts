import { readdir, readFile } from "node:fs/promises";
import {
  type Fleet,
  layoutRecovery,
  loadFleetFile,
  loadPlanFile,
  type Plan,
  planWaves,
} from "@drs-orchestrator/core";
import { beforeAll, describe, expect, it } from "vitest";
import { fleetFileText } from "../../../examples/generate-fleet";

async function plan(file: string): Promise<Plan> {
  const result = await loadPlanFile(`examples/plans/${file}`);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.plan;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toNumber = (address: string) => address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
  const [base, bits] = cidr.split("/") as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

describe("examples", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    const result = await loadFleetFile("examples/fleet.json");
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    fleet = result.fleet;
  });

  it("commits the fleet exactly as generate-fleet.ts writes it", async () => {
    expect(await readFile("examples/fleet.json", "utf8")).toBe(fleetFileText());
  });

  it("every example plan is valid and selects existing servers, each by one group", async () => {
    const files = (await readdir("examples/plans")).filter((file) => file.endsWith(".yaml"));
    expect(files.sort()).toEqual(["estate-300.yaml", "overrides-hooks-approval.yaml", "three-tier.yaml"]);
    for (const file of files) {
      const { resolution } = layoutRecovery(await plan(file), fleet.sourceServers);
      expect({
        file,
        unmatched: resolution.unmatchedIds,
        empty: resolution.emptyGroups,
        overlaps: resolution.overlaps,
      }).toEqual({ file, unmatched: [], empty: [], overlaps: [] });
    }
  });

  it("three-tier: db → app → web, 9 servers, db critical, all ready", async () => {
    const shop = await plan("three-tier.yaml");
    expect(planWaves(shop).map((wave) => wave.groupIds)).toEqual([["db"], ["app"], ["web"]]);
    expect(shop.groups.find((group) => group.id === "db")?.critical).toBe(true);
    const layout = layoutRecovery(shop, fleet.sourceServers);
    const servers = layout.waves.flatMap((wave) => wave.groups.flatMap((group) => group.servers));
    expect(servers).toHaveLength(9);
    expect(layout.notReady).toEqual([]);
  });

  it("estate: 300 servers in 12 groups over at least 5 waves, three of them not ready", async () => {
    const estate = await plan("estate-300.yaml");
    expect(estate.groups).toHaveLength(12);
    const layout = layoutRecovery(estate, fleet.sourceServers);
    expect(layout.waves.length).toBeGreaterThanOrEqual(5);
    expect(layout.waves.flatMap((wave) => wave.groups.flatMap((group) => group.servers))).toHaveLength(300);
    expect(layout.notReady.map((readiness) => readiness.code).sort()).toEqual([
      "LAG_OVER_RPO",
      "NOT_CONTINUOUS",
      "STALLED",
    ]);
  });

  it("overrides-hooks-approval: a private IP inside its subnet, every hook kind, an approval gate", async () => {
    const payments = await plan("overrides-hooks-approval.yaml");
    const db = payments.groups.find((group) => group.id === "db");
    const pinned = Object.values(db?.servers ?? {}).find((settings) => settings.privateIp);
    const subnet = fleet.subnets.find((candidate) => candidate.subnetId === db?.launch?.subnetId);
    expect(pinned?.privateIp && subnet && ipInCidr(pinned.privateIp, subnet.cidrBlock)).toBe(true);

    const hooks = Object.values(payments.hooks ?? {}).flat();
    for (const kind of ["mcp", "lambda", "ssm", "event"] as const) {
      expect(hooks.some((hook) => hook[kind] !== undefined)).toBe(true);
    }
    expect(hooks.some((hook) => hook.mcp?.server === "incidents")).toBe(true);
    expect(payments.groups.some((group) => group.approval)).toBe(true);
    expect(layoutRecovery(payments, fleet.sourceServers).notReady).toEqual([]);
  });

  it("invalid-plans/cycle.yaml is rejected for its dependency cycle", async () => {
    const result = await loadPlanFile("examples/invalid-plans/cycle.yaml");
    expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual([
      "dependency cycle: db → web → app → db",
    ]);
  });
});
