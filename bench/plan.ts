/**
 * Times what `plan show --fleet` and a recovery start do with a plan: parse the YAML, validate it,
 * and lay it over the fleet (resolve groups, plan waves, merge launch settings, check readiness,
 * batch launches). The plan is the largest we design for: 2,000 servers in 50 groups.
 *
 *   npm run bench:plan
 */
import { performance } from "node:perf_hooks";
import { type FleetInput, layoutRecovery, parseFleetData, parsePlanText } from "@drs-orchestrator/core";
import { stringify } from "yaml";

const GROUPS = 50;
const SERVERS_PER_GROUP = 40;
const WARM_UP_RUNS = 5;
const RUNS = 30;
const TARGET_MS = 200;

const serverId = (n: number) => `s-${n.toString(16).padStart(17, "0")}`;

/** Every fifth group lists its servers by ID (with per-server overrides); the others select by tags. */
function buildPlan() {
  const groups = Array.from({ length: GROUPS }, (_, g) => {
    const ids = Array.from({ length: SERVERS_PER_GROUP }, (_, i) => serverId(g * SERVERS_PER_GROUP + i));
    // Each group waits for the previous one and for one five back, which gives many waves.
    const dependsOn = [g - 1, g - 5].filter((d) => d >= 0 && g % 3 !== 0).map((d) => `g${d}`);
    const byId = g % 5 === 0;
    return {
      id: `g${g}`,
      select: byId ? { sourceServerIds: ids } : { tags: { app: "bench", tier: `g${g}` } },
      ...(dependsOn.length > 0 && { dependsOn }),
      critical: g < 5,
      launch: { instanceType: "m6i.large", tags: { group: `g${g}` } },
      ...(byId && {
        servers: Object.fromEntries(
          ids
            .slice(0, 10)
            .map((id, i) => [id, { privateIp: `10.${g}.1.${10 + i}`, tags: { pinned: "yes" } }]),
        ),
      }),
    };
  });
  return {
    id: "bench",
    name: "Benchmark estate",
    rto: "4h",
    rpo: "15m",
    launch: {
      rightSizing: "NONE",
      subnetId: "subnet-0a1b2c3d4e5f60001",
      securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
      tags: { "recovered-by": "drs-orchestrator" },
    },
    groups,
    hooks: {
      afterWave: [{ mcp: { server: "incidents", tool: "add_note", arguments: { text: "wave {{wave}}" } } }],
    },
    failure: { maxFailedPercent: 5, retries: 1 },
  };
}

function buildFleet(): FleetInput {
  return {
    subnets: [
      { subnetId: "subnet-0a1b2c3d4e5f60001", cidrBlock: "10.0.0.0/8", availabilityZone: "us-east-1a" },
    ],
    securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
    launchDefaults: { subnetId: "subnet-0a1b2c3d4e5f60001", securityGroupIds: ["sg-0a1b2c3d4e5f60001"] },
    sourceServers: Array.from({ length: GROUPS * SERVERS_PER_GROUP }, (_, n) => ({
      sourceServerID: serverId(n),
      tags: { app: "bench", tier: `g${Math.floor(n / SERVERS_PER_GROUP)}`, env: "prod" },
      dataReplicationInfo: { dataReplicationState: "CONTINUOUS" as const, lagDuration: "PT3S" },
      sourceProperties: {
        recommendedInstanceType: "m6i.large",
        identificationHints: { hostname: `host-${n}` },
      },
    })),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const planText = stringify(buildPlan());
const fleet = parseFleetData(buildFleet());
if (!fleet.ok) throw new Error(`benchmark fleet is invalid: ${JSON.stringify(fleet.issues)}`);
const servers = fleet.fleet.sourceServers;

function once() {
  const start = performance.now();
  const result = parsePlanText(planText, "bench.yaml");
  if (!result.ok) throw new Error(`benchmark plan is invalid: ${JSON.stringify(result.issues.slice(0, 5))}`);
  const parsed = performance.now();
  const layout = layoutRecovery(result.plan, servers);
  return { parseMs: parsed - start, layoutMs: performance.now() - parsed, layout };
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

for (let i = 0; i < WARM_UP_RUNS; i++) once();
const runs = Array.from({ length: RUNS }, once);
const totals = runs.map((run) => run.parseMs + run.layoutMs).sort((a, b) => a - b);
const { waves } = (runs[0] as ReturnType<typeof once>).layout;
const batches = waves.flatMap((wave) => wave.batches);
const launched = batches.reduce((sum, batch) => sum + batch.sourceServerIds.length, 0);

console.log(
  `plan: ${GROUPS} groups, ${GROUPS * SERVERS_PER_GROUP} servers (${launched} in launch batches), ` +
    `${waves.length} waves, ${batches.length} batches, ${(planText.length / 1024).toFixed(0)} KiB of YAML`,
);
console.log(`runs: ${WARM_UP_RUNS} warm-up, ${RUNS} timed`);
console.log(
  `median: parse+validate ${median(runs.map((run) => run.parseMs)).toFixed(1)} ms, ` +
    `layoutRecovery ${median(runs.map((run) => run.layoutMs)).toFixed(1)} ms`,
);
console.log(
  `total: min ${totals[0]?.toFixed(1)} ms, median ${percentile(totals, 50).toFixed(1)} ms, ` +
    `p95 ${percentile(totals, 95).toFixed(1)} ms (target ≤ ${TARGET_MS} ms)`,
);
const withinTarget = percentile(totals, 50) <= TARGET_MS;
console.log(withinTarget ? "median within target" : "median OVER TARGET");
if (!withinTarget) process.exitCode = 1;
