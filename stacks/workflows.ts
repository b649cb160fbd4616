import {
  drillCleanupDefinitionJson,
  drillCleanupFunctionArns,
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
import { FUNCTIONS, type FunctionSpec } from "../packages/app/src/resources/functions";
import type { DeployedFunction } from "./functions";

export interface WorkflowsInput {
  config: InfraConfig;
  functions: Map<string, DeployedFunction>;
  /** Physical names of the state machines (their ARNs were handed to the functions already). */
  recoveryName: string;
  cleanupName: string;
}

export interface Workflows {
  recovery: aws.sfn.StateMachine;
  cleanup: aws.sfn.StateMachine;
}

interface MachineInput {
  /** Pulumi logical name prefix, e.g. `RecoveryWorkflow`. */
  logical: string;
  name: string;
  config: InfraConfig;
  /** The functions its Task states call; its role may invoke only these. */
  steps: DeployedFunction[];
  definition: (arnOf: (functionName: string) => string) => string;
}

function stepFunctions(
  functions: Map<string, DeployedFunction>,
  isStep: (spec: FunctionSpec) => boolean,
): DeployedFunction[] {
  return FUNCTIONS.filter(isStep).map((spec) => {
    const deployed = functions.get(spec.name);
    if (!deployed) throw new Error(`workflow step function ${spec.name} is not deployed`);
    return deployed;
  });
}

/** A Standard state machine with ERROR-level logging without execution data and X-Ray tracing. */
function stateMachine(input: MachineInput): aws.sfn.StateMachine {
  const arns = $util.all(input.steps.map((deployed) => deployed.fn.arn));

  const logGroup = new aws.cloudwatch.LogGroup(`${input.logical}Logs`, {
    name: stateMachineLogGroupName(input.name),
    retentionInDays: LOG_RETENTION_DAYS[input.config.logRetention],
  });

  const role = new aws.iam.Role(`${input.logical}Role`, {
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
  const policy = new aws.iam.RolePolicy(`${input.logical}Policy`, {
    role: role.id,
    policy: arns.apply((functionArns) =>
      JSON.stringify(policyDocument(stateMachineRoleStatements(functionArns))),
    ),
  });

  return new aws.sfn.StateMachine(
    input.logical,
    {
      name: input.name,
      type: "STANDARD",
      roleArn: role.arn,
      definition: arns.apply((functionArns) => {
        const byName = new Map(input.steps.map((deployed, i) => [deployed.spec.name, functionArns[i] ?? ""]));
        return input.definition((name) => byName.get(name) ?? "");
      }),
      loggingConfiguration: logGroup.arn.apply(stateMachineLogging),
      tracingConfiguration: { enabled: true },
    },
    { dependsOn: [policy] },
  );
}

/**
 * The recovery and drill cleanup state machines (JSONPath ASL from workflows/) with the deployed
 * functions' ARNs. Declared with aws.sfn.StateMachine: SST's StepFunctions builder emits JSONata
 * only and cannot express the recovery loop.
 */
export function workflows(input: WorkflowsInput): Workflows {
  const recovery = stateMachine({
    logical: "RecoveryWorkflow",
    name: input.recoveryName,
    config: input.config,
    steps: stepFunctions(input.functions, (spec) => spec.step !== undefined),
    definition: (arnOf) =>
      recoveryDefinitionJson(recoveryFunctionArns(FUNCTIONS, arnOf), stageTiming(input.config)),
  });
  const cleanup = stateMachine({
    logical: "DrillCleanupWorkflow",
    name: input.cleanupName,
    config: input.config,
    steps: stepFunctions(input.functions, (spec) => spec.cleanupStep !== undefined),
    definition: (arnOf) => drillCleanupDefinitionJson(drillCleanupFunctionArns(FUNCTIONS, arnOf)),
  });
  return { recovery, cleanup };
}
