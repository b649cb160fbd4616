import type { TableSpec } from "../resources/tables";

/** DRS operations the IAM builder knows how to scope (see DRS_ACTION_SCOPE). */
export type DrsOperation =
  | "DescribeSourceServers"
  | "DescribeJobs"
  | "DescribeJobLogItems"
  | "DescribeRecoveryInstances"
  | "DescribeRecoverySnapshots"
  | "GetLaunchConfiguration"
  | "UpdateLaunchConfiguration"
  | "StartRecovery"
  | "TerminateRecoveryInstances";

/** EC2 operations the IAM builder knows how to scope (see EC2_ACTION_SCOPE). */
export type Ec2Operation =
  | "DescribeInstances"
  | "DescribeInstanceStatus"
  | "DescribeLaunchTemplates"
  | "DescribeLaunchTemplateVersions"
  | "DescribeSubnets"
  | "DescribeSecurityGroups"
  | "CreateLaunchTemplateVersion"
  | "ModifyLaunchTemplate";

export type SfnOperation =
  | "StartExecution"
  | "DescribeExecution"
  | "ListExecutions"
  | "StopExecution"
  | "SendTaskSuccess"
  | "SendTaskFailure";

export type SsmOperation = "StartAutomationExecution" | "GetAutomationExecution" | "StopAutomationExecution";

export type DynamoOperation =
  | "GetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "Query"
  | "Scan"
  | "BatchGetItem"
  | "BatchWriteItem";

/**
 * The AWS operations one function sends, by service. Its IAM policy grants exactly these, and
 * test/infra reads the function's sources to check that this table and the code agree both ways.
 */
export interface FunctionAccess {
  drs?: readonly DrsOperation[];
  ec2?: readonly Ec2Operation[];
  /** Reads only: whether the instance profiles plans name exist. */
  iam?: readonly "GetInstanceProfile"[];
  sfn?: readonly SfnOperation[];
  /** PutEvents on the app's bus (outbound status events). */
  events?: readonly "PutEvents"[];
  /**
   * Hooks: the Lambda functions and SSM automations a plan names, known only at run time, and the
   * MCP servers' token secrets (read through Powertools Parameters, which the source scan cannot see).
   */
  hooks?: {
    lambda?: readonly "InvokeFunction"[];
    ssm?: readonly SsmOperation[];
    secrets?: readonly "GetSecretValue"[];
  };
  tables?: Partial<Record<TableSpec["name"], readonly DynamoOperation[]>>;
}

const WAVE_ITEMS = ["GetItem", "Query", "UpdateItem"] as const;
const START = ["StartExecution", "DescribeExecution"] as const;
/** What closing an execution no Finalize will close touches: its items, its locks, its plan's active run. */
const CLOSE_ITEMS = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"] as const;
/** A start may pre-empt a running drill of the plan: stop its workflow, close it, announce its end. */
const START_PREEMPTING = [...START, "StopExecution"] as const;
/**
 * A start reads the plan's latest recorded evaluation (its header and blocking findings) and checks
 * the servers of readiness blockers again against DRS, their replication and snapshots.
 */
const START_TABLES = { plans: ["GetItem", "Query"], executions: [...CLOSE_ITEMS, "BatchGetItem"] } as const;
const START_READINESS = ["DescribeSourceServers", "DescribeRecoverySnapshots"] as const;

/** What evaluating a plan reads: its servers, their snapshots, launch settings and recovery instances, what it names. */
const PLAN_EVALUATION_READS = {
  drs: [
    "DescribeSourceServers",
    "DescribeRecoverySnapshots",
    "GetLaunchConfiguration",
    "DescribeRecoveryInstances",
  ],
  ec2: ["DescribeLaunchTemplateVersions", "DescribeSubnets", "DescribeSecurityGroups"],
  iam: ["GetInstanceProfile"],
} as const;

/** Per FunctionSpec name (resources/functions.ts): what its handler calls. */
export const FUNCTION_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  "start-recovery": {
    drs: START_READINESS,
    sfn: START_PREEMPTING,
    events: ["PutEvents"],
    tables: START_TABLES,
  },
  // Taking the server locks asks Step Functions whether a holder still runs; a RECOVERY pre-empts
  // drills. A resumed attempt's Prepare also reads each kept server's recovery instance, reads the
  // execution's waves, servers, gates and hooks, and removes the gates and hooks to run again.
  prepare: {
    drs: ["DescribeSourceServers", "DescribeRecoverySnapshots", "DescribeRecoveryInstances"],
    sfn: ["DescribeExecution", "StopExecution"],
    events: ["PutEvents"],
    // The plan's latest recorded evaluation is kept with the execution for its report.
    tables: {
      plans: ["GetItem", "Query"],
      executions: [...CLOSE_ITEMS, "BatchGetItem", "BatchWriteItem"],
    },
  },
  "apply-launch-settings": {
    drs: ["GetLaunchConfiguration", "UpdateLaunchConfiguration"],
    ec2: ["DescribeLaunchTemplateVersions", "CreateLaunchTemplateVersion", "ModifyLaunchTemplate"],
    events: ["PutEvents"],
    tables: { plans: ["GetItem"], executions: WAVE_ITEMS },
  },
  "launch-batches": {
    drs: ["DescribeJobs", "StartRecovery"],
    tables: { executions: [...WAVE_ITEMS, "PutItem"] },
  },
  "await-launch-results": {
    sfn: ["SendTaskSuccess"],
    tables: { executions: [...WAVE_ITEMS, "BatchGetItem"] },
  },
  "reconcile-launches": {
    drs: ["DescribeJobs", "DescribeJobLogItems", "DescribeRecoveryInstances"],
    ec2: ["DescribeInstances"],
    tables: { executions: WAVE_ITEMS },
  },
  "record-launch-result": {
    drs: ["DescribeJobLogItems", "DescribeRecoveryInstances"],
    ec2: ["DescribeInstances"],
    sfn: ["SendTaskSuccess"],
    tables: { executions: [...WAVE_ITEMS, "BatchGetItem"] },
  },
  "check-health": {
    drs: ["DescribeJobLogItems", "DescribeRecoveryInstances"],
    ec2: ["DescribeInstances", "DescribeInstanceStatus"],
    events: ["PutEvents"],
    tables: { plans: ["GetItem"], executions: WAVE_ITEMS },
  },
  "apply-failure-policy": {
    events: ["PutEvents"],
    tables: { executions: [...WAVE_ITEMS, "PutItem"] },
  },
  finalize: {
    sfn: ["DescribeExecution"],
    events: ["PutEvents"],
    tables: { executions: [...WAVE_ITEMS, "PutItem", "DeleteItem"] },
  },
  "await-approval": {
    sfn: ["SendTaskSuccess", "SendTaskFailure"],
    events: ["PutEvents"],
    tables: { plans: ["GetItem"], executions: [...WAVE_ITEMS, "PutItem"] },
  },
  "expire-approval": { tables: { plans: ["GetItem"], executions: ["GetItem", "PutItem", "UpdateItem"] } },
  "decide-approval": {
    sfn: ["SendTaskSuccess", "SendTaskFailure"],
    tables: { executions: ["GetItem", "UpdateItem"] },
  },
  "on-recovery-requested": {
    drs: START_READINESS,
    sfn: START_PREEMPTING,
    events: ["PutEvents"],
    tables: START_TABLES,
  },
  "on-alarm-state-change": {
    drs: START_READINESS,
    sfn: START_PREEMPTING,
    events: ["PutEvents"],
    tables: { plans: [...START_TABLES.plans, "Scan"], executions: START_TABLES.executions },
  },
  "close-ended-execution": {
    sfn: ["DescribeExecution"],
    events: ["PutEvents"],
    tables: { executions: CLOSE_ITEMS },
  },
  "run-hooks": {
    events: ["PutEvents"],
    hooks: {
      lambda: ["InvokeFunction"],
      ssm: ["StartAutomationExecution", "GetAutomationExecution", "StopAutomationExecution"],
      secrets: ["GetSecretValue"],
    },
    tables: { plans: ["GetItem"], executions: ["GetItem", "PutItem", "Query"] },
  },
  "start-drill-cleanup": {
    sfn: [...START, "SendTaskSuccess"],
    tables: { plans: ["GetItem"], executions: ["GetItem", "UpdateItem"] },
  },
  "hold-drill-cleanup": { sfn: ["SendTaskSuccess"], tables: { executions: ["GetItem", "UpdateItem"] } },
  // Every cleanup step reads the server locks, their holders and the drill's plan's active run, to
  // leave alone what a running recovery holds (the active-run module also writes the item: Put/Delete).
  "terminate-drill-instances": {
    drs: ["DescribeJobs", "DescribeRecoveryInstances", "TerminateRecoveryInstances"],
    sfn: ["DescribeExecution"],
    tables: { executions: [...WAVE_ITEMS, "BatchGetItem", "PutItem", "DeleteItem"] },
  },
  "await-drill-termination": {
    drs: ["DescribeJobs", "DescribeRecoveryInstances", "TerminateRecoveryInstances"],
    sfn: ["DescribeExecution"],
    tables: { executions: [...WAVE_ITEMS, "BatchGetItem", "PutItem", "DeleteItem"] },
  },
  "revert-launch-settings": {
    drs: ["GetLaunchConfiguration", "UpdateLaunchConfiguration"],
    ec2: ["DescribeLaunchTemplates", "ModifyLaunchTemplate"],
    sfn: ["DescribeExecution"],
    tables: { executions: [...WAVE_ITEMS, "BatchGetItem", "PutItem", "DeleteItem"] },
  },
  "complete-drill-cleanup": {
    events: ["PutEvents"],
    tables: { executions: WAVE_ITEMS },
  },
  // Evaluates every stored plan against the account (reads only), records each result as the
  // plan's latest evaluation and its changes (plans table), and announces changes on the bus.
  "evaluate-plans": {
    drs: PLAN_EVALUATION_READS.drs,
    ec2: PLAN_EVALUATION_READS.ec2,
    iam: PLAN_EVALUATION_READS.iam,
    events: ["PutEvents"],
    tables: {
      plans: ["GetItem", "Scan", "Query", "PutItem", "BatchWriteItem"],
      executions: ["GetItem"],
    },
  },
  // Every operator step: plans, dry runs over the source servers, plan health checks, starts and
  // resumes, status and lists, approvals, cancellation (which closes the execution as finalize
  // would) and drill cleanup. check_recovery_plan evaluates a plan as the scheduled evaluation does
  // (without recording it).
  mcp: {
    drs: PLAN_EVALUATION_READS.drs,
    ec2: PLAN_EVALUATION_READS.ec2,
    iam: PLAN_EVALUATION_READS.iam,
    sfn: [...START, "ListExecutions", "StopExecution", "SendTaskSuccess", "SendTaskFailure"],
    events: ["PutEvents"],
    tables: {
      plans: ["GetItem", "Query", "Scan"],
      executions: ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem"],
    },
  },
};

/** The access of a function, or an error naming the table to extend. */
export function functionAccess(functionName: string): FunctionAccess {
  const access = FUNCTION_ACCESS[functionName];
  if (!access) {
    throw new Error(
      `function "${functionName}" has no entry in FUNCTION_ACCESS (packages/app/src/infra/function-access.ts): list the AWS operations it calls`,
    );
  }
  return access;
}
