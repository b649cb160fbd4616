import { z } from "zod";

/**
 * The part of EC2 LaunchTemplateData the product sets on DRS-managed templates. Field names are
 * the EC2 API's; a field outside this set is refused rather than silently dropped.
 */
const networkInterfaceSchema = z.strictObject({
  DeviceIndex: z.number().int().min(0).optional(),
  SubnetId: z.string().optional(),
  Groups: z.array(z.string()).optional(),
  PrivateIpAddress: z.string().optional(),
  AssociatePublicIpAddress: z.boolean().optional(),
  DeleteOnTermination: z.boolean().optional(),
  Description: z.string().optional(),
});

const tagSchema = z.strictObject({ Key: z.string().min(1).max(128), Value: z.string().max(256) });

export const launchTemplateDataSchema = z.strictObject({
  InstanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: "expected an instance type such as m6i.large" })
    .optional(),
  ImageId: z.string().optional(),
  KeyName: z.string().optional(),
  IamInstanceProfile: z.strictObject({ Arn: z.string().optional(), Name: z.string().optional() }).optional(),
  NetworkInterfaces: z.array(networkInterfaceSchema).optional(),
  SecurityGroupIds: z.array(z.string()).optional(),
  TagSpecifications: z
    .array(z.strictObject({ ResourceType: z.string().optional(), Tags: z.array(tagSchema).optional() }))
    .optional(),
});

export type LaunchTemplateData = z.output<typeof launchTemplateDataSchema>;
export type LaunchTemplateNetworkInterface = z.output<typeof networkInterfaceSchema>;

/**
 * A new version's data: the source version's, with every top-level field the request sets
 * replacing the source's whole. That is EC2's rule: a NetworkInterfaces override replaces the
 * source's interfaces, so callers send interface 0 complete (subnet, groups, IP).
 */
export function mergeLaunchTemplateData(
  source: LaunchTemplateData,
  overrides: LaunchTemplateData,
): LaunchTemplateData {
  const merged: LaunchTemplateData = structuredClone(source);
  for (const [field, value] of Object.entries(overrides)) {
    if (value !== undefined) (merged as Record<string, unknown>)[field] = structuredClone(value);
  }
  return merged;
}

/** Network interface 0, which DRS manages and launches with. */
export function primaryInterface(data: LaunchTemplateData): LaunchTemplateNetworkInterface | undefined {
  return data.NetworkInterfaces?.find((ni) => (ni.DeviceIndex ?? 0) === 0);
}

/** Tags the template puts on the instance (`TagSpecifications` with ResourceType instance). */
export function instanceTagsOf(data: LaunchTemplateData): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of data.TagSpecifications ?? []) {
    if ((spec.ResourceType ?? "instance") !== "instance") continue;
    for (const tag of spec.Tags ?? []) tags[tag.Key] = tag.Value;
  }
  return tags;
}
