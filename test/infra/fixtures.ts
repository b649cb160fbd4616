import { FUNCTIONS, type FunctionPolicyResources, resourceName } from "@drs-orchestrator/app";

/** An account and region for building deploy-time data offline. */
export const SCOPE = { partition: "aws", region: "us-west-2", accountId: "111122223333" } as const;
export const STAGE = "test";

const arnBase = `${SCOPE.region}:${SCOPE.accountId}`;
export const RECOVERY_ARN = `arn:aws:states:${arnBase}:stateMachine:${resourceName(STAGE, "recovery")}`;
export const CLEANUP_ARN = `arn:aws:states:${arnBase}:stateMachine:${resourceName(STAGE, "drill-cleanup")}`;
export const functionArn = (name: string) =>
  `arn:aws:lambda:${arnBase}:function:${resourceName(STAGE, name)}`;

export const RESOURCES: FunctionPolicyResources = {
  ...SCOPE,
  tableArns: {
    plans: `arn:aws:dynamodb:${arnBase}:table/${resourceName(STAGE, "plans")}`,
    executions: `arn:aws:dynamodb:${arnBase}:table/${resourceName(STAGE, "executions")}`,
  },
  stateMachineArns: [RECOVERY_ARN, CLEANUP_ARN],
  eventBusArn: `arn:aws:events:${arnBase}:event-bus/drs-orchestrator-${STAGE}`,
};

export const FUNCTION_NAMES = FUNCTIONS.map((spec) => spec.name);
