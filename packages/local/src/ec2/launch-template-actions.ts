import { z } from "zod";
import type { Ec2Action, Ec2Context } from "./ec2-context";
import { Ec2Error } from "./ec2-error";
import { applyFilters } from "./ec2-filters";
import { paginate } from "./ec2-pagination";
import { launchTemplateVersionXml, launchTemplateXml } from "./ec2-xml";
import { launchTemplateDataSchema } from "./launch-template-data";
import type { LaunchTemplateRecord } from "./launch-template-store";
import { parseParams, queryBoolean, queryFilters, queryInteger } from "./query-request";
import { listOf } from "./xml-writer";

const describeLaunchTemplatesParams = z.strictObject({
  LaunchTemplateId: z.array(z.string()).optional(),
  LaunchTemplateName: z.array(z.string()).optional(),
  Filter: queryFilters,
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
});

export const describeLaunchTemplates: Ec2Action = (context, params) => {
  const request = parseParams(describeLaunchTemplatesParams, params);
  if (request.MaxResults !== undefined && (request.LaunchTemplateId || request.LaunchTemplateName)) {
    throw new Ec2Error(
      "InvalidParameterCombination",
      "The parameter MaxResults cannot be used with LaunchTemplateIds or LaunchTemplateNames",
    );
  }
  let templates = context.templates.all();
  if (request.LaunchTemplateId)
    templates = request.LaunchTemplateId.map((id) => context.templates.findById(id));
  if (request.LaunchTemplateName) {
    templates = request.LaunchTemplateName.map((name) =>
      context.templates.find({ LaunchTemplateName: name }),
    );
  }
  const filtered = applyFilters(
    templates,
    request.Filter,
    (template, name) => (name === "launch-template-name" ? [template.launchTemplateName] : undefined),
    ["launch-template-name"],
  );
  const { page, nextToken } = paginate(filtered, request, {
    action: "DescribeLaunchTemplates",
    min: 1,
    max: 200,
  });
  return {
    launchTemplates: listOf(
      page.map((template) => launchTemplateXml(template, context.templates.latestVersion(template))),
    ),
    nextToken,
  };
};

const describeLaunchTemplateVersionsParams = z.strictObject({
  LaunchTemplateId: z.string().optional(),
  LaunchTemplateName: z.string().optional(),
  LaunchTemplateVersion: z.array(z.string()).optional(),
  MinVersion: queryInteger.optional(),
  MaxVersion: queryInteger.optional(),
  MaxResults: queryInteger.optional(),
  NextToken: z.string().optional(),
  ResolveAlias: queryBoolean.optional(),
});

const ALIASES = ["$Latest", "$Default"];

export const describeLaunchTemplateVersions: Ec2Action = (context, params) => {
  const request = parseParams(describeLaunchTemplateVersionsParams, params);
  const versions = request.LaunchTemplateVersion;
  let entries: { template: LaunchTemplateRecord; version: number }[];
  if (request.LaunchTemplateId === undefined && request.LaunchTemplateName === undefined) {
    // Without a template only aliases make sense: they pick one version of every template.
    if (!versions?.length || !versions.every((version) => ALIASES.includes(version))) {
      throw new Ec2Error(
        "MissingParameter",
        "The request must contain the parameter LaunchTemplateId or LaunchTemplateName, unless it asks only for $Latest or $Default versions",
      );
    }
    entries = context.templates.all().flatMap((template) =>
      versions.map((version) => ({
        template,
        version: context.templates.version(template, version).versionNumber,
      })),
    );
  } else {
    const template = context.templates.find(request);
    const numbers = versions?.length
      ? versions.map((version) => context.templates.version(template, version).versionNumber)
      : template.versions
          .map((version) => version.versionNumber)
          .filter(
            (n) => (request.MinVersion ?? 0) <= n && n <= (request.MaxVersion ?? Number.MAX_SAFE_INTEGER),
          );
    entries = numbers.map((version) => ({ template, version }));
  }
  const unique = entries.filter(
    (entry, index) =>
      entries.findIndex((other) => other.template === entry.template && other.version === entry.version) ===
      index,
  );
  const { page, nextToken } = paginate(unique, request, {
    action: "DescribeLaunchTemplateVersions",
    min: 1,
    max: 200,
  });
  return {
    launchTemplateVersionSet: listOf(
      page.map(({ template, version }) =>
        launchTemplateVersionXml(template, context.templates.version(template, version)),
      ),
    ),
    nextToken,
  };
};

/** LaunchTemplateData as the query protocol spells it: singular list names, 1-based members. */
const wireLaunchTemplateData = z
  .strictObject({
    InstanceType: z.string().optional(),
    ImageId: z.string().optional(),
    KeyName: z.string().optional(),
    IamInstanceProfile: z
      .strictObject({ Arn: z.string().optional(), Name: z.string().optional() })
      .optional(),
    NetworkInterface: z
      .array(
        z.strictObject({
          DeviceIndex: queryInteger.optional(),
          SubnetId: z.string().optional(),
          SecurityGroupId: z.array(z.string()).optional(),
          PrivateIpAddress: z.string().optional(),
          AssociatePublicIpAddress: queryBoolean.optional(),
          DeleteOnTermination: queryBoolean.optional(),
          Description: z.string().optional(),
        }),
      )
      .optional(),
    SecurityGroupId: z.array(z.string()).optional(),
    TagSpecification: z
      .array(
        z.strictObject({
          ResourceType: z.string().optional(),
          Tag: z.array(z.strictObject({ Key: z.string(), Value: z.string().default("") })).optional(),
        }),
      )
      .optional(),
  })
  .transform(
    (wire): z.input<typeof launchTemplateDataSchema> =>
      withoutUndefined({
        InstanceType: wire.InstanceType,
        ImageId: wire.ImageId,
        KeyName: wire.KeyName,
        IamInstanceProfile: wire.IamInstanceProfile,
        NetworkInterfaces: wire.NetworkInterface?.map((ni) =>
          withoutUndefined({
            DeviceIndex: ni.DeviceIndex,
            SubnetId: ni.SubnetId,
            Groups: ni.SecurityGroupId,
            PrivateIpAddress: ni.PrivateIpAddress,
            AssociatePublicIpAddress: ni.AssociatePublicIpAddress,
            DeleteOnTermination: ni.DeleteOnTermination,
            Description: ni.Description,
          }),
        ),
        SecurityGroupIds: wire.SecurityGroupId,
        TagSpecifications: wire.TagSpecification?.map((spec) =>
          withoutUndefined({ ResourceType: spec.ResourceType, Tags: spec.Tag }),
        ),
      }),
  )
  .pipe(launchTemplateDataSchema);

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const createLaunchTemplateVersionParams = z.strictObject({
  LaunchTemplateId: z.string().optional(),
  LaunchTemplateName: z.string().optional(),
  SourceVersion: z.string().optional(),
  VersionDescription: z.string().max(255).optional(),
  LaunchTemplateData: wireLaunchTemplateData,
  ClientToken: z.string().optional(),
  ResolveAlias: queryBoolean.optional(),
});

export const createLaunchTemplateVersion: Ec2Action = (context, params) => {
  const request = parseParams(createLaunchTemplateVersionParams, params);
  const template = context.templates.find(request);
  const version = context.templates.createVersion(template, {
    sourceVersion: request.SourceVersion,
    data: request.LaunchTemplateData,
    description: request.VersionDescription,
    clientToken: request.ClientToken,
    createdBy: callerArn(context),
    nowMs: context.clock.nowMs(),
  });
  return { launchTemplateVersion: launchTemplateVersionXml(template, version) };
};

const modifyLaunchTemplateParams = z.strictObject({
  LaunchTemplateId: z.string().optional(),
  LaunchTemplateName: z.string().optional(),
  SetDefaultVersion: z.string().optional(),
  ClientToken: z.string().optional(),
});

export const modifyLaunchTemplate: Ec2Action = (context, params) => {
  const request = parseParams(modifyLaunchTemplateParams, params);
  const template = context.templates.find(request);
  if (request.SetDefaultVersion !== undefined)
    context.templates.setDefaultVersion(template, request.SetDefaultVersion);
  return { launchTemplate: launchTemplateXml(template, context.templates.latestVersion(template)) };
};

/** Who EC2 records as creator: the local runtime has one caller per account. */
function callerArn(context: Ec2Context): string {
  return `arn:aws:iam::${context.accountId}:user/local`;
}
