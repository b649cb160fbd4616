import { z } from "zod";
import { parseDuration } from "../common/duration";

const DURATION_EXAMPLES = "30s, 45m, 2h, 1d or ISO-8601 PT45M";

/**
 * Durations are written `45m`, `2h` or ISO-8601 (`PT45M`) and parsed into seconds. A bare number
 * is accepted by the first step only so the error can say that the unit is missing.
 */
export const durationSchema = z
  .union([z.string(), z.number()], { error: "expected a duration such as 45m, 2h or PT45M" })
  .transform((value, ctx) => {
    if (typeof value === "number") {
      ctx.addIssue({
        code: "custom",
        message: `duration ${value} has no unit`,
        params: { fix: `write it with a unit, e.g. ${value}s, ${value}m or ${value}h` },
      });
      return z.NEVER;
    }
    const seconds = parseDuration(value);
    if (seconds === undefined || seconds <= 0) {
      ctx.addIssue({
        code: "custom",
        message: `invalid duration "${value}"`,
        params: { fix: `write a positive duration such as ${DURATION_EXAMPLES}` },
      });
      return z.NEVER;
    }
    return seconds;
  });

export const SOURCE_SERVER_ID = /^s-[0-9a-z]{17}$/;
export const sourceServerIdSchema = z.string().regex(SOURCE_SERVER_ID, {
  error: "expected a DRS source server ID: s- followed by 17 lowercase letters or digits",
});

const idSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error:
    "expected an ID of lowercase letters, digits, - and _ (1-63 characters, starting with a letter or digit)",
});

export const rightSizingSchema = z.enum(["NONE", "BASIC", "IN_AWS"]);
export const launchDispositionSchema = z.enum(["STOPPED", "STARTED"]);
export const recoveryModeSchema = z.enum(["DRILL", "RECOVERY"]);

/** Launch settings; any level (plan, group, server) may set any subset. */
export const launchSettingsSchema = z.strictObject({
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: "expected an EC2 instance type such as m6i.large" })
    .optional(),
  rightSizing: rightSizingSchema.optional(),
  subnetId: z
    .string()
    .regex(/^subnet-[0-9a-f]{8,17}$/, { error: "expected a subnet ID such as subnet-0abc1234" })
    .optional(),
  securityGroupIds: z
    .array(
      z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: "expected a security group ID such as sg-0abc1234" }),
    )
    .min(1)
    .max(16)
    .optional(),
  /** Checked for IPv4 format by the semantic validator so the error can say how to fix it. */
  privateIp: z.string().optional(),
  copyPrivateIp: z.boolean().optional(),
  copyTags: z.boolean().optional(),
  launchDisposition: launchDispositionSchema.optional(),
  /** Instance profile name or ARN. */
  instanceProfile: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  licensing: z.strictObject({ osByol: z.boolean() }).optional(),
});

export const selectSchema = z.strictObject({
  /** All tags must match (AND). */
  tags: z.record(z.string(), z.string()).optional(),
  sourceServerIds: z.array(sourceServerIdSchema).min(1).optional(),
});

export const approvalSchema = z.union([
  z.boolean(),
  z.strictObject({
    timeout: durationSchema.optional(),
    approvers: z.array(z.string().min(1)).min(1).optional(),
  }),
]);

export const groupSchema = z.strictObject({
  id: idSchema,
  name: z.string().optional(),
  select: selectSchema,
  dependsOn: z.array(z.string()).optional(),
  /** Any failure in a critical group aborts the recovery. */
  critical: z.boolean().default(false),
  approval: approvalSchema.optional(),
  launch: launchSettingsSchema.optional(),
  /** Per-server launch overrides keyed by source server ID. */
  servers: z.record(z.string(), launchSettingsSchema).optional(),
});

export const hookSchema = z.strictObject({
  name: z.string().optional(),
  mcp: z
    .strictObject({
      server: z.string().min(1),
      tool: z.string().min(1),
      arguments: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  lambda: z
    .strictObject({ functionName: z.string().min(1), payload: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  ssm: z
    .strictObject({
      documentName: z.string().min(1),
      parameters: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  event: z
    .strictObject({
      detailType: z.string().min(1),
      detail: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  timeout: durationSchema.default(300),
  retries: z.number().int().min(0).max(5).default(0),
  onFailure: z.enum(["abort", "continue"]).default("abort"),
});

export const hooksSchema = z.strictObject({
  beforeRecovery: z.array(hookSchema).optional(),
  beforeWave: z.array(hookSchema).optional(),
  afterWave: z.array(hookSchema).optional(),
  afterRecovery: z.array(hookSchema).optional(),
});

export const failureSchema = z.strictObject({
  /** Share of a non-critical wave's servers that may fail before the recovery aborts. */
  maxFailedPercent: z.number().min(0).max(100).default(0),
  /** Relaunch attempts for failed servers, per wave. */
  retries: z.number().int().min(0).max(5).default(0),
  /** What to do with servers that are not ready at start: abort the start, or leave them out. */
  notReady: z.enum(["abort", "skip"]).default("abort"),
});

export const drillSchema = z.strictObject({
  /** Terminate drill instances and revert launch settings this long after the drill ends. */
  cleanupAfter: durationSchema.optional(),
});

export const triggersSchema = z.strictObject({
  schedule: z.strictObject({ drill: z.string().min(1) }).optional(),
  alarms: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        mode: recoveryModeSchema.default("DRILL"),
      }),
    )
    .optional(),
  /** Explicit opt-in required before any trigger may start a real RECOVERY. */
  allowAutomaticRecovery: z.boolean().default(false),
});

export const planSchema = z.strictObject({
  id: idSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  /** Recovery time objective, seconds. */
  rto: durationSchema,
  /** Recovery point objective (max replication lag at start), seconds. */
  rpo: durationSchema,
  launch: launchSettingsSchema.optional(),
  groups: z.array(groupSchema).min(1, { error: "a plan needs at least one group" }),
  /** Explicit wave order: each wave lists group IDs. Omitted: waves come from dependsOn. */
  waves: z.array(z.array(z.string()).min(1)).min(1).optional(),
  hooks: hooksSchema.optional(),
  failure: failureSchema.default({ maxFailedPercent: 0, retries: 0, notReady: "abort" }),
  drill: drillSchema.optional(),
  triggers: triggersSchema.optional(),
});

export type LaunchSettings = z.output<typeof launchSettingsSchema>;
export type GroupSelect = z.output<typeof selectSchema>;
export type Group = z.output<typeof groupSchema>;
export type Hook = z.output<typeof hookSchema>;
export type Hooks = z.output<typeof hooksSchema>;
export type FailurePolicy = z.output<typeof failureSchema>;
export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type RightSizing = z.output<typeof rightSizingSchema>;
export type RecoveryMode = z.output<typeof recoveryModeSchema>;
