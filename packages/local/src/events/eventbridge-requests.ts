import { z } from "zod";

/** Request shapes of the EventBridge operations the local bus answers (member names as on the wire). */

const name = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[.\-_A-Za-z0-9]+$/, { error: 'use letters, digits, ".", "-" and "_"' });

/** A bus name or ARN; `default` when absent. */
const eventBusName = z.string().min(1).max(1600).optional();

export const putEventsRequest = z.object({
  Entries: z
    .array(
      z.object({
        Time: z.number().optional(),
        Source: z.string().optional(),
        Resources: z.array(z.string()).optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: eventBusName,
        TraceHeader: z.string().optional(),
      }),
    )
    .min(1)
    .max(10, { error: "Member must have length less than or equal to 10" }),
  EndpointId: z.string().optional(),
});

export const createEventBusRequest = z.object({
  Name: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[/.\-_A-Za-z0-9]+$/, { error: 'use letters, digits, "/", ".", "-" and "_"' }),
  Description: z.string().max(512).optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

export const describeEventBusRequest = z.object({ Name: eventBusName });

export const ruleState = z.enum(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"]);

export const putRuleRequest = z.object({
  Name: name(64),
  ScheduleExpression: z.string().max(256).optional(),
  EventPattern: z.string().max(4096).optional(),
  State: ruleState.optional(),
  Description: z.string().max(512).optional(),
  RoleArn: z.string().optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
  EventBusName: eventBusName,
});

export const ruleRequest = z.object({
  Name: name(64),
  EventBusName: eventBusName,
  Force: z.boolean().optional(),
});

export const listRulesRequest = z.object({
  NamePrefix: z.string().max(64).optional(),
  EventBusName: eventBusName,
  NextToken: z.string().optional(),
  Limit: z.number().int().min(1).max(100).optional(),
});

export const targetSchema = z.object({
  Id: name(64),
  Arn: z.string().min(1).max(1600),
  RoleArn: z.string().optional(),
  Input: z.string().max(8192).optional(),
  InputPath: z.string().max(256).optional(),
  InputTransformer: z
    .object({
      InputPathsMap: z.record(z.string(), z.string()).optional(),
      InputTemplate: z.string(),
    })
    .optional(),
});
export type TargetInput = z.output<typeof targetSchema>;

export const putTargetsRequest = z.object({
  Rule: name(64),
  EventBusName: eventBusName,
  Targets: z.array(targetSchema).min(1).max(10),
});

export const removeTargetsRequest = z.object({
  Rule: name(64),
  EventBusName: eventBusName,
  Ids: z.array(name(64)).min(1).max(100),
  Force: z.boolean().optional(),
});

export const listTargetsByRuleRequest = z.object({
  Rule: name(64),
  EventBusName: eventBusName,
  NextToken: z.string().optional(),
  Limit: z.number().int().min(1).max(100).optional(),
});
