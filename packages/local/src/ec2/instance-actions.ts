import { z } from "zod";
import type { Ec2Action, Ec2Context } from "./ec2-context";
import { Ec2Error } from "./ec2-error";
import { applyFilters } from "./ec2-filters";
import { paginate } from "./ec2-pagination";
import { instanceStateXml, instanceXml, statusXml } from "./ec2-xml";
import type { InstanceRecord } from "./instance-store";
import { parseParams, queryBoolean, queryFilters, queryInteger } from "./query-request";
import { listOf } from "./xml-writer";

const describeInstancesParams = z.strictObject({
  InstanceId: z.array(z.string()).optional(),
  Filter: queryFilters,
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
});

function noMaxResultsWithIds(request: { InstanceId?: string[]; MaxResults?: number }): void {
  if (request.InstanceId && request.MaxResults !== undefined) {
    throw new Ec2Error(
      "InvalidParameterCombination",
      "The parameter instancesSet cannot be used with the parameter maxResults",
    );
  }
}

function selectInstances(context: Ec2Context, ids: string[] | undefined): InstanceRecord[] {
  if (ids) return context.instances.require(ids);
  return context.instances.all().sort((a, b) => a.launchTimeMs - b.launchTimeMs);
}

export const describeInstances: Ec2Action = (context, params) => {
  const request = parseParams(describeInstancesParams, params);
  noMaxResultsWithIds(request);
  const { instances } = context;
  const filtered = applyFilters(
    selectInstances(context, request.InstanceId),
    request.Filter,
    (record, name) => {
      switch (name) {
        case "instance-id":
          return [record.instanceId];
        case "instance-state-name":
          return [instances.state(record)];
        case "instance-type":
          return [record.instanceType];
        case "subnet-id":
          return [record.subnetId];
        case "private-ip-address":
          return [record.privateIpAddress];
        default:
          return undefined;
      }
    },
    ["instance-id", "instance-state-name", "instance-type", "subnet-id", "private-ip-address"],
  );
  const { page, nextToken } = paginate(filtered, request, { action: "DescribeInstances", min: 5, max: 1000 });
  return {
    reservationSet: listOf(
      page.map((record) => ({
        reservationId: record.reservationId,
        ownerId: context.accountId,
        groupSet: listOf([]),
        instancesSet: listOf([instanceXml(record, instances.state(record))]),
      })),
    ),
    nextToken,
  };
};

const describeInstanceStatusParams = z.strictObject({
  InstanceId: z.array(z.string()).optional(),
  Filter: queryFilters,
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
  IncludeAllInstances: queryBoolean.optional(),
});

export const describeInstanceStatus: Ec2Action = (context, params) => {
  const request = parseParams(describeInstanceStatusParams, params);
  noMaxResultsWithIds(request);
  const { instances } = context;
  // Like EC2, only running instances unless IncludeAllInstances asks for every state.
  const candidates = selectInstances(context, request.InstanceId).filter(
    (record) => request.IncludeAllInstances || instances.state(record) === "running",
  );
  const filtered = applyFilters(
    candidates,
    request.Filter,
    (record, name) => {
      switch (name) {
        case "instance-id":
          return [record.instanceId];
        case "instance-state-name":
          return [instances.state(record)];
        case "instance-status.status":
        case "system-status.status":
          return [instances.statusCheck(record)];
        default:
          return undefined;
      }
    },
    ["instance-id", "instance-state-name", "instance-status.status", "system-status.status"],
  );
  const { page, nextToken } = paginate(filtered, request, {
    action: "DescribeInstanceStatus",
    min: 5,
    max: 1000,
  });
  return {
    instanceStatusSet: listOf(
      page.map((record) => {
        const check = instances.statusCheck(record);
        return {
          instanceId: record.instanceId,
          availabilityZone: record.availabilityZone,
          instanceState: instanceStateXml(instances.state(record)),
          systemStatus: statusXml(check),
          instanceStatus: statusXml(check),
        };
      }),
    ),
    nextToken,
  };
};

const terminateInstancesParams = z.strictObject({
  InstanceId: z.array(z.string(), { error: "expected at least one instance ID" }).min(1),
});

export const terminateInstances: Ec2Action = (context, params) => {
  const request = parseParams(terminateInstancesParams, params);
  return {
    instancesSet: listOf(
      context.instances.terminate(request.InstanceId).map((change) => ({
        instanceId: change.instanceId,
        currentState: instanceStateXml(change.current),
        previousState: instanceStateXml(change.previous),
      })),
    ),
  };
};
