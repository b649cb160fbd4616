import { isUsableAddress, parseCidr } from "../common/cidr";
import type { LaunchSettings } from "../plan/plan-schema";
import type { FindingCategory, PlanFinding } from "./plan-health";
import { launchFieldPath, type PlanScope, type ScopedServer } from "./plan-scope";

/** A subnet as DescribeSubnets returns it. */
export interface SubnetSeen {
  subnetId: string;
  cidrBlock: string;
}

/** What exists of the network and identity resources the plan names; an absent list was not looked up. */
export interface ReferenceFacts {
  subnets?: readonly SubnetSeen[];
  securityGroupIds?: readonly string[];
  /** Instance profile name or ARN, as the plan writes it → whether it exists in this account. */
  instanceProfiles?: ReadonlyMap<string, boolean>;
}

const SHOWN_SERVERS = 5;

interface Missing {
  code: string;
  category: FindingCategory;
  kind: string;
  resourceId: string;
  path: string;
  servers: ScopedServer[];
}

function subjectOf(path: string, scoped: ScopedServer): Pick<PlanFinding, "groupId" | "sourceServerId"> {
  if (path.startsWith(`groups[${scoped.groupIndex}].servers.`))
    return { groupId: scoped.groupId, sourceServerId: scoped.sourceServerId };
  if (path.startsWith(`groups[${scoped.groupIndex}].`)) return { groupId: scoped.groupId };
  return {};
}

function serverList(servers: readonly ScopedServer[]): string {
  const ids = servers.slice(0, SHOWN_SERVERS).map((server) => server.sourceServerId);
  const more = servers.length > SHOWN_SERVERS ? ` and ${servers.length - SHOWN_SERVERS} more` : "";
  return `${servers.length === 1 ? "server" : `${servers.length} servers`} ${ids.join(", ")}${more}`;
}

/**
 * Whether the subnets, security groups and instance profiles the plan names (at whichever level,
 * as each server's effective settings pick them) exist, and whether each private IP is an address
 * of its subnet that EC2 would give out. A launch into what does not exist fails, so each blocks a
 * drill and a RECOVERY. One finding per plan field and resource, naming the servers it affects.
 */
export function referenceFindings(scope: PlanScope, facts: ReferenceFacts): PlanFinding[] {
  const { plan } = scope;
  const missing = new Map<string, Missing>();
  const note = (
    entry: Omit<Missing, "servers" | "path">,
    scoped: ScopedServer,
    field: keyof LaunchSettings,
  ) => {
    const path = launchFieldPath(plan, scoped, field) ?? field;
    const key = JSON.stringify([entry.code, path, entry.resourceId]);
    const found = missing.get(key);
    if (found) found.servers.push(scoped);
    else missing.set(key, { ...entry, path, servers: [scoped] });
  };
  const subnets = facts.subnets && new Map(facts.subnets.map((subnet) => [subnet.subnetId, subnet]));
  const groups = facts.securityGroupIds && new Set(facts.securityGroupIds);
  const findings: PlanFinding[] = [];

  for (const scoped of scope.servers) {
    const { subnetId, securityGroupIds, instanceProfile, privateIp } = scoped.settings;
    if (subnetId !== undefined && subnets) {
      const subnet = subnets.get(subnetId);
      if (!subnet) {
        note(
          { code: "SUBNET_MISSING", category: "network", kind: "subnet", resourceId: subnetId },
          scoped,
          "subnetId",
        );
      } else if (privateIp !== undefined && !isUsableAddress(parseCidr(subnet.cidrBlock), privateIp)) {
        const path = launchFieldPath(plan, scoped, "privateIp") ?? "privateIp";
        findings.push({
          code: "PRIVATE_IP_OUTSIDE_SUBNET",
          severity: "BLOCKS_RECOVERY",
          category: "network",
          ...subjectOf(path, scoped),
          sourceServerId: scoped.sourceServerId,
          path,
          resourceId: subnetId,
          message: `privateIp ${privateIp} of ${scoped.sourceServerId} is not an address EC2 gives out in subnet ${subnetId} (${subnet.cidrBlock}; the first four and the last are reserved): its launch would fail`,
          fix: `give ${scoped.sourceServerId} a free address inside ${subnet.cidrBlock}, or launch it into the subnet that holds ${privateIp}`,
        });
      }
    }
    if (securityGroupIds !== undefined && groups) {
      for (const groupId of securityGroupIds) {
        if (!groups.has(groupId)) {
          note(
            {
              code: "SECURITY_GROUP_MISSING",
              category: "network",
              kind: "security group",
              resourceId: groupId,
            },
            scoped,
            "securityGroupIds",
          );
        }
      }
    }
    if (instanceProfile !== undefined && facts.instanceProfiles?.get(instanceProfile) === false) {
      note(
        {
          code: "INSTANCE_PROFILE_MISSING",
          category: "identity",
          kind: "instance profile",
          resourceId: instanceProfile,
        },
        scoped,
        "instanceProfile",
      );
    }
  }

  for (const entry of missing.values()) {
    const [first] = entry.servers as [ScopedServer];
    findings.push({
      code: entry.code,
      severity: "BLOCKS_RECOVERY",
      category: entry.category,
      ...subjectOf(entry.path, first),
      path: entry.path,
      resourceId: entry.resourceId,
      message: `${entry.kind} ${entry.resourceId} (${entry.path}) does not exist in this account and region: ${serverList(entry.servers)} would fail to launch`,
      fix: `recreate ${entry.kind} ${entry.resourceId}, or set ${entry.path} to one that exists`,
    });
  }
  return findings;
}
