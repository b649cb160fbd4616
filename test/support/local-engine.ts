import { createLocalTables } from "@drs-orchestrator/app";
import { type Fleet, loadFleetFile } from "@drs-orchestrator/core";
import { createEngineContext, type EngineContext } from "@drs-orchestrator/engine";
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from "@drs-orchestrator/local";

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
