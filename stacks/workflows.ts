import {
  type InfraConfig,
  LOG_RETENTION_DAYS,
  policyDocument,
  recoveryDefinitionJson,
  recoveryFunctionArns,
  stageTiming,
  stateMachineLogGroupName,
  stateMachineLogging,
  stateMachineRoleStatements,
} from "../packages/app/src/infra";
import { FUNCTIONS } from "../packages/app/src/resources/functions";
import type { DeployedFunction } from "./functions";

export interface WorkflowsInput {
  config: InfraConfig;
  functions: Map<string, DeployedFunction>;
  /** Physical name of the recovery state machine (its ARN was handed to the functions already). */
  recoveryName: string;
}

/**
 * The recovery state machine (Standard, JSONPath ASL from workflows/) with the deployed functions'
 * ARNs, ERROR-level logging without execution data, and X-Ray tracing. Declared with
 * aws.sfn.StateMachine: SST's StepFunctions builder emits JSONata only and cannot express the loop.
 */
export function workflows(input: WorkflowsInput): aws.sfn.StateMachine {
  const stepFunctions = FUNCTIONS.filter((spec) => spec.step).map((spec) => {
    const deployed = input.functions.get(spec.name);
    if (!deployed) throw new Error(`workflow step function ${spec.name} is not deployed`);
    return deployed;
  });
  const arns = $util.all(stepFunctions.map((deployed) => deployed.fn.arn));

  const logGroup = new aws.cloudwatch.LogGroup("RecoveryWorkflowLogs", {
    name: stateMachineLogGroupName(input.recoveryName),
    retentionInDays: LOG_RETENTION_DAYS[input.config.logRetention],
  });

  const role = new aws.iam.Role("RecoveryWorkflowRole", {
    assumeRolePolicy: aws.getCallerIdentityOutput().accountId.apply((accountId) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "states.amazonaws.com" },
            Action: "sts:AssumeRole",
            // Only state machines of this account may assume the role (confused-deputy guard).
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
      }),
    ),
  });
  const policy = new aws.iam.RolePolicy("RecoveryWorkflowPolicy", {
    role: role.id,
    policy: arns.apply((functionArns) =>
      JSON.stringify(policyDocument(stateMachineRoleStatements(functionArns))),
    ),
  });

  return new aws.sfn.StateMachine(
    "RecoveryWorkflow",
    {
      name: input.recoveryName,
      type: "STANDARD",
      roleArn: role.arn,
      definition: arns.apply((functionArns) => {
        const byName = new Map(
          stepFunctions.map((deployed, i) => [deployed.spec.name, functionArns[i] ?? ""]),
        );
        return recoveryDefinitionJson(
          recoveryFunctionArns(FUNCTIONS, (name) => byName.get(name) ?? ""),
          stageTiming(input.config),
        );
      }),
      loggingConfiguration: logGroup.arn.apply(stateMachineLogging),
      tracingConfiguration: { enabled: true },
    },
    { dependsOn: [policy] },
  );
}
