import { type Instance, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import type { ServerItem } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, type EndedExecution, startDeployedApp } from "../support/local-app";

/**
 * The launch settings of examples/plans/overrides-hooks-approval.yaml (plan ← group ← server),
 * proven on the EC2 instances DRS launched, as EC2 DescribeInstances reports them.
 */

const SUBNETS = {
  "subnet-0a1b2c3d4e5f60001": "10.10.0.0/20",
  "subnet-0a1b2c3d4e5f60002": "10.10.16.0/20",
} as const;

interface Expected {
  instanceType: string;
  subnetId: keyof typeof SUBNETS;
  securityGroupIds: string[];
  privateIp?: string;
  tags: Record<string, string>;
  state: "running" | "stopped";
}

const planTags = { "recovered-by": "drs-orchestrator", "data-class": "pci" };
const db = { subnetId: "subnet-0a1b2c3d4e5f60002", securityGroupIds: ["sg-0a1b2c3d4e5f60002"] } as const;
const plain = { subnetId: "subnet-0a1b2c3d4e5f60001", securityGroupIds: ["sg-0a1b2c3d4e5f60001"] } as const;

/** Restated by hand from the plan file and the fleet's recommended instance types (right-sizing BASIC). */
const EXPECTED: Record<string, Expected> = {
  // db group: rightSizing NONE, r6i.2xlarge, subnet/SG 0002; the primary pinned to 10.10.16.15.
  "s-7c3596b519091e6eb": {
    ...db,
    securityGroupIds: [...db.securityGroupIds],
    instanceType: "r6i.2xlarge",
    privateIp: "10.10.16.15",
    tags: { ...planTags, role: "primary" },
    state: "running",
  },
  "s-c4ccb4e6c579fb1fa": {
    ...db,
    securityGroupIds: [...db.securityGroupIds],
    instanceType: "r6i.xlarge",
    tags: { ...planTags, role: "replica" },
    state: "running",
  },
  // api group: one server with its own type, right-sizing off and launched STOPPED; the rest right-sized.
  "s-bcade8012ff37108a": {
    ...plain,
    securityGroupIds: [...plain.securityGroupIds],
    instanceType: "m6i.2xlarge",
    tags: planTags,
    state: "stopped",
  },
  ...Object.fromEntries(
    ["s-7b6289308dfedf69b", "s-2e944b5d38d21c967", "s-83cdef3cb6cd73f4a"].map((id) => [
      id,
      {
        ...plain,
        securityGroupIds: [...plain.securityGroupIds],
        instanceType: "m6i.xlarge",
        tags: planTags,
        state: "running",
      },
    ]),
  ),
  ...Object.fromEntries(
    ["s-4685e77302e02c076", "s-f0090cd1a00839da4", "s-ef0a2ff0ecccce3c7"].map((id) => [
      id,
      {
        ...plain,
        securityGroupIds: [...plain.securityGroupIds],
        instanceType: "c6i.xlarge",
        tags: planTags,
        state: "running",
      },
    ]),
  ),
};

function ipNumber(ip: string): number {
  return ip.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = ipNumber(base);
  return ipNumber(ip) >= start && ipNumber(ip) < start + size;
}

let env: DeployedApp;
let ended: EndedExecution;
let servers: ServerItem[];
const instances = new Map<string, Instance>();

beforeAll(async () => {
  // The plan gates its API wave on an approval by payments-oncall that expires after 30 simulated
  // minutes: at this speed that leaves the approver seconds of real time.
  env = await startDeployedApp({ speed: 500 });
  ended = await env.drill(await env.applyPlan("overrides-hooks-approval.yaml"), {
    deadlineMs: 60_000,
    approveAs: "payments-oncall",
  });
  servers = await env.engine.executions.servers(ended.meta.executionId);
  for await (const page of paginateDescribeInstances({ client: env.ec2 }, {})) {
    for (const instance of (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? [])) {
      instances.set(instance.InstanceId as string, instance);
    }
  }
}, 90_000);

afterAll(() => env?.stop());

function launched(sourceServerId: string): Instance {
  const server = servers.find((s) => s.sourceServerId === sourceServerId);
  expect(server?.status, sourceServerId).toBe("HEALTHY");
  const instance = instances.get(server?.ec2InstanceId as string);
  expect(instance, `${sourceServerId}: no EC2 instance ${server?.ec2InstanceId}`).toBeDefined();
  return instance as Instance;
}

describe("a drill of the overrides example plan", () => {
  it("succeeds with every server of the plan launched", () => {
    expect(ended.status).toBe("SUCCEEDED");
    expect(servers.map((s) => s.sourceServerId).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))(
    "launches %s with the plan's instance type, subnet, security groups and instance profile",
    (id) => {
      const instance = launched(id);
      const expected = EXPECTED[id] as Expected;
      expect(instance.InstanceType).toBe(expected.instanceType);
      expect(instance.SubnetId).toBe(expected.subnetId);
      expect((instance.SecurityGroups ?? []).map((group) => group.GroupId)).toEqual(
        expected.securityGroupIds,
      );
      expect(instance.State?.Name).toBe(expected.state);
      // The plan's instance profile, by name.
      expect(instance.IamInstanceProfile?.Arn).toMatch(/:instance-profile\/drs-recovered-payments$/);
    },
  );

  it("gives the pinned database primary its private IP, and everyone else an address of their subnet", () => {
    for (const [id, expected] of Object.entries(EXPECTED)) {
      const ip = launched(id).PrivateIpAddress as string;
      if (expected.privateIp) expect(ip, id).toBe(expected.privateIp);
      else expect(ip, id).not.toBe("10.10.16.15");
      expect(inCidr(ip, SUBNETS[expected.subnetId]), `${id}: ${ip} outside ${expected.subnetId}`).toBe(true);
    }
    const primary = servers.find((s) => s.sourceServerId === "s-7c3596b519091e6eb");
    expect(primary?.privateIp).toBe("10.10.16.15");
  });

  it("tags each instance with the plan's and the server's tags, over the source server's own (copyTags)", async () => {
    const sources = new Map(env.local.drs.sourceServers().map((s) => [s.sourceServerID, s.tags ?? {}]));
    for (const [id, expected] of Object.entries(EXPECTED)) {
      const tags = Object.fromEntries((launched(id).Tags ?? []).map((tag) => [tag.Key, tag.Value]));
      expect(tags, id).toMatchObject({ ...sources.get(id), ...expected.tags });
      // Only the primary and the replica carry a role, each its own.
      if (!("role" in expected.tags)) expect(tags.role, id).toBeUndefined();
    }
  });

  it("records the settings it applied on each server: a new default launch template version", () => {
    for (const server of servers) {
      expect(server.settingsApplied, server.sourceServerId).toBe(true);
      const settings = server.settings;
      expect(settings?.ec2LaunchTemplateID, server.sourceServerId).toMatch(/^lt-/);
      expect(settings?.appliedVersion, server.sourceServerId).toBeGreaterThan(
        settings?.previousDefaultVersion ?? 0,
      );
    }
  });
});
