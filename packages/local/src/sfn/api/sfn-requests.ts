import { z } from "zod";

/** Request shapes of the Step Functions operations answered locally (member names as on the wire). */

const arn = z.string().min(1).max(2048);
const maxResults = z.number().int().min(0).max(1000).optional();
const nextToken = z.string().min(1).max(1024).optional();
const taskToken = z.string().min(1).max(2048);

export const createStateMachineRequest = z.object({
  name: z.string(),
  definition: z.string().min(1).max(1_048_576),
  roleArn: arn,
  type: z.enum(["STANDARD", "EXPRESS"]).optional(),
});

export const stateMachineRequest = z.object({ stateMachineArn: arn });

export const listStateMachinesRequest = z.object({ maxResults, nextToken });

export const startExecutionRequest = z.object({
  stateMachineArn: arn,
  name: z.string().optional(),
  input: z.string().optional(),
  traceHeader: z.string().optional(),
});

export const executionRequest = z.object({ executionArn: arn });

export const executionStatus = z.enum([
  "RUNNING",
  "SUCCEEDED",
  "FAILED",
  "TIMED_OUT",
  "ABORTED",
  "PENDING_REDRIVE",
]);

export const listExecutionsRequest = z.object({
  stateMachineArn: arn,
  statusFilter: executionStatus.optional(),
  maxResults,
  nextToken,
});

export const stopExecutionRequest = z.object({
  executionArn: arn,
  error: z.string().max(256).optional(),
  cause: z.string().max(32_768).optional(),
});

export const getExecutionHistoryRequest = z.object({
  executionArn: arn,
  maxResults,
  nextToken,
  reverseOrder: z.boolean().optional(),
  includeExecutionData: z.boolean().optional(),
});

export const sendTaskSuccessRequest = z.object({ taskToken, output: z.string().max(262_144) });

export const sendTaskFailureRequest = z.object({
  taskToken,
  error: z.string().max(256).optional(),
  cause: z.string().max(32_768).optional(),
});

export const sendTaskHeartbeatRequest = z.object({ taskToken });
