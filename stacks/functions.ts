import {
  type AwsScope,
  functionAccess,
  functionEnvironment,
  functionPolicyStatements,
  type InfraConfig,
  toSstPermission,
} from "../packages/app/src/infra";
import { FUNCTIONS, type FunctionSpec } from "../packages/app/src/resources/functions";
import { logicalName, physicalName } from "./names";
import type { Tables } from "./storage";

export interface DeployedFunction {
  spec: FunctionSpec;
  fn: sst.aws.Function;
  /** Physical function name (deterministic, used by alarms and the dashboard). */
  name: string;
}

export interface FunctionsInput {
  config: InfraConfig;
  scope: $util.Output<AwsScope>;
  tables: Tables;
  bus: sst.aws.Bus;
  /** Known before the state machine exists (its name is fixed), which breaks the function ↔ workflow cycle. */
  recoveryStateMachineArn: $util.Output<string>;
  cleanupStateMachineArn: $util.Output<string>;
  /** Every state machine of the stage whose executions functions start, describe or call back into. */
  stateMachineArns: $util.Output<string[]>;
  /** Variables of one function only, by FunctionSpec name, over the engine environment. */
  ownEnvironment: Record<string, $util.Output<Record<string, string>>>;
}

/**
 * One function per FunctionSpec: arm64 on the newest Node runtime SST offers, the spec's memory
 * and timeout, the engine environment from the stage config (and the function's own variables), active X-Ray tracing, and an IAM
 * policy of exactly the operations its access table lists.
 */
export function functions(input: FunctionsInput): Map<string, DeployedFunction> {
  const environment = $util
    .all([
      input.tables.plans.name,
      input.tables.executions.name,
      input.recoveryStateMachineArn,
      input.cleanupStateMachineArn,
      input.bus.name,
    ])
    .apply(([plansTable, executionsTable, recoveryStateMachineArn, cleanupStateMachineArn, eventBusName]) =>
      functionEnvironment(input.config, {
        plansTable,
        executionsTable,
        recoveryStateMachineArn,
        cleanupStateMachineArn,
        eventBusName,
      }),
    );
  const deployed = new Map<string, DeployedFunction>();
  for (const spec of FUNCTIONS) {
    const access = functionAccess(spec.name);
    const permissions = $util
      .all([
        input.scope,
        input.tables.plans.arn,
        input.tables.executions.arn,
        input.stateMachineArns,
        input.bus.arn,
      ])
      .apply(([scope, plans, executions, stateMachineArns, eventBusArn]) =>
        functionPolicyStatements(access, {
          ...scope,
          tableArns: { plans, executions },
          stateMachineArns,
          eventBusArn,
        }).map(toSstPermission),
      );
    const name = physicalName(spec.name);
    const fn = new sst.aws.Function(logicalName(spec.name), {
      handler: spec.module.replace(/\.ts$/, ".handler"),
      runtime: "nodejs24.x",
      architecture: "arm64",
      timeout: `${spec.timeoutSeconds} seconds`,
      memory: `${spec.memoryMb} MB`,
      environment: input.ownEnvironment[spec.name]
        ? $util
            .all([environment, input.ownEnvironment[spec.name]])
            .apply(([engine, own]) => ({ ...engine, ...own }))
        : environment,
      permissions,
      logging: { format: "json", retention: input.config.logRetention },
      transform: { function: { name, tracingConfig: { mode: "Active" } } },
    });
    deployed.set(spec.name, { spec, fn, name });
  }
  return deployed;
}
