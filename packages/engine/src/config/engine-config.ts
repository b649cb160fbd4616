import {
  DEFAULT_LAUNCH_QUOTAS,
  DEFAULT_PLAN_HEALTH_MINUTES,
  type LaunchQuotas,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { hookMcpServersEnv, type McpServerConfigs } from "../hooks/mcp-server-config";

const positiveInt = z.coerce.number().int().positive();

/**
 * Everything the engine reads from its environment, named as the Lambda environment variables the
 * stacks (and the local runtime) set. Parsed once per process so a missing variable fails the first
 * invocation with its name instead of a vague undefined deep inside a step.
 */
const engineEnvSchema = z.object({
  PLANS_TABLE: z.string().min(1),
  EXECUTIONS_TABLE: z.string().min(1),
  RECOVERY_STATE_MACHINE_ARN: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1).default("default"),
  DRS_MAX_SERVERS_PER_JOB: positiveInt.default(DEFAULT_LAUNCH_QUOTAS.maxServersPerJob),
  DRS_MAX_CONCURRENT_JOBS: positiveInt.default(DEFAULT_LAUNCH_QUOTAS.maxConcurrentJobs),
  DRS_MAX_SERVERS_IN_ACTIVE_JOBS: positiveInt.default(DEFAULT_LAUNCH_QUOTAS.maxServersInActiveJobs),
  /** Simulated-or-real seconds a wave waits for EC2 status checks before its servers count as unhealthy. */
  HEALTH_CHECK_TIMEOUT_SECONDS: positiveInt.default(900),
  /** The drill cleanup state machine; only starting a cleanup needs it. */
  CLEANUP_STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** MCP servers hooks may call, by name: JSON `{ "<name>": { "url": "...", "tokenSecret": "<secret name or ARN>" } }`. */
  HOOK_MCP_SERVERS: hookMcpServersEnv.default({}),
  /**
   * Minutes between the scheduled evaluations of every stored plan; a start trusts a recorded
   * evaluation for two of these periods.
   */
  PLAN_HEALTH_MINUTES: positiveInt.default(DEFAULT_PLAN_HEALTH_MINUTES),
  /** The start-recovery function, which a plan's drill schedule rule targets; only `plan apply` needs it. */
  START_RECOVERY_FUNCTION_ARN: z.string().min(1).optional(),
});

export interface EngineConfig {
  plansTable: string;
  executionsTable: string;
  recoveryStateMachineArn: string;
  eventBusName: string;
  quotas: LaunchQuotas;
  healthCheckTimeoutSeconds: number;
  /** Minutes between the scheduled evaluations of every stored plan. */
  planHealthMinutes: number;
  cleanupStateMachineArn?: string;
  /** The MCP servers hooks may call, by the name a plan's `mcp.server` uses. */
  mcpServers: McpServerConfigs;
  startRecoveryFunctionArn?: string;
}

export class EngineConfigError extends Error {
  override readonly name = "EngineConfigError";
}

export function parseEngineConfig(env: NodeJS.ProcessEnv): EngineConfig {
  const parsed = engineEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new EngineConfigError(`invalid engine environment — set ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    plansTable: e.PLANS_TABLE,
    executionsTable: e.EXECUTIONS_TABLE,
    recoveryStateMachineArn: e.RECOVERY_STATE_MACHINE_ARN,
    eventBusName: e.EVENT_BUS_NAME,
    quotas: {
      maxServersPerJob: e.DRS_MAX_SERVERS_PER_JOB,
      maxConcurrentJobs: e.DRS_MAX_CONCURRENT_JOBS,
      maxServersInActiveJobs: e.DRS_MAX_SERVERS_IN_ACTIVE_JOBS,
    },
    healthCheckTimeoutSeconds: e.HEALTH_CHECK_TIMEOUT_SECONDS,
    planHealthMinutes: e.PLAN_HEALTH_MINUTES,
    ...(e.CLEANUP_STATE_MACHINE_ARN !== undefined && { cleanupStateMachineArn: e.CLEANUP_STATE_MACHINE_ARN }),
    mcpServers: e.HOOK_MCP_SERVERS,
    ...(e.START_RECOVERY_FUNCTION_ARN !== undefined && {
      startRecoveryFunctionArn: e.START_RECOVERY_FUNCTION_ARN,
    }),
  };
}
