import { type AwsClients, createAwsClients } from "../aws/aws-clients";
import { type EngineConfig, parseEngineConfig } from "../config/engine-config";
import { describeRecoveryWorkflow } from "../operations/recovery-workflow";
import { ExecutionStore } from "../stores/execution-store";
import { PlanHealthStore } from "../stores/plan-health-store";
import { PlanStore } from "../stores/plan-store";
import { ServerLocks } from "../stores/server-locks";

/** What a step needs besides its input: config, SDK clients and the stores built on them. */
export interface EngineContext {
  config: EngineConfig;
  aws: AwsClients;
  plans: PlanStore;
  /** Each plan's latest evaluation and the changes between evaluations (in the plans table). */
  planHealth: PlanHealthStore;
  executions: ExecutionStore;
  locks: ServerLocks;
}

export function createEngineContext(env: NodeJS.ProcessEnv = process.env): EngineContext {
  const config = parseEngineConfig(env);
  const aws = createAwsClients();
  const executions = new ExecutionStore(aws.dynamo, config.executionsTable);
  const engine: EngineContext = {
    config,
    aws,
    plans: new PlanStore(aws.dynamo, config.plansTable),
    planHealth: new PlanHealthStore(aws.dynamo, config.plansTable),
    executions,
    // A lock's holder is alive while its workflow runs, whichever attempt that is.
    locks: new ServerLocks(executions, (executionId) => describeRecoveryWorkflow(engine, executionId)),
  };
  return engine;
}

let shared: { fingerprint: string; context: EngineContext } | undefined;

/**
 * Built on first use and reused across invocations, like clients created at a Lambda's init. A
 * process that hosts functions of more than one environment (the local runtime restarted within a
 * test file) gets a new context when the environment it was built from changes.
 */
export function engineContext(env: NodeJS.ProcessEnv = process.env): EngineContext {
  const fingerprint = JSON.stringify(
    ["AWS_ENDPOINT_URL", "AWS_REGION", "PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"].map(
      (name) => env[name],
    ),
  );
  if (shared?.fingerprint !== fingerprint) shared = { fingerprint, context: createEngineContext(env) };
  return shared.context;
}
