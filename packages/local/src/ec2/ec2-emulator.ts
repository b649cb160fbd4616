import { randomUUID } from "node:crypto";
import type { Fleet } from "@drs-orchestrator/core";
import type { SimClock } from "../clock/sim-clock";
import { hashString, SeededRandom } from "../faults/seeded-random";
import { DRS_MANAGED_TAG, DRS_SOURCE_SERVER_TAG, loadFleet } from "../fleet/fleet-loader";
import type { LocalRequest, LocalResponse, ServiceHandler } from "../runtime/contracts";
import type { Ec2Action, Ec2Context } from "./ec2-context";
import { Ec2Error, ec2ErrorResponse } from "./ec2-error";
import { describeInstanceStatus, describeInstances, terminateInstances } from "./instance-actions";
import {
  type InstanceRecord,
  type InstanceSpec,
  type InstanceStateName,
  InstanceStore,
} from "./instance-store";
import {
  createLaunchTemplateVersion,
  describeLaunchTemplates,
  describeLaunchTemplateVersions,
  modifyLaunchTemplate,
} from "./launch-template-actions";
import type { LaunchTemplateData } from "./launch-template-data";
import { LaunchTemplateStore } from "./launch-template-store";
import { describeSecurityGroups, describeSubnets } from "./network-actions";
import { parseQueryBody } from "./query-request";
import { xmlDocument } from "./xml-writer";

const NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
const DAY_MS = 86_400_000;

const ACTIONS: Record<string, Ec2Action> = {
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  ModifyLaunchTemplate: modifyLaunchTemplate,
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  TerminateInstances: terminateInstances,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
};

export interface Ec2Emulator extends ServiceHandler {
  readonly signingName: "ec2";
  /** Requests received per action, for assertions. */
  readonly calls: Readonly<Record<string, number>>;
  /**
   * A launch template version's data, as DRS reads the default version when it launches.
   * @throws Ec2Error InvalidLaunchTemplateId.NotFound / .VersionNotFound
   */
  launchTemplateData(launchTemplateId: string, version: "$Default" | "$Latest" | number): LaunchTemplateData;
  /**
   * Starts an instance in pending state, as RunInstances does.
   * @throws Ec2Error with the RunInstances code (InvalidSubnetID.NotFound, InvalidIPAddress.InUse, …)
   */
  launchInstance(spec: InstanceSpec): InstanceRecord;
  /** Moves a pending instance to running (or stopped): DRS decides when it has booted. */
  finishBoot(instanceId: string, state: "running" | "stopped"): void;
  /** @throws Ec2Error InvalidInstanceID.NotFound */
  terminateInstances(instanceIds: string[]): void;
  instance(instanceId: string): InstanceRecord | undefined;
  instanceState(instanceId: string): InstanceStateName | undefined;
  /**
   * Drift: the subnet is gone (DescribeSubnets leaves it out, launches into it fail).
   * @throws Ec2Error InvalidSubnetID.NotFound
   */
  deleteSubnet(subnetId: string): void;
  /**
   * Drift: the security group is gone.
   * @throws Ec2Error InvalidGroup.NotFound
   */
  deleteSecurityGroup(groupId: string): void;
  /** The DRS-managed launch template of a source server; undefined when the fleet has no such server. */
  launchTemplateIdOf(sourceServerId: string): string | undefined;
  /**
   * Drift: someone creates a version of the template by hand, from its default with `data` over it,
   * and leaves the default where it is. Returns the new version's number.
   * @throws Ec2Error InvalidLaunchTemplateId.NotFound
   */
  createVersionByHand(launchTemplateId: string, data?: LaunchTemplateData): number;
  /**
   * Drift: someone moves the template's default version by hand.
   * @throws Ec2Error InvalidLaunchTemplateId.NotFound / .VersionNotFound
   */
  setDefaultVersion(launchTemplateId: string, version: number): void;
  /**
   * Drift: the launch template is deleted.
   * @throws Ec2Error InvalidLaunchTemplateId.NotFound
   */
  deleteLaunchTemplate(launchTemplateId: string): void;
}

/**
 * The EC2 query API the product calls (launch templates, instances, instance status), with one
 * DRS-managed launch template per source server of the fleet.
 */
export function createEc2Emulator(options: {
  clock: SimClock;
  accountId: string;
  region: string;
  fleet: Fleet;
}): Ec2Emulator {
  const { clock, accountId, region } = options;
  const fleet = loadFleet(options.fleet, { accountId, region, now: clock.now() });
  const createdMs = clock.nowMs() - 30 * DAY_MS;
  const templates = new LaunchTemplateStore(
    fleet.servers.map(({ sourceServerID, launchTemplate }) => ({
      launchTemplateId: launchTemplate.launchTemplateId,
      launchTemplateName: launchTemplate.launchTemplateName,
      createTimeMs: createdMs,
      createdBy: drsServiceRole(accountId),
      defaultVersion: 1,
      tags: { [DRS_MANAGED_TAG.key]: DRS_MANAGED_TAG.value, [DRS_SOURCE_SERVER_TAG]: sourceServerID },
      versions: [
        {
          versionNumber: 1,
          createTimeMs: createdMs,
          createdBy: drsServiceRole(accountId),
          data: launchTemplate.data,
        },
      ],
      clientTokens: new Map(),
    })),
  );
  const instances = new InstanceStore(
    fleet,
    clock,
    SeededRandom.stream(hashString(`${accountId}/${region}`), "ec2-ids"),
  );
  const context: Ec2Context = { accountId, clock, templates, instances, fleet };
  const calls: Record<string, number> = {};

  async function handle(request: LocalRequest): Promise<LocalResponse> {
    const requestId = randomUUID();
    const body = request.method === "GET" ? request.query.toString() : request.body.toString("utf8");
    const { action, params } = parseQueryBody(body);
    calls[action] = (calls[action] ?? 0) + 1;
    try {
      const run = ACTIONS[action];
      if (!run) {
        throw new Ec2Error(
          "InvalidAction",
          `The action ${action || "(none)"} is not valid for this web service; the local EC2 answers ${Object.keys(ACTIONS).join(", ")}.`,
        );
      }
      const { DryRun: dryRun, ...actionParams } = params;
      if (dryRun === "true") {
        throw new Ec2Error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
      }
      const content = run(context, actionParams);
      return {
        status: 200,
        headers: { "content-type": "text/xml;charset=UTF-8" },
        body: xmlDocument(`${action}Response`, NAMESPACE, { requestId, ...content }),
      };
    } catch (error) {
      if (error instanceof Ec2Error) return ec2ErrorResponse(error, requestId);
      const detail = error instanceof Error ? error.message : String(error);
      return ec2ErrorResponse(
        new Ec2Error("InternalError", `An internal error has occurred: ${detail}`, 500),
        requestId,
      );
    }
  }

  return {
    signingName: "ec2",
    calls,
    handle,
    launchTemplateData(launchTemplateId, version) {
      const template = templates.findById(launchTemplateId);
      return structuredClone(templates.version(template, version).data);
    },
    launchInstance(spec) {
      return structuredClone(instances.launch(spec));
    },
    finishBoot(instanceId, state) {
      instances.finishBoot(instanceId, state);
    },
    terminateInstances(instanceIds) {
      instances.terminate(instanceIds);
    },
    instance(instanceId) {
      const record = instances.get(instanceId);
      return record && structuredClone(record);
    },
    instanceState(instanceId) {
      const record = instances.get(instanceId);
      return record && instances.state(record);
    },
    deleteSubnet(subnetId) {
      const index = fleet.subnets.findIndex((subnet) => subnet.subnetId === subnetId);
      if (index < 0)
        throw new Ec2Error("InvalidSubnetID.NotFound", `The subnet ID '${subnetId}' does not exist`);
      fleet.subnets.splice(index, 1);
    },
    deleteSecurityGroup(groupId) {
      const index = fleet.securityGroupIds.indexOf(groupId);
      if (index < 0)
        throw new Ec2Error("InvalidGroup.NotFound", `The security group '${groupId}' does not exist`);
      fleet.securityGroupIds.splice(index, 1);
    },
    launchTemplateIdOf(sourceServerId) {
      return fleet.servers.find((server) => server.sourceServerID === sourceServerId)?.launchTemplate
        .launchTemplateId;
    },
    createVersionByHand(launchTemplateId, data = {}) {
      const template = templates.findById(launchTemplateId);
      return templates.createVersion(template, {
        sourceVersion: "$Default",
        data,
        description: "edited by hand",
        createdBy: `arn:aws:iam::${accountId}:user/operator`,
        nowMs: clock.nowMs(),
      }).versionNumber;
    },
    setDefaultVersion(launchTemplateId, version) {
      templates.setDefaultVersion(templates.findById(launchTemplateId), String(version));
    },
    deleteLaunchTemplate(launchTemplateId) {
      templates.delete(templates.findById(launchTemplateId));
    },
  };
}

/** DRS creates and owns the templates through its service-linked role. */
function drsServiceRole(accountId: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/AWSServiceRoleForElasticDisasterRecovery/drs`;
}
