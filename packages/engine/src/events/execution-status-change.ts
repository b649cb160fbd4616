import { z } from "zod";

/**
 * `Step Functions Execution Status Change` (source aws.states, on the default bus), the fields the
 * functions reacting to a recovery workflow's end read. The execution name is the execution ID,
 * except for a resumed attempt's; the input names the execution, unless Step Functions left it out
 * (input and output over 248 KB: https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
 */
export const executionStatusChangeSchema = z.object({
  source: z.literal("aws.states"),
  "detail-type": z.literal("Step Functions Execution Status Change"),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: z.string().min(1),
    status: z.string().min(1),
    input: z.string().nullish(),
  }),
});
export type ExecutionStatusChange = z.output<typeof executionStatusChangeSchema>;
