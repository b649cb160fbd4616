import {
  DEFAULT_PLAN_HEALTH_MINUTES,
  type FieldProblem,
  InvalidInputError,
  PLAN_HEALTH_MINUTES_RANGE,
} from "@drs-orchestrator/core";
import { z } from "zod";
import { DEFAULT_RECOVERY_TIMING } from "../../../../workflows/recovery-workflow";
// The file, not the package: the package index pulls the MCP client into the stacks type-check.
import { mcpServerConfigSchema } from "../../../engine/src/hooks/mcp-server-config";

/** CloudWatch Logs retention as SST names it, in days (0: never expire). */
export const LOG_RETENTION_DAYS = {
  "1 week": 7,
  "2 weeks": 14,
  "1 month": 30,
  "3 months": 90,
  "6 months": 180,
  "1 year": 365,
  "2 years": 731,
  forever: 0,
} as const;
const LOG_RETENTION = Object.keys(LOG_RETENTION_DAYS) as [keyof typeof LOG_RETENTION_DAYS];

const seconds = (what: string) =>
  z
    .number({ error: `expected a whole number of seconds: ${what}` })
    .int()
    .positive({ error: "must be > 0" });
const count = (what: string) =>
  z
    .number({ error: `expected a whole number: ${what}` })
    .int()
    .positive({ error: "must be > 0" });

/** Settings of the MCP server whatever its auth. */
const mcpServerSettings = {
  /**
   * Plans the MCP server may start in RECOVERY mode (with the caller's confirm); empty: drills only.
   * The functions' MCP_RECOVERY_ALLOWED_PLANS.
   */
  recoveryAllowedPlans: z
    .array(z.string().min(1, { error: "expected a plan ID" }), { error: "expected a list of plan IDs" })
    .default([]),
};

const mcpSchema = z.discriminatedUnion(
  "auth",
  [
    /** A Lambda function URL; callers sign with SigV4 and need lambda:InvokeFunctionUrl. */
    z.strictObject({ auth: z.literal("iam"), ...mcpServerSettings }),
    /** API Gateway HTTP API; the function checks bearer JWTs of an existing OAuth/OIDC issuer. */
    z.strictObject({
      auth: z.literal("jwt"),
      issuer: z.url({
        error: "expected the issuer URL of the OIDC provider, e.g. https://login.example.com/",
      }),
      audiences: z.array(z.string().min(1)).min(1, {
        error: "name at least one audience (the client ID or API identifier tokens are issued for)",
      }),
      ...mcpServerSettings,
    }),
    /** API Gateway HTTP API; the function checks bearer JWTs of a Cognito user pool created with the stage. */
    z.strictObject({ auth: z.literal("cognito"), ...mcpServerSettings }),
  ],
  { error: 'expected auth "iam" (function URL, SigV4), "jwt" (issuer + audiences) or "cognito"' },
);

/**
 * The stage's deploy settings (`stacks/stages/<stage>.json`, every field optional). One typed
 * config feeds the functions' environment, the workflow timing, the MCP endpoint, the alarms and
 * the plan-driven triggers.
 */
export const infraConfigSchema = z.strictObject({
  /** Email addresses subscribed to the alert topic (each must confirm the subscription). */
  alertEmails: z.array(z.email({ error: "expected an email address" })).default([]),
  logRetention: z
    .enum(LOG_RETENTION, { error: `expected one of ${LOG_RETENTION.join(", ")}` })
    .default("1 month"),
  timing: z
    .strictObject({
      launchWaitTimeoutSeconds: seconds("how long a wave waits for launch events before polling DRS"),
      healthPollSeconds: seconds("pause between EC2 status-check polls"),
    })
    .partial()
    .default({}),
  drsQuotas: z
    .strictObject({
      maxServersPerJob: count("source servers per DRS job"),
      maxConcurrentJobs: count("DRS jobs in progress at once"),
      maxServersInActiveJobs: count("source servers in all active DRS jobs"),
    })
    .partial()
    .default({}),
  healthCheckTimeoutSeconds: seconds("how long a wave waits for EC2 status checks").optional(),
  /**
   * Every how many minutes every stored plan is evaluated (the evaluate-plans schedule rule, the
   * PlanReady alarms' period, the functions' PLAN_HEALTH_MINUTES).
   */
  planHealthMinutes: z
    .number({ error: "expected a whole number of minutes between evaluations of every stored plan" })
    .int({ error: "expected a whole number of minutes" })
    .min(PLAN_HEALTH_MINUTES_RANGE.min, {
      error: `must be at least ${PLAN_HEALTH_MINUTES_RANGE.min}: an evaluation of every plan must end before the next starts`,
    })
    .max(PLAN_HEALTH_MINUTES_RANGE.max, {
      error: `must be at most ${PLAN_HEALTH_MINUTES_RANGE.max} (a day)`,
    })
    .default(DEFAULT_PLAN_HEALTH_MINUTES),
  mcp: mcpSchema.default({ auth: "iam", recoveryAllowedPlans: [] }),
  /**
   * Plan files (paths from the repository root) whose RPO, RTO, alarm triggers and drill schedules
   * the stage monitors and wires. Plans are still uploaded with `plan apply`; these are read at deploy.
   */
  plans: z.array(z.string().min(1)).default([]),
  /**
   * MCP servers hooks may call, by the name a plan's `mcp.server` uses (the functions'
   * HOOK_MCP_SERVERS). Token secrets must be named under HOOK_SECRET_PREFIX for the functions to read them.
   */
  hookMcpServers: z.record(z.string().min(1), mcpServerConfigSchema).default({}),
});

export type InfraConfig = z.output<typeof infraConfigSchema>;
export type InfraConfigInput = z.input<typeof infraConfigSchema>;
export type McpAuth = InfraConfig["mcp"];

/**
 * The stage's config from its parsed JSON (undefined when the stage has no file).
 * @throws InvalidInputError naming each bad field and what it expects
 */
export function parseInfraConfig(data: unknown, source: string): InfraConfig {
  const parsed = infraConfigSchema.safeParse(data ?? {});
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
    path: issue.path.join("."),
    message:
      issue.code === "unrecognized_keys"
        ? `unknown field(s) ${issue.keys.join(", ")} (fields: ${Object.keys(infraConfigSchema.shape).join(", ")})`
        : issue.message,
  }));
  throw new InvalidInputError(`stage config ${source}`, problems);
}

/** The workflow timing of the stage: the config's values over the workflow's defaults. */
export function stageTiming(config: InfraConfig) {
  return { ...DEFAULT_RECOVERY_TIMING, ...config.timing };
}

/** The physical resources the engine's environment names. */
export interface EngineResourceNames {
  plansTable: string;
  executionsTable: string;
  recoveryStateMachineArn: string;
  cleanupStateMachineArn: string;
  eventBusName: string;
}

/**
 * The environment of every function (packages/engine/src/config/engine-config.ts reads it): the
 * resources, the plan health period (the schedule's, which the start's trust in a recorded
 * evaluation follows), and the quotas and health timeout only where the stage sets them so the
 * engine's defaults stay in one place.
 */
export function functionEnvironment(config: InfraConfig, names: EngineResourceNames): Record<string, string> {
  const optional: Record<string, number | undefined> = {
    DRS_MAX_SERVERS_PER_JOB: config.drsQuotas.maxServersPerJob,
    DRS_MAX_CONCURRENT_JOBS: config.drsQuotas.maxConcurrentJobs,
    DRS_MAX_SERVERS_IN_ACTIVE_JOBS: config.drsQuotas.maxServersInActiveJobs,
    HEALTH_CHECK_TIMEOUT_SECONDS: config.healthCheckTimeoutSeconds,
  };
  return {
    PLANS_TABLE: names.plansTable,
    EXECUTIONS_TABLE: names.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: names.recoveryStateMachineArn,
    CLEANUP_STATE_MACHINE_ARN: names.cleanupStateMachineArn,
    EVENT_BUS_NAME: names.eventBusName,
    PLAN_HEALTH_MINUTES: String(config.planHealthMinutes),
    POWERTOOLS_SERVICE_NAME: "drs-orchestrator",
    ...(Object.keys(config.hookMcpServers).length > 0 && {
      HOOK_MCP_SERVERS: JSON.stringify(config.hookMcpServers),
    }),
    ...Object.fromEntries(
      Object.entries(optional).flatMap(([name, value]) =>
        value === undefined ? [] : [[name, String(value)]],
      ),
    ),
  };
}
