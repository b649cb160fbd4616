/**
 * Writes examples/fleet.json: the source servers every example plan selects, as DRS
 * DescribeSourceServers returns them, plus the recovery network. Deterministic: server IDs are
 * derived from hostnames, so re-running it reproduces the committed file byte for byte.
 *
 *   npx tsx examples/generate-fleet.ts
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type DataReplicationState, type FleetInput, parseFleetData } from "@drs-orchestrator/core";

const ACCOUNT_ID = "111122223333";
const REGION = "us-east-1";
const GIB = 1024 ** 3;

interface ServerKind {
  app: string;
  tier: string;
  count: number;
  instanceType: string;
  cores: number;
  ramGib: number;
  os: string;
}

const LINUX = "Linux version 5.15.0-1055-aws (Ubuntu 22.04.4 LTS)";
const RHEL = "Linux version 5.14.0-362.8.1.el9_3.x86_64 (Red Hat Enterprise Linux 9.3)";
const WINDOWS = "Microsoft Windows Server 2022 Datacenter 10.0.20348 Build 20348";

/** The three-tier shop, the payments platform and a 300-server estate of 12 tiers. */
const KINDS: readonly ServerKind[] = [
  { app: "shop", tier: "db", count: 3, instanceType: "r6i.xlarge", cores: 4, ramGib: 32, os: LINUX },
  { app: "shop", tier: "app", count: 3, instanceType: "m6i.large", cores: 2, ramGib: 8, os: LINUX },
  { app: "shop", tier: "web", count: 3, instanceType: "c6i.large", cores: 2, ramGib: 4, os: LINUX },
  { app: "payments", tier: "db", count: 2, instanceType: "r6i.2xlarge", cores: 8, ramGib: 64, os: RHEL },
  { app: "payments", tier: "api", count: 4, instanceType: "m6i.xlarge", cores: 4, ramGib: 16, os: RHEL },
  { app: "payments", tier: "worker", count: 3, instanceType: "c6i.xlarge", cores: 4, ramGib: 8, os: RHEL },
  { app: "estate", tier: "dns", count: 6, instanceType: "t3.medium", cores: 2, ramGib: 4, os: WINDOWS },
  { app: "estate", tier: "identity", count: 8, instanceType: "m6i.large", cores: 2, ramGib: 8, os: WINDOWS },
  { app: "estate", tier: "db-core", count: 24, instanceType: "r6i.2xlarge", cores: 8, ramGib: 64, os: RHEL },
  {
    app: "estate",
    tier: "db-reporting",
    count: 12,
    instanceType: "r6i.xlarge",
    cores: 4,
    ramGib: 32,
    os: RHEL,
  },
  { app: "estate", tier: "cache", count: 16, instanceType: "r6i.large", cores: 2, ramGib: 16, os: LINUX },
  { app: "estate", tier: "queue", count: 14, instanceType: "m6i.large", cores: 2, ramGib: 8, os: LINUX },
  { app: "estate", tier: "api-core", count: 60, instanceType: "m6i.xlarge", cores: 4, ramGib: 16, os: LINUX },
  {
    app: "estate",
    tier: "api-partner",
    count: 30,
    instanceType: "m6i.large",
    cores: 2,
    ramGib: 8,
    os: LINUX,
  },
  { app: "estate", tier: "workers", count: 50, instanceType: "c6i.xlarge", cores: 4, ramGib: 8, os: LINUX },
  {
    app: "estate",
    tier: "reporting",
    count: 20,
    instanceType: "m6i.large",
    cores: 2,
    ramGib: 8,
    os: WINDOWS,
  },
  { app: "estate", tier: "web", count: 48, instanceType: "c6i.large", cores: 2, ramGib: 4, os: LINUX },
  { app: "estate", tier: "edge", count: 12, instanceType: "c6i.large", cores: 2, ramGib: 4, os: LINUX },
];

/** Servers that are not ready, so `plan show` has something to flag (all in the estate). */
const NOT_READY: Record<string, { state: DataReplicationState; lag?: string }> = {
  "estate-workers-17": { state: "STALLED", lag: "PT41M" },
  "estate-reporting-04": { state: "CONTINUOUS", lag: "PT25M" },
  "estate-web-31": { state: "INITIAL_SYNC" },
};

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function sourceServerId(hostname: string): string {
  return `s-${digest(hostname).slice(0, 17)}`;
}

function sourceServer(kind: ServerKind, n: number) {
  const hostname = `${kind.app}-${kind.tier}-${String(n).padStart(2, "0")}`;
  const id = sourceServerId(hostname);
  const hash = digest(`${hostname}/replication`);
  const notReady = NOT_READY[hostname];
  const diskBytes = (kind.tier.includes("db") ? 500 : 100) * GIB;
  // A healthy server lags a few seconds; INITIAL_SYNC has no lag to report yet.
  const lagDuration = notReady ? notReady.lag : `PT${1 + (Number.parseInt(hash.slice(0, 2), 16) % 9)}S`;
  return {
    sourceServerID: id,
    arn: `arn:aws:drs:${REGION}:${ACCOUNT_ID}:source-server/${id}`,
    tags: { app: kind.app, tier: kind.tier, env: "prod" },
    lastLaunchResult: "NOT_STARTED",
    replicationDirection: "FAILOVER",
    dataReplicationInfo: {
      dataReplicationState: notReady?.state ?? "CONTINUOUS",
      ...(lagDuration !== undefined && { lagDuration }),
      replicatedDisks: [
        {
          deviceName: kind.os === WINDOWS ? "disk0" : "/dev/nvme0n1",
          totalStorageBytes: diskBytes,
          replicatedStorageBytes:
            notReady?.state === "INITIAL_SYNC" ? Math.floor(diskBytes * 0.37) : diskBytes,
          backloggedStorageBytes: 0,
        },
      ],
    },
    sourceProperties: {
      recommendedInstanceType: kind.instanceType,
      identificationHints: {
        hostname,
        fqdn: `${hostname}.corp.example.com`,
        awsInstanceID: `i-${digest(`${hostname}/ec2`).slice(0, 17)}`,
      },
      cpus: [{ cores: kind.cores, modelName: "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" }],
      ramBytes: kind.ramGib * GIB,
      disks: [{ deviceName: kind.os === WINDOWS ? "disk0" : "/dev/nvme0n1", bytes: diskBytes }],
      os: { fullString: kind.os },
    },
  };
}

export function generateFleet(): FleetInput {
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    subnets: [
      { subnetId: "subnet-0a1b2c3d4e5f60001", cidrBlock: "10.10.0.0/20", availabilityZone: "us-east-1a" },
      { subnetId: "subnet-0a1b2c3d4e5f60002", cidrBlock: "10.10.16.0/20", availabilityZone: "us-east-1b" },
      { subnetId: "subnet-0a1b2c3d4e5f60003", cidrBlock: "10.10.32.0/20", availabilityZone: "us-east-1c" },
    ],
    securityGroupIds: ["sg-0a1b2c3d4e5f60001", "sg-0a1b2c3d4e5f60002", "sg-0a1b2c3d4e5f60003"],
    // The profile the payments plan gives its recovered instances.
    instanceProfiles: ["drs-recovered-payments"],
    launchDefaults: { subnetId: "subnet-0a1b2c3d4e5f60001", securityGroupIds: ["sg-0a1b2c3d4e5f60001"] },
    sourceServers: KINDS.flatMap((kind) =>
      Array.from({ length: kind.count }, (_, i) => sourceServer(kind, i + 1)),
    ),
  };
}

/** The file as committed: two-space JSON with a final newline. */
export function fleetFileText(): string {
  return `${JSON.stringify(generateFleet(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const checked = parseFleetData(generateFleet());
  if (!checked.ok) throw new Error(`generated fleet is invalid: ${JSON.stringify(checked.issues)}`);
  const target = fileURLToPath(new URL("./fleet.json", import.meta.url));
  writeFileSync(target, fleetFileText());
  console.log(`wrote ${checked.fleet.sourceServers.length} source servers to ${target}`);
}
