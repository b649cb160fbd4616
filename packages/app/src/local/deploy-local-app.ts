import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DEFAULT_PLAN_HEALTH_MINUTES, planHealthScheduleExpression } from "@drs-orchestrator/core";
import type { LambdaHandler, LocalAws } from "@drs-orchestrator/local";
import {
  type DrillCleanupFunctionArns,
  drillCleanupWorkflow,
} from "../../../../workflows/drill-cleanup-workflow";
import {
  DEFAULT_RECOVERY_TIMING,
  type RecoveryFunctionArns,
  type RecoveryWorkflowTiming,
  recoveryWorkflow,
} from "../../../../workflows/recovery-workflow";
import { appBusName, lambdaArn, resourceName, stateMachineArn } from "../resources/app-names";
import { FUNCTIONS } from "../resources/functions";
import { PLAN_HEALTH_RULE, RULES } from "../resources/rules";
import { TABLES } from "../resources/tables";

export interface DeployLocalAppOptions {
  stage?: string;
  timing?: Partial<RecoveryWorkflowTiming>;
  /** Extra engine environment (e.g. DRS quota overrides), applied to every function. */
  environment?: Record<string, string>;
  /** Powertools log level of the functions; WARN keeps a demo's screen readable. */
  logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /**
   * The scheduled evaluation of every stored plan: every `everyMinutes` (default 30, as a stage) of
   * the runtime's clock; `enabled: false` deploys the rule DISABLED, for tests that run it themselves.
   */
  planHealth?: { everyMinutes?: number; enabled?: boolean };
}

export interface LocalApp {
  stage: string;
  /** The engine's environment, as every function of the app sees it. */
  environment: Record<string, string>;
  recoveryStateMachineArn: string;
  /** The app's own event bus: outbound events, and `Recovery Requested` events for the app. */
  eventBusName: string;
  /** Physical function name per FunctionSpec name. */
  functionNames: Record<string, string>;
}

/** Creates the app's tables on the local runtime; returns the engine's table environment variables. */
export async function createLocalTables(local: LocalAws, stage: string): Promise<Record<string, string>> {
  const dynamo = new DynamoDBClient(localClientConfig(local));
  const environment: Record<string, string> = {};
  for (const table of TABLES) {
    const tableName = resourceName(stage, table.name);
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: table.partitionKey, AttributeType: "S" },
          { AttributeName: table.sortKey, AttributeType: "S" },
        ],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: "HASH" },
          { AttributeName: table.sortKey, KeyType: "RANGE" },
        ],
      }),
    );
    environment[table.envVar] = tableName;
  }
  dynamo.destroy();
  return environment;
}

/** SDK client settings that reach the local runtime. */
export function localClientConfig(local: LocalAws) {
  return {
    endpoint: local.endpoint,
    region: local.region,
    credentials: {
      accessKeyId: local.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: local.env.AWS_SECRET_ACCESS_KEY,
    },
  };
}

const repositoryRoot = new URL("../../../../", import.meta.url);

/**
 * Deploys the app onto a running local runtime through the same APIs a deployment uses: tables
 * with CreateTable, functions registered with the Lambda runtime, the recovery state machine with
 * CreateStateMachine, rules (and the plan health schedule) with PutRule/PutTargets.
 */
export async function deployLocalApp(
  local: LocalAws,
  options: DeployLocalAppOptions = {},
): Promise<LocalApp> {
  const stage = options.stage ?? "local";
  const { region, accountId } = local;
  // Lambda gives every function its region, credentials and (here) endpoint; the in-process
  // functions read them from the host process like the SDK does on Lambda.
  Object.assign(process.env, local.env);
  const clientConfig = localClientConfig(local);
  const events = new EventBridgeClient(clientConfig);
  const eventBusName = appBusName(stage);
  await events.send(
    new CreateEventBusCommand({
      Name: eventBusName,
      Description: "DRS Orchestrator: outbound events and requests",
    }),
  );

  const planHealthMinutes = options.planHealth?.everyMinutes ?? DEFAULT_PLAN_HEALTH_MINUTES;
  const environment: Record<string, string> = {
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? "WARN",
    EVENT_BUS_NAME: eventBusName,
    PLAN_HEALTH_MINUTES: String(planHealthMinutes),
    // Plan schedules (`plan apply`) target it.
    START_RECOVERY_FUNCTION_ARN: lambdaArn(region, accountId, resourceName(stage, "start-recovery")),
    ...options.environment,
    ...(await createLocalTables(local, stage)),
  };

  const machineName = resourceName(stage, "recovery");
  const recoveryStateMachineArn = stateMachineArn(region, accountId, machineName);
  environment.RECOVERY_STATE_MACHINE_ARN = recoveryStateMachineArn;
  const cleanupMachineName = resourceName(stage, "drill-cleanup");
  environment.CLEANUP_STATE_MACHINE_ARN = stateMachineArn(region, accountId, cleanupMachineName);

  const functionNames: Record<string, string> = {};
  const stepArns: Partial<RecoveryFunctionArns> = {};
  const cleanupStepArns: Partial<DrillCleanupFunctionArns> = {};
  for (const spec of FUNCTIONS) {
    const name = resourceName(stage, spec.name);
    const module = (await import(new URL(spec.module, repositoryRoot).href)) as {
      handler: LambdaHandler<unknown>;
    };
    local.lambda.register({
      name,
      handler: module.handler,
      timeoutSeconds: spec.timeoutSeconds,
      memorySize: spec.memoryMb,
      environment,
    });
    functionNames[spec.name] = name;
    if (spec.step) stepArns[spec.step] = lambdaArn(region, accountId, name);
    if (spec.cleanupStep) cleanupStepArns[spec.cleanupStep] = lambdaArn(region, accountId, name);
  }

  const sfn = new SFNClient(clientConfig);
  await sfn.send(
    new CreateStateMachineCommand({
      name: machineName,
      type: "STANDARD",
      roleArn: `arn:aws:iam::${accountId}:role/${resourceName(stage, "recovery")}`,
      definition: JSON.stringify(
        recoveryWorkflow(stepArns as RecoveryFunctionArns, { ...DEFAULT_RECOVERY_TIMING, ...options.timing }),
      ),
    }),
  );
  await sfn.send(
    new CreateStateMachineCommand({
      name: cleanupMachineName,
      type: "STANDARD",
      roleArn: `arn:aws:iam::${accountId}:role/${cleanupMachineName}`,
      definition: JSON.stringify(drillCleanupWorkflow(cleanupStepArns as DrillCleanupFunctionArns)),
    }),
  );
  sfn.destroy();

  for (const rule of RULES) {
    const ruleName = resourceName(stage, rule.name);
    const busName = rule.bus === "app" ? eventBusName : "default";
    await events.send(
      new PutRuleCommand({
        Name: ruleName,
        EventBusName: busName,
        Description: rule.description,
        EventPattern: JSON.stringify(rule.eventPattern),
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: busName,
        Targets: [
          {
            Id: rule.targetFunction,
            Arn: lambdaArn(region, accountId, resourceName(stage, rule.targetFunction)),
          },
        ],
      }),
    );
  }
  const planHealthRule = resourceName(stage, PLAN_HEALTH_RULE.name);
  await events.send(
    new PutRuleCommand({
      Name: planHealthRule,
      Description: PLAN_HEALTH_RULE.description,
      ScheduleExpression: planHealthScheduleExpression(planHealthMinutes),
      State: options.planHealth?.enabled === false ? "DISABLED" : "ENABLED",
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: planHealthRule,
      Targets: [
        {
          Id: PLAN_HEALTH_RULE.targetFunction,
          Arn: lambdaArn(region, accountId, resourceName(stage, PLAN_HEALTH_RULE.targetFunction)),
        },
      ],
    }),
  );
  events.destroy();

  return { stage, environment, recoveryStateMachineArn, eventBusName, functionNames };
}
