import { type Fleet, fleetSchema } from "@drs-orchestrator/core";
import { SeededRandom } from "../faults/seeded-random";

const GIB = 1024 ** 3;
const APPS = ["payments", "orders", "inventory", "billing"] as const;
const TIERS = [
  { tier: "db", instanceType: "r5.xlarge", ramGib: 32, cores: 4 },
  { tier: "app", instanceType: "m5.large", ramGib: 8, cores: 2 },
  { tier: "web", instanceType: "t3.medium", ramGib: 4, cores: 2 },
] as const;

export interface GenerateFleetOptions {
  servers: number;
  seed?: number;
  /** Share of app-tier servers that run Windows, in percent. Default 0. */
  windowsPercent?: number;
  accountId?: string;
  region?: string;
}

/**
 * A synthetic fleet of any size, the same for the same seed: servers tagged `app`
 * (payments, orders, inventory, billing) and `tier` (db, app, web), replicating continuously, in
 * two /18 recovery subnets so even thousands of servers get source IPs in the launch subnet.
 */
export function generateFleet(options: GenerateFleetOptions): Fleet {
  const random = SeededRandom.stream(options.seed ?? 1, "fleet");
  const region = options.region ?? "us-east-1";
  const sourceServers = Array.from({ length: options.servers }, (_, index) => {
    const app = APPS[Math.floor(index / TIERS.length) % APPS.length] as string;
    const shape = TIERS[index % TIERS.length] as (typeof TIERS)[number];
    const windows = shape.tier === "app" && random.chance(options.windowsPercent ?? 0);
    const hostname = `${app}-${shape.tier}-${String(index + 1).padStart(4, "0")}`;
    return {
      sourceServerID: `s-${random.hex(17)}`,
      tags: { Name: hostname, app, tier: shape.tier },
      dataReplicationInfo: {
        dataReplicationState: "CONTINUOUS" as const,
        lagDuration: `PT${1 + random.int(5)}S`,
      },
      sourceProperties: {
        recommendedInstanceType: shape.instanceType,
        identificationHints: { hostname, fqdn: `${hostname}.corp.example.com` },
        os: {
          fullString: windows ? "Microsoft Windows Server 2019 Datacenter" : "Amazon Linux 2 (kernel 5.10)",
        },
        ramBytes: shape.ramGib * GIB,
        cpus: [{ cores: shape.cores, modelName: "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz" }],
      },
    };
  });
  const subnetA = `subnet-${random.hex(17)}`;
  const subnetB = `subnet-${random.hex(17)}`;
  const securityGroup = `sg-${random.hex(17)}`;
  return fleetSchema.parse({
    accountId: options.accountId ?? "111122223333",
    region,
    subnets: [
      { subnetId: subnetA, cidrBlock: "10.0.0.0/18", availabilityZone: `${region}a` },
      { subnetId: subnetB, cidrBlock: "10.0.64.0/18", availabilityZone: `${region}b` },
    ],
    securityGroupIds: [securityGroup, `sg-${random.hex(17)}`],
    launchDefaults: { subnetId: subnetA, securityGroupIds: [securityGroup] },
    sourceServers,
  });
}
