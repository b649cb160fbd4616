import { fleetSchema } from "@drs-orchestrator/core";
import { describe, expect, it } from "vitest";
import { cidrContains, isUsableAddress, parseCidr } from "../../packages/core/src/common/cidr";
import { DRS_MANAGED_TAG, loadFleet } from "../../packages/local/src/fleet/fleet-loader";
import { generateFleet } from "../../packages/local/src/fleet/generate-fleet";

const NOW = new Date("2026-11-21T10:00:00Z");
const options = { accountId: "111122223333", region: "us-east-1", now: NOW };

function smallFleet() {
  return fleetSchema.parse({
    subnets: [
      { subnetId: "subnet-0aaa1111", cidrBlock: "10.1.0.0/28", availabilityZone: "us-east-1a" },
      { subnetId: "subnet-0bbb2222", cidrBlock: "10.2.0.0/24", availabilityZone: "us-east-1b" },
    ],
    securityGroupIds: ["sg-0aaa1111", "sg-0bbb2222"],
    launchDefaults: { subnetId: "subnet-0aaa1111", securityGroupIds: ["sg-0aaa1111"] },
    sourceServers: [
      { sourceServerID: "s-00000000000000001", sourceProperties: { ramBytes: 30 * 1024 ** 3 } },
      {
        sourceServerID: "s-00000000000000002",
        tags: { Name: "win-app" },
        sourceProperties: {
          os: { fullString: "Microsoft Windows Server 2022" },
          recommendedInstanceType: "c5.xlarge",
          networkInterfaces: [{ ips: ["192.168.7.9"], isPrimary: true }],
        },
      },
      { sourceServerID: "s-00000000000000003", dataReplicationInfo: { dataReplicationState: "STALLED" } },
    ],
  });
}

describe("fleet loader", () => {
  it("generates the same fleet for the same seed and another for another seed", () => {
    const a = generateFleet({ servers: 12, seed: 7, windowsPercent: 50 });
    const b = generateFleet({ servers: 12, seed: 7, windowsPercent: 50 });
    const c = generateFleet({ servers: 12, seed: 8, windowsPercent: 50 });
    expect(a).toEqual(b);
    expect(c.sourceServers.map((s) => s.sourceServerID)).not.toEqual(
      a.sourceServers.map((s) => s.sourceServerID),
    );
    expect(new Set(a.sourceServers.map((s) => s.sourceServerID)).size).toBe(12);
    expect(a.sourceServers.map((s) => s.tags.tier)).toEqual(Array(4).fill(["db", "app", "web"]).flat());
    expect(a.sourceServers.some((s) => /Windows/.test(s.sourceProperties?.os?.fullString ?? ""))).toBe(true);
  });

  it("derives one launch configuration and one DRS-managed launch template per server", () => {
    const loaded = loadFleet(smallFleet(), options);
    expect(loaded.servers).toHaveLength(3);
    const [first, windows] = loaded.servers;
    expect(first?.arn).toBe("arn:aws:drs:us-east-1:111122223333:source-server/s-00000000000000001");
    expect(first?.launchTemplate.launchTemplateId).toMatch(/^lt-[0-9a-f]{17}$/);
    expect(first?.launchConfiguration).toMatchObject({
      sourceServerID: "s-00000000000000001",
      ec2LaunchTemplateID: first?.launchTemplate.launchTemplateId,
      targetInstanceTypeRightSizingMethod: "BASIC",
      launchDisposition: "STARTED",
      copyPrivateIp: false,
      copyTags: false,
    });
    expect(first?.launchTemplate.data).toEqual({
      InstanceType: "m5.2xlarge",
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          SubnetId: "subnet-0aaa1111",
          Groups: ["sg-0aaa1111"],
          AssociatePublicIpAddress: false,
          DeleteOnTermination: true,
        },
      ],
    });
    expect(windows?.os).toBe("WINDOWS");
    expect(windows?.recommendedInstanceType).toBe("c5.xlarge");
    expect(first?.os).toBe("LINUX");
    // Loading again from another process gives the same IDs: the EC2 and DRS emulators rely on it.
    expect(loadFleet(smallFleet(), options).servers.map((s) => s.launchTemplate.launchTemplateId)).toEqual(
      loaded.servers.map((s) => s.launchTemplate.launchTemplateId),
    );
    expect(DRS_MANAGED_TAG).toEqual({ key: "AWSElasticDisasterRecoveryManaged", value: "drs.amazonaws.com" });
  });

  it("gives each server a unique, usable source IP in the launch subnet unless the fleet names one", () => {
    const loaded = loadFleet(smallFleet(), options);
    const cidr = parseCidr("10.1.0.0/28");
    const [first, windows, third] = loaded.servers;
    expect(windows?.privateIp).toBe("192.168.7.9");
    for (const server of [first, third]) {
      expect(cidrContains(cidr, server?.privateIp ?? "")).toBe(true);
      expect(isUsableAddress(cidr, server?.privateIp ?? "")).toBe(true);
    }
    expect(first?.privateIp).not.toBe(third?.privateIp);
    expect(first?.item.sourceProperties?.networkInterfaces?.[0]?.ips).toEqual([first?.privateIp]);
  });

  it("completes items with the fields DescribeSourceServers always returns", () => {
    const [first, , stalled] = loadFleet(smallFleet(), options).servers;
    expect(first?.item).toMatchObject({
      sourceServerID: "s-00000000000000001",
      lastLaunchResult: "NOT_STARTED",
      replicationDirection: "FAILOVER",
      dataReplicationInfo: { dataReplicationState: "CONTINUOUS", lagDuration: "PT1S" },
      lifeCycle: { lastSeenByServiceDateTime: "2026-11-21T10:00:00Z" },
      sourceProperties: { recommendedInstanceType: "m5.2xlarge", os: { fullString: "Linux" } },
    });
    expect(stalled?.item.dataReplicationInfo?.dataReplicationState).toBe("STALLED");
  });

  it("refuses launch defaults outside the fleet's subnets and servers listed twice", () => {
    const fleet = smallFleet();
    expect(() =>
      loadFleet(
        { ...fleet, launchDefaults: { ...fleet.launchDefaults, subnetId: "subnet-0ccc3333" } },
        options,
      ),
    ).toThrow(/launchDefaults.subnetId "subnet-0ccc3333" is not one of the fleet's subnets/);
    const first = fleet.sourceServers[0];
    expect(() =>
      loadFleet({ ...fleet, sourceServers: [...fleet.sourceServers, first as never] }, options),
    ).toThrow(/lists source server s-00000000000000001 twice/);
  });

  it("runs out of source IPs with a clear error when the launch subnet is full", () => {
    const fleet = smallFleet();
    const servers = Array.from({ length: 12 }, (_, i) => ({
      sourceServerID: `s-${String(i).padStart(17, "0")}`,
      tags: {},
    }));
    // A /28 has 16 addresses, 11 usable: the twelfth server has none left.
    expect(() => loadFleet({ ...fleet, sourceServers: servers }, options)).toThrow(/no free address left/);
  });
});
