import { type AwsClients, createAwsClients } from "../aws/aws-clients";
import { type EngineConfig, parseEngineConfig } from "../config/engine-config";
import { ExecutionStore } from "../stores/execution-store";
import { PlanStore } from "../stores/plan-store";
import { ServerLocks } from "../stores/server-locks";

/** What a step needs besides its input: config, SDK clients and the stores built on them. */
export interface EngineContext {
  config: EngineConfig;
  aws: AwsClients;
  plans: PlanStore;
  executions: ExecutionStore;
  locks: ServerLocks;
}

export function createEngineContext(env: NodeJS.ProcessEnv = process.env): EngineContext {
  const config = parseEngineConfig(env);
  const aws = createAwsClients();
  const executions = new ExecutionStore(aws.dynamo, config.executionsTable);
  return {
    config,
    aws,
    plans: new PlanStore(aws.dynamo, config.plansTable),
    executions,
    locks: new ServerLocks(executions),
  };
}

let shared: EngineContext | undefined;

/** Built on first use and reused across invocations, like clients created at a Lambda's init. */
export function engineContext(): EngineContext {
  shared ??= createEngineContext();
  return shared;
}
