import { z } from "zod";
import { type ValidationField, validationError } from "./drs-errors";

/** Request shapes and limits of the DRS model (drs-2020-02-26); the emulator enforces them as DRS does. */

const sourceServerId = z.string().regex(/^s-[0-9a-zA-Z]{17}$/, {
  error: "must be a source server ID: s- followed by 17 letters or digits",
});
const jobId = z.string().regex(/^drsjob-[0-9a-zA-Z]{17}$/, {
  error: "must be a job ID: drsjob- followed by 17 letters or digits",
});
const recoveryInstanceId = z
  .string()
  .regex(/^i-[0-9a-fA-F]{8,17}$/, { error: "must be a recovery instance ID: the EC2 instance ID i-…" });
const snapshotId = z.string().regex(/^pit-[0-9a-zA-Z]{17}$/, {
  error: "must be a recovery snapshot ID: pit- followed by 17 letters or digits",
});
const isoDateTime = z
  .string()
  .regex(
    /^[1-9][0-9]*-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?Z$/,
    {
      error: "must be an ISO-8601 UTC date-time such as 2026-11-21T10:00:00Z",
    },
  );
const maxResults = z.number().int().min(1, { error: "must be at least 1" }).optional();
const nextToken = z.string().max(2048).optional();

/** Tags as DRS takes them: at most 50, keys and values up to 256 characters. */
export const tagsMap = z
  .record(
    z.string().max(256, { error: "tag keys are at most 256 characters" }),
    z.string().max(256, { error: "tag values are at most 256 characters" }),
  )
  .refine((tags) => Object.keys(tags).length <= 50, { error: "at most 50 tags" });

export const startRecoveryRequest = z.object({
  sourceServers: z
    .array(z.object({ sourceServerID: sourceServerId, recoverySnapshotID: snapshotId.optional() }), {
      error: "is required: the source servers to recover",
    })
    .min(1, { error: "must list at least 1 source server" })
    .max(200, { error: "must list at most 200 source servers" }),
  isDrill: z.boolean().optional(),
  tags: tagsMap.optional(),
});

export const describeJobsRequest = z.object({
  filters: z
    .object({
      jobIDs: z.array(jobId).max(1000, { error: "must list at most 1000 job IDs" }).optional(),
      fromDate: isoDateTime.optional(),
      toDate: isoDateTime.optional(),
    })
    .optional(),
  maxResults,
  nextToken,
});

export const describeJobLogItemsRequest = z.object({
  jobID: jobId,
  maxResults,
  nextToken,
});

export const describeSourceServersRequest = z.object({
  filters: z
    .object({
      sourceServerIDs: z
        .array(sourceServerId)
        .max(200, { error: "must list at most 200 source server IDs" })
        .optional(),
      hardwareId: z.string().max(256).optional(),
      stagingAccountIDs: z
        .array(z.string().regex(/^[0-9]{12}$/))
        .max(200)
        .optional(),
    })
    .optional(),
  maxResults,
  nextToken,
});

export const describeRecoverySnapshotsRequest = z.object({
  sourceServerID: sourceServerId,
  filters: z.object({ fromDateTime: isoDateTime.optional(), toDateTime: isoDateTime.optional() }).optional(),
  order: z.enum(["ASC", "DESC"], { error: "must be ASC or DESC" }).optional(),
  maxResults,
  nextToken,
});

export const describeRecoveryInstancesRequest = z.object({
  filters: z
    .object({
      recoveryInstanceIDs: z
        .array(recoveryInstanceId)
        .max(200, { error: "must list at most 200 recovery instance IDs" })
        .optional(),
      sourceServerIDs: z.array(sourceServerId).optional(),
    })
    .optional(),
  maxResults,
  nextToken,
});

export const terminateRecoveryInstancesRequest = z.object({
  recoveryInstanceIDs: z
    .array(recoveryInstanceId, { error: "is required: the recovery instances to terminate" })
    .min(1, { error: "must list at least 1 recovery instance" })
    .max(200, { error: "must list at most 200 recovery instances" }),
});

export const disconnectRecoveryInstanceRequest = z.object({ recoveryInstanceID: recoveryInstanceId });

export const getLaunchConfigurationRequest = z.object({ sourceServerID: sourceServerId });

export const updateLaunchConfigurationRequest = z.object({
  sourceServerID: sourceServerId,
  name: z.string().max(128).optional(),
  launchDisposition: z.enum(["STOPPED", "STARTED"]).optional(),
  targetInstanceTypeRightSizingMethod: z.enum(["NONE", "BASIC", "IN_AWS"]).optional(),
  copyPrivateIp: z.boolean().optional(),
  copyTags: z.boolean().optional(),
  licensing: z.object({ osByol: z.boolean().optional() }).optional(),
  postLaunchEnabled: z.boolean().optional(),
  launchIntoInstanceProperties: z.object({ launchIntoEC2InstanceID: z.string().optional() }).optional(),
});

export const tagResourceRequest = z.object({ tags: tagsMap });

/**
 * Parses a request body; every problem becomes a fieldList entry of one ValidationException
 * (reason fieldValidationFailed), or cannotParse when the body is not a JSON object.
 */
export function parseRequest<Schema extends z.ZodType>(schema: Schema, body: Buffer): z.output<Schema> {
  let json: unknown;
  try {
    json = body.length === 0 ? {} : JSON.parse(body.toString("utf8"));
  } catch {
    throw validationError("Request body is not valid JSON", "cannotParse");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw validationError("Request body must be a JSON object", "cannotParse");
  }
  return parseFields(schema, json);
}

export function parseFields<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fieldList: ValidationField[] = result.error.issues.map((issue) => ({
    name: fieldName(issue.path),
    message: issue.message,
  }));
  const count = fieldList.length;
  throw validationError(
    `${count} validation error${count === 1 ? "" : "s"} detected: ${fieldList.map((field) => `${field.name} ${field.message}`).join("; ")}`,
    "fieldValidationFailed",
    fieldList,
  );
}

/** `sourceServers[0].sourceServerID` */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, segment) =>
      typeof segment === "number"
        ? `${name}[${segment}]`
        : name
          ? `${name}.${String(segment)}`
          : String(segment),
    "",
  );
}
