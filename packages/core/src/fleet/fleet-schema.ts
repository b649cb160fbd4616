import { z } from "zod";
import { SOURCE_SERVER_ID } from "../plan/plan-schema";

export const DATA_REPLICATION_STATES = [
  "STOPPED",
  "INITIATING",
  "INITIAL_SYNC",
  "BACKLOG",
  "CREATING_SNAPSHOT",
  "CONTINUOUS",
  "PAUSED",
  "RESCAN",
  "STALLED",
  "DISCONNECTED",
] as const;
export type DataReplicationState = (typeof DATA_REPLICATION_STATES)[number];

/**
 * The part of a DRS DescribeSourceServers item the product reads. Loose on purpose: real items
 * (and the SDK's SourceServer type) carry many more fields, which pass through untouched.
 */
export const sourceServerSchema = z.looseObject({
  sourceServerID: z
    .string()
    .regex(SOURCE_SERVER_ID, { error: "expected s- followed by 17 lowercase letters or digits" }),
  arn: z.string().optional(),
  tags: z.record(z.string(), z.string()).default({}),
  dataReplicationInfo: z
    .looseObject({
      dataReplicationState: z.enum(DATA_REPLICATION_STATES),
      /** ISO-8601 duration, e.g. PT2S. */
      lagDuration: z.string().optional(),
      dataReplicationError: z
        .looseObject({ error: z.string().optional(), rawError: z.string().optional() })
        .optional(),
    })
    .optional(),
  sourceProperties: z
    .looseObject({
      recommendedInstanceType: z.string().optional(),
      identificationHints: z
        .looseObject({ hostname: z.string().optional(), fqdn: z.string().optional() })
        .optional(),
      os: z.looseObject({ fullString: z.string().optional() }).optional(),
      ramBytes: z.number().optional(),
    })
    .optional(),
});
export type SourceServer = z.output<typeof sourceServerSchema>;

export const subnetSchema = z.strictObject({
  subnetId: z.string().regex(/^subnet-[0-9a-f]{8,17}$/),
  cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/),
  availabilityZone: z.string(),
});

/**
 * A fleet file: the source servers of an account as DescribeSourceServers returns them, plus the
 * recovery network they launch into. Used by `plan show --fleet` and loaded into the local runtime.
 */
export const fleetSchema = z.strictObject({
  accountId: z
    .string()
    .regex(/^\d{12}$/)
    .default("111122223333"),
  region: z.string().default("us-east-1"),
  subnets: z.array(subnetSchema).min(1),
  securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/)).min(1),
  /** The IAM instance profiles of the account, by name, that recovered instances may take. */
  instanceProfiles: z
    .array(
      z.string().regex(/^[\w+=,.@-]{1,128}$/, {
        error: "expected an instance profile name: 1-128 letters, digits and +=,.@-_",
      }),
    )
    .optional(),
  /** Where a server's DRS-managed launch template points before any override. */
  launchDefaults: z.strictObject({
    subnetId: z.string(),
    securityGroupIds: z.array(z.string()).min(1),
  }),
  sourceServers: z.array(sourceServerSchema),
});
export type Fleet = z.output<typeof fleetSchema>;
export type FleetInput = z.input<typeof fleetSchema>;
