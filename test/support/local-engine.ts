import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createLocalTables } from "@drs-orchestrator/app";
import { type Fleet, loadFleetFile } from "@drs-orchestrator/core";
import { createEngineContext, type EngineContext } from "@drs-orchestrator/engine";
import {
  type LambdaHandler,
  type LocalAws,
  type StartLocalAwsOptions,
  startLocalAws,
} from "@drs-orchestrator/local";

export interface LocalEngine {
  local: LocalAws;
  engine: EngineContext;
  stop(): Promise<void>;
}

export async function exampleFleet(): Promise<Fleet> {
  const result = await loadFleetFile(new URL("../../examples/fleet.json", import.meta.url).pathname);
  if (!result.ok) throw new Error(`examples/fleet.json is invalid: ${JSON.stringify(result.issues)}`);
  return result.fleet;
}

/**
 * The local runtime with the app's tables and an engine context pointing at them, for tests of
 * engine services below the workflow. The runtime's AWS variables go into process.env because the
 * SDK clients read endpoint and credentials from there, as they do on Lambda.
 */
export async function startLocalEngine(options: StartLocalAwsOptions = {}): Promise<LocalEngine> {
  const local = await startLocalAws({ speed: 600, fleet: await exampleFleet(), ...options });
  Object.assign(process.env, local.env);
  const env = {
    ...local.env,
    ...(await createLocalTables(local, "test")),
    RECOVERY_STATE_MACHINE_ARN: `arn:aws:states:${local.region}:${local.accountId}:stateMachine:drs-orchestrator-test-recovery`,
  };
  const engine = createEngineContext(env);
  return { local, engine, stop: () => local.stop() };
}

/** What an engine function reads from its environment on this runtime, with only its errors logged. */
export function stepEnvironment(engine: EngineContext): Record<string, string> {
  return {
    PLANS_TABLE: engine.config.plansTable,
    EXECUTIONS_TABLE: engine.config.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: engine.config.recoveryStateMachineArn,
    POWERTOOLS_LOG_LEVEL: "ERROR",
  };
}

export interface DeployedStep {
  /** Invokes the function through the Lambda API: its FunctionError (undefined on success) and parsed payload. */
  invoke(payload: unknown): Promise<{ error: string | undefined; body: unknown }>;
  destroy(): void;
}

/** Registers a function handler on the runtime under `name` and invokes it as the workflow would. */
export function deployStep(
  env: LocalEngine,
  name: string,
  handler: LambdaHandler,
  timeoutSeconds: number,
): DeployedStep {
  env.local.lambda.register({ name, handler, timeoutSeconds, environment: stepEnvironment(env.engine) });
  const lambda = new LambdaClient({});
  return {
    async invoke(payload) {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: name, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
      );
      return { error: response.FunctionError, body: JSON.parse(new TextDecoder().decode(response.Payload)) };
    },
    destroy: () => lambda.destroy(),
  };
}
