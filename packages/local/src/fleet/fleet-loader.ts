import type { SourceServer as DrsSourceServer, LaunchConfiguration } from "@aws-sdk/client-drs";
import type { Fleet } from "@drs-orchestrator/core";
import { type Cidr, formatIpv4, isUsableAddress, parseCidr, usableAddresses } from "@drs-orchestrator/core";
import type { LaunchTemplateData } from "../ec2/launch-template-data";
import { stableHex } from "../faults/seeded-random";
import { recommendInstanceType } from "./right-sizing";

export type OsFamily = "LINUX" | "WINDOWS";

export interface FleetSubnet {
  subnetId: string;
  cidr: Cidr;
  availabilityZone: string;
}

/** Everything the DRS and EC2 emulators start with for one source server. */
export interface FleetServer {
  sourceServerID: string;
  arn: string;
  os: OsFamily;
  recommendedInstanceType: string;
  /** The source machine's private IP, which copyPrivateIp carries over. */
  privateIp: string;
  /** The DescribeSourceServers item: the fleet's fields, completed with those DRS always returns. */
  item: DrsSourceServer;
  launchConfiguration: LaunchConfiguration;
  launchTemplate: { launchTemplateId: string; launchTemplateName: string; data: LaunchTemplateData };
}

export interface LoadedFleet {
  accountId: string;
  region: string;
  vpcId: string;
  subnets: FleetSubnet[];
  securityGroupIds: string[];
  servers: FleetServer[];
}

/** Tags DRS puts on the launch templates and instances it manages. */
export const DRS_MANAGED_TAG = { key: "AWSElasticDisasterRecoveryManaged", value: "drs.amazonaws.com" };
export const DRS_SOURCE_SERVER_TAG = "AWSElasticDisasterRecoverySourceServerID";

const GIB = 1024 ** 3;
const DAY_MS = 86_400_000;

/**
 * Turns a parsed fleet into the starting state of the local DRS and EC2: IDs derived from the
 * source server IDs, so both emulators, built separately from the same fleet, agree on them.
 * @throws Error when the fleet's launch defaults name a subnet the fleet does not have
 */
export function loadFleet(
  fleet: Fleet,
  options: { accountId: string; region: string; now: Date },
): LoadedFleet {
  const { accountId, region } = options;
  const subnets = fleet.subnets.map((subnet) => ({
    subnetId: subnet.subnetId,
    cidr: parseCidr(subnet.cidrBlock),
    availabilityZone: subnet.availabilityZone,
  }));
  const launchSubnet = subnets.find((subnet) => subnet.subnetId === fleet.launchDefaults.subnetId);
  if (!launchSubnet) {
    throw new Error(
      `fleet launchDefaults.subnetId "${fleet.launchDefaults.subnetId}" is not one of the fleet's subnets (${subnets
        .map((subnet) => subnet.subnetId)
        .join(", ")}): add it to subnets or pick one of them`,
    );
  }
  const seen = new Set<string>();
  const usedIps = new Set<string>();
  const givenIps = fleet.sourceServers.map((server) => givenPrivateIp(server.sourceProperties));
  for (const ip of givenIps) if (ip) usedIps.add(ip);

  const servers = fleet.sourceServers.map((server, index): FleetServer => {
    const id = server.sourceServerID;
    if (seen.has(id)) throw new Error(`fleet lists source server ${id} twice`);
    seen.add(id);
    const arn = `arn:aws:drs:${region}:${accountId}:source-server/${id}`;
    const properties = server.sourceProperties;
    const osName = properties?.os?.fullString ?? "Linux";
    const os: OsFamily = /windows/i.test(osName) ? "WINDOWS" : "LINUX";
    const recommendedInstanceType =
      properties?.recommendedInstanceType ?? recommendInstanceType(properties?.ramBytes);
    const privateIp = givenIps[index] ?? allocateSourceIp(launchSubnet.cidr, id, usedIps);
    const hostname = properties?.identificationHints?.hostname ?? `ip-${privateIp.replaceAll(".", "-")}`;
    const launchTemplateId = `lt-${stableHex(`${accountId}/${region}/${id}`, 17)}`;
    const launchTemplateName = `drs-${id}`;
    return {
      sourceServerID: id,
      arn,
      os,
      recommendedInstanceType,
      privateIp,
      item: completeItem(server, {
        arn,
        os,
        osName,
        hostname,
        privateIp,
        recommendedInstanceType,
        stagingAvailabilityZone: launchSubnet.availabilityZone,
        now: options.now,
      }),
      launchConfiguration: {
        sourceServerID: id,
        name: hostname,
        ec2LaunchTemplateID: launchTemplateId,
        launchDisposition: "STARTED",
        targetInstanceTypeRightSizingMethod: "BASIC",
        copyPrivateIp: false,
        copyTags: false,
        licensing: { osByol: false },
        postLaunchEnabled: false,
      },
      launchTemplate: {
        launchTemplateId,
        launchTemplateName,
        data: {
          InstanceType: recommendedInstanceType,
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              SubnetId: fleet.launchDefaults.subnetId,
              Groups: [...fleet.launchDefaults.securityGroupIds],
              AssociatePublicIpAddress: false,
              DeleteOnTermination: true,
            },
          ],
        },
      },
    };
  });

  return {
    accountId,
    region,
    vpcId: `vpc-${stableHex(`${accountId}/${region}/vpc`, 17)}`,
    subnets,
    securityGroupIds: [...fleet.securityGroupIds],
    servers,
  };
}

type FleetSourceProperties = Fleet["sourceServers"][number]["sourceProperties"];

function givenPrivateIp(properties: FleetSourceProperties): string | undefined {
  const interfaces = (
    properties as { networkInterfaces?: { ips?: string[]; isPrimary?: boolean }[] } | undefined
  )?.networkInterfaces;
  const primary = interfaces?.find((ni) => ni.isPrimary) ?? interfaces?.[0];
  return primary?.ips?.[0];
}

/**
 * A source IP for a server the fleet gives none: derived from its ID inside the launch subnet,
 * so copyPrivateIp works out of the box and the same fleet always gives the same addresses.
 */
function allocateSourceIp(cidr: Cidr, sourceServerId: string, used: Set<string>): string {
  const { first, count } = usableAddresses(cidr);
  if (count === 0) throw new Error(`subnet ${cidr.text} has no usable addresses`);
  const start = Number.parseInt(stableHex(sourceServerId, 8), 16) % count;
  for (let step = 0; step < count; step++) {
    const ip = formatIpv4(first + ((start + step) % count));
    if (!used.has(ip) && isUsableAddress(cidr, ip)) {
      used.add(ip);
      return ip;
    }
  }
  throw new Error(`subnet ${cidr.text} has no free address left for source server ${sourceServerId}`);
}

function completeItem(
  server: Fleet["sourceServers"][number],
  derived: {
    arn: string;
    os: OsFamily;
    osName: string;
    hostname: string;
    privateIp: string;
    recommendedInstanceType: string;
    stagingAvailabilityZone: string;
    now: Date;
  },
): DrsSourceServer {
  const item = structuredClone(server) as DrsSourceServer & Record<string, unknown>;
  const now = derived.now.getTime();
  const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const properties = item.sourceProperties ?? {};
  const ramBytes = properties.ramBytes ?? 8 * GIB;
  const disks = properties.disks ?? [
    { deviceName: derived.os === "WINDOWS" ? "Disk0" : "/dev/sda", bytes: 100 * GIB },
  ];
  const replication = item.dataReplicationInfo;
  return {
    ...item,
    arn: derived.arn,
    tags: item.tags ?? {},
    lastLaunchResult: item.lastLaunchResult ?? "NOT_STARTED",
    replicationDirection: item.replicationDirection ?? "FAILOVER",
    stagingArea: item.stagingArea ?? { status: "NOT_EXTENDED" },
    dataReplicationInfo: {
      ...replication,
      dataReplicationState: replication?.dataReplicationState ?? "CONTINUOUS",
      lagDuration: replication?.lagDuration ?? "PT1S",
      stagingAvailabilityZone: replication?.stagingAvailabilityZone ?? derived.stagingAvailabilityZone,
      replicatedDisks:
        replication?.replicatedDisks ??
        disks.map((disk) => ({
          deviceName: disk.deviceName,
          totalStorageBytes: disk.bytes,
          replicatedStorageBytes: disk.bytes,
          rescannedStorageBytes: 0,
          backloggedStorageBytes: 0,
        })),
    },
    lifeCycle: item.lifeCycle ?? {
      addedToServiceDateTime: iso(now - 30 * DAY_MS),
      firstByteDateTime: iso(now - 30 * DAY_MS + 60_000),
      elapsedReplicationDuration: "P30D",
      lastSeenByServiceDateTime: iso(now),
    },
    sourceProperties: {
      ...properties,
      lastUpdatedDateTime: properties.lastUpdatedDateTime ?? iso(now),
      recommendedInstanceType: derived.recommendedInstanceType,
      identificationHints: {
        ...properties.identificationHints,
        hostname: derived.hostname,
        fqdn: properties.identificationHints?.fqdn ?? `${derived.hostname}.corp.example.com`,
      },
      networkInterfaces: properties.networkInterfaces ?? [
        { macAddress: macAddressFor(derived.arn), ips: [derived.privateIp], isPrimary: true },
      ],
      disks,
      cpus: properties.cpus ?? [{ cores: 2, modelName: "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz" }],
      ramBytes,
      os: { fullString: derived.osName },
    },
  };
}

function macAddressFor(name: string): string {
  const hex = `02${stableHex(name, 10)}`;
  return hex.match(/../g)?.join(":") ?? hex;
}
