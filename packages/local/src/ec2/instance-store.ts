import { cidrContains, formatIpv4, isUsableAddress, usableAddresses } from "@drs-orchestrator/core";
import type { SimClock } from "../clock/sim-clock";
import { type SeededRandom, stableHex } from "../faults/seeded-random";
import type { FleetSubnet, LoadedFleet } from "../fleet/fleet-loader";
import { Ec2Error } from "./ec2-error";

export type InstanceStateName =
  | "pending"
  | "running"
  | "shutting-down"
  | "terminated"
  | "stopping"
  | "stopped";

export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** How long a terminating instance stays shutting-down, and its private IP stays taken. */
export const SHUTDOWN_SECONDS = 30;
/** How long status checks stay `initializing` after an instance starts running (EC2 takes 2–4 minutes). */
export const STATUS_CHECK_SECONDS = 150;

export interface InstanceSpec {
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  /** Omitted: EC2 picks a free address of the subnet. */
  privateIpAddress?: string;
  iamInstanceProfile?: { Arn?: string; Name?: string };
  tags: Record<string, string>;
  platform?: "windows";
}

export interface InstanceRecord {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIpAddress: string;
  securityGroupIds: string[];
  iamInstanceProfile?: { arn: string; id: string };
  tags: Record<string, string>;
  platform?: "windows";
  launchTimeMs: number;
  /** Set when the instance finished booting, into running or (launch disposition STOPPED) stopped. */
  boot?: { atMs: number; state: "running" | "stopped" };
  terminateRequestedMs?: number;
}

export type StatusCheck = "initializing" | "ok" | "not-applicable";

/**
 * The account's instances. States derive from timestamps on the simulated clock (pending until
 * booted, shutting-down for SHUTDOWN_SECONDS after terminate), so no timers are needed here.
 */
export class InstanceStore {
  private readonly instances = new Map<string, InstanceRecord>();

  constructor(
    private readonly fleet: LoadedFleet,
    private readonly clock: SimClock,
    private readonly random: SeededRandom,
  ) {}

  all(): InstanceRecord[] {
    return [...this.instances.values()];
  }

  get(instanceId: string): InstanceRecord | undefined {
    return this.instances.get(instanceId);
  }

  /**
   * Launches an instance in pending state, checking what EC2 RunInstances checks.
   * @throws Ec2Error InvalidSubnetID.NotFound, InvalidGroup.NotFound, InvalidParameterValue (IP outside
   *   the subnet), InvalidIPAddress.InUse
   */
  launch(spec: InstanceSpec): InstanceRecord {
    const subnet = this.fleet.subnets.find((candidate) => candidate.subnetId === spec.subnetId);
    if (!subnet)
      throw new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${spec.subnetId}' does not exist`);
    for (const group of spec.securityGroupIds) {
      if (!this.fleet.securityGroupIds.includes(group)) {
        throw new Ec2Error(
          "InvalidGroup.NotFound",
          `The security group '${group}' does not exist in VPC '${this.fleet.vpcId}'`,
        );
      }
    }
    const privateIpAddress = spec.privateIpAddress ?? this.freeAddress(subnet);
    if (!cidrContains(subnet.cidr, privateIpAddress) || !isUsableAddress(subnet.cidr, privateIpAddress)) {
      throw new Ec2Error(
        "InvalidParameterValue",
        `Address ${privateIpAddress} does not fall within the subnet's address range (${subnet.cidr.text} of ${subnet.subnetId})`,
      );
    }
    if (this.takenAddresses(subnet.subnetId).has(privateIpAddress)) {
      throw new Ec2Error("InvalidIPAddress.InUse", `Address ${privateIpAddress} is in use.`);
    }
    const record: InstanceRecord = {
      instanceId: `i-${this.random.hex(17)}`,
      reservationId: `r-${this.random.hex(17)}`,
      imageId: `ami-${this.random.hex(17)}`,
      instanceType: spec.instanceType,
      subnetId: subnet.subnetId,
      vpcId: this.fleet.vpcId,
      availabilityZone: subnet.availabilityZone,
      privateIpAddress,
      securityGroupIds: [...spec.securityGroupIds],
      iamInstanceProfile: spec.iamInstanceProfile && this.instanceProfile(spec.iamInstanceProfile),
      tags: { ...spec.tags },
      platform: spec.platform,
      launchTimeMs: this.clock.nowMs(),
    };
    this.instances.set(record.instanceId, record);
    return record;
  }

  /** Ends the pending phase; DRS decides when, from the boot time of the server's OS. */
  finishBoot(instanceId: string, state: "running" | "stopped"): void {
    const record = this.instances.get(instanceId);
    if (record && this.state(record) === "pending") record.boot = { atMs: this.clock.nowMs(), state };
  }

  /**
   * @throws Ec2Error InvalidInstanceID.NotFound naming the unknown IDs; nothing is terminated then
   */
  terminate(
    instanceIds: string[],
  ): { instanceId: string; previous: InstanceStateName; current: InstanceStateName }[] {
    const records = this.require(instanceIds);
    return records.map((record) => {
      const previous = this.state(record);
      if (record.terminateRequestedMs === undefined) record.terminateRequestedMs = this.clock.nowMs();
      return { instanceId: record.instanceId, previous, current: this.state(record) };
    });
  }

  /** @throws Ec2Error InvalidInstanceID.Malformed / InvalidInstanceID.NotFound */
  require(instanceIds: string[]): InstanceRecord[] {
    const malformed = instanceIds.find((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id));
    if (malformed) throw new Ec2Error("InvalidInstanceID.Malformed", `Invalid id: "${malformed}"`);
    const missing = instanceIds.filter((id) => !this.instances.has(id));
    if (missing.length > 0) {
      const list = missing.map((id) => `'${id}'`).join(", ");
      throw new Ec2Error(
        "InvalidInstanceID.NotFound",
        `The instance ID${missing.length > 1 ? "s" : ""} ${list} do${missing.length > 1 ? "" : "es"} not exist`,
      );
    }
    return instanceIds.map((id) => this.instances.get(id) as InstanceRecord);
  }

  state(record: InstanceRecord): InstanceStateName {
    const now = this.clock.nowMs();
    if (record.terminateRequestedMs !== undefined) {
      return now - record.terminateRequestedMs >= SHUTDOWN_SECONDS * 1000 ? "terminated" : "shutting-down";
    }
    return record.boot?.state ?? "pending";
  }

  /** System and instance status checks: initializing for a while after the instance runs, then ok. */
  statusCheck(record: InstanceRecord): StatusCheck {
    if (this.state(record) !== "running" || !record.boot) return "not-applicable";
    return this.clock.nowMs() - record.boot.atMs >= STATUS_CHECK_SECONDS * 1000 ? "ok" : "initializing";
  }

  /** Addresses held by instances of the subnet; a terminated instance holds none. */
  private takenAddresses(subnetId: string): Set<string> {
    const taken = new Set<string>();
    for (const record of this.instances.values()) {
      if (record.subnetId === subnetId && this.state(record) !== "terminated")
        taken.add(record.privateIpAddress);
    }
    return taken;
  }

  private freeAddress(subnet: FleetSubnet): string {
    const { first, count } = usableAddresses(subnet.cidr);
    const taken = this.takenAddresses(subnet.subnetId);
    for (let offset = 0; offset < count; offset++) {
      const ip = formatIpv4(first + offset);
      if (!taken.has(ip)) return ip;
    }
    throw new Ec2Error(
      "InsufficientFreeAddressesInSubnet",
      `The specified subnet ${subnet.subnetId} does not have enough free addresses to satisfy the request.`,
    );
  }

  private instanceProfile(profile: { Arn?: string; Name?: string }): { arn: string; id: string } {
    const arn = profile.Arn ?? `arn:aws:iam::${this.fleet.accountId}:instance-profile/${profile.Name}`;
    return { arn, id: `AIPA${stableHex(arn, 17).toUpperCase()}` };
  }
}
