import type { TableSpec } from "../resources/tables";
import type {
  DrsOperation,
  DynamoOperation,
  Ec2Operation,
  FunctionAccess,
  SfnOperation,
  SsmOperation,
} from "./function-access";

/** An Allow statement, shaped like SST's `permissions` entries, with the reason for any "*" resource. */
export interface PolicyStatement {
  sid: string;
  actions: string[];
  resources: string[];
  conditions?: { test: string; variable: string; values: string[] }[];
  /** Why the resources cannot be narrower; every statement on "*" carries one. */
  reason?: string;
}

/** Where the stage is deployed. */
export interface AwsScope {
  partition: string;
  region: string;
  accountId: string;
}

/** The deployed resources a function's policy names. */
export interface FunctionPolicyResources extends AwsScope {
  tableArns: Record<TableSpec["name"], string>;
  /** The state machines whose executions the functions start, describe and call back into. */
  stateMachineArns: string[];
  /** The app's event bus (outbound events). */
  eventBusArn: string;
}

/** The tag DRS puts on the launch templates it manages (one per source server). */
export const DRS_MANAGED_TAG = "AWSElasticDisasterRecoveryManaged";

const DRS_LIST_REASON =
  "DRS list/describe actions support no resource-level permissions (service authorization reference: no resource type)";
const EC2_DESCRIBE_REASON =
  "EC2 Describe* actions support no resource-level permissions (service authorization reference: no resource type)";
const XRAY_REASON = "X-Ray trace upload actions support no resource-level permissions";

/** Which DRS resource type each operation can be scoped to; null: the action takes "*" only. */
const DRS_ACTION_SCOPE: Record<DrsOperation, "source-server" | "job" | "recovery-instance" | null> = {
  DescribeSourceServers: null,
  DescribeJobs: null,
  DescribeRecoveryInstances: null,
  DescribeJobLogItems: "job",
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticdisasterrecovery.html
  // (DescribeRecoverySnapshots: resource type SourceServerResource)
  DescribeRecoverySnapshots: "source-server",
  GetLaunchConfiguration: "source-server",
  UpdateLaunchConfiguration: "source-server",
  StartRecovery: "source-server",
  TerminateRecoveryInstances: "recovery-instance",
};

const EC2_READS: readonly Ec2Operation[] = [
  "DescribeInstances",
  "DescribeInstanceStatus",
  "DescribeLaunchTemplates",
  "DescribeLaunchTemplateVersions",
  "DescribeSubnets",
  "DescribeSecurityGroups",
];

const SEND_TASK: readonly SfnOperation[] = ["SendTaskSuccess", "SendTaskFailure"];
/** Actions whose resource is an execution of the state machine, not the state machine. */
const EXECUTION_ACTIONS: readonly SfnOperation[] = ["DescribeExecution", "StopExecution"];

const drsArn = (scope: AwsScope, resource: string) =>
  `arn:${scope.partition}:drs:${scope.region}:${scope.accountId}:${resource}`;

/** `arn:…:stateMachine:NAME` → the ARN pattern of its executions. */
export function executionArnPattern(stateMachineArn: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:*`;
}

const pascal = (operations: readonly string[], service: string) => operations.map((op) => `${service}:${op}`);

function dynamoStatements(access: FunctionAccess, tableArns: FunctionPolicyResources["tableArns"]) {
  return Object.entries(access.tables ?? {}).map(
    ([table, operations]): PolicyStatement => ({
      sid: `DynamoDb${table[0]?.toUpperCase()}${table.slice(1)}`,
      actions: pascal(operations as readonly DynamoOperation[], "dynamodb"),
      resources: [tableArns[table as TableSpec["name"]]],
    }),
  );
}

function drsStatements(operations: readonly DrsOperation[], scope: AwsScope): PolicyStatement[] {
  const by = (type: (typeof DRS_ACTION_SCOPE)[DrsOperation]) =>
    operations.filter((operation) => DRS_ACTION_SCOPE[operation] === type);
  const statements: PolicyStatement[] = [];
  const unscoped = by(null);
  if (unscoped.length > 0) {
    statements.push({
      sid: "DrsDescribe",
      actions: pascal(unscoped, "drs"),
      resources: ["*"],
      reason: DRS_LIST_REASON,
    });
  }
  const servers = by("source-server");
  if (servers.length > 0) {
    statements.push({
      sid: "DrsSourceServers",
      actions: pascal(servers, "drs"),
      resources: [drsArn(scope, "source-server/*")],
    });
  }
  const jobs = by("job");
  if (jobs.length > 0) {
    statements.push({ sid: "DrsJobs", actions: pascal(jobs, "drs"), resources: [drsArn(scope, "job/*")] });
  }
  const instances = by("recovery-instance");
  if (instances.length > 0) {
    statements.push({
      sid: "DrsRecoveryInstances",
      actions: pascal(instances, "drs"),
      resources: [drsArn(scope, "recovery-instance/*")],
    });
  }
  if (operations.includes("StartRecovery")) {
    // StartRecovery's dependent actions: DRS creates the recovery instance on the caller's behalf,
    // reads the server's tags, and tags the job with the batch it launches.
    statements.push(
      {
        sid: "DrsStartRecoveryDependencies",
        actions: ["drs:CreateRecoveryInstanceForDrs", "drs:ListTagsForResource"],
        resources: [drsArn(scope, "source-server/*"), drsArn(scope, "recovery-instance/*")],
      },
      { sid: "DrsTagLaunchJobs", actions: ["drs:TagResource"], resources: [drsArn(scope, "job/*")] },
    );
  }
  return statements;
}

function ec2Statements(operations: readonly Ec2Operation[], scope: AwsScope): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const reads = operations.filter((operation) => EC2_READS.includes(operation));
  if (reads.length > 0) {
    statements.push({
      sid: "Ec2Describe",
      actions: pascal(reads, "ec2"),
      resources: ["*"],
      reason: EC2_DESCRIBE_REASON,
    });
  }
  const writes = operations.filter((operation) => !EC2_READS.includes(operation));
  if (writes.length > 0) {
    statements.push({
      sid: "Ec2DrsLaunchTemplates",
      actions: pascal(writes, "ec2"),
      resources: [`arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:launch-template/*`],
      // Only the templates DRS manages: a recovery never edits anyone else's launch templates.
      conditions: [{ test: "Null", variable: `aws:ResourceTag/${DRS_MANAGED_TAG}`, values: ["false"] }],
    });
  }
  return statements;
}

/**
 * iam:GetInstanceProfile is scoped to the account's instance profiles.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
 */
function iamStatements(operations: readonly "GetInstanceProfile"[], scope: AwsScope): PolicyStatement[] {
  if (operations.length === 0) return [];
  return [
    {
      sid: "IamInstanceProfiles",
      actions: pascal(operations, "iam"),
      // IAM is global: its ARNs name no region.
      resources: [`arn:${scope.partition}:iam::${scope.accountId}:instance-profile/*`],
    },
  ];
}

function sfnStatements(operations: readonly SfnOperation[], machines: readonly string[]): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  if (operations.includes("StartExecution")) {
    statements.push({ sid: "StatesStart", actions: ["states:StartExecution"], resources: [...machines] });
  }
  if (operations.includes("ListExecutions")) {
    statements.push({ sid: "StatesList", actions: ["states:ListExecutions"], resources: [...machines] });
  }
  const onExecutions = operations.filter((operation) => EXECUTION_ACTIONS.includes(operation));
  if (onExecutions.length > 0) {
    statements.push({
      sid: "StatesExecutions",
      actions: pascal(onExecutions, "states"),
      resources: machines.map(executionArnPattern),
    });
  }
  const sendTask = operations.filter((operation) => SEND_TASK.includes(operation));
  if (sendTask.length > 0) {
    statements.push({ sid: "StatesSendTask", actions: pascal(sendTask, "states"), resources: [...machines] });
  }
  return statements;
}

function hookStatements(hooks: FunctionAccess["hooks"], scope: AwsScope): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const reason = "plans name their hook functions and automations; they are known only when a plan runs";
  if (hooks?.lambda?.length) {
    statements.push({
      sid: "HookFunctions",
      actions: pascal(hooks.lambda, "lambda"),
      resources: [`arn:${scope.partition}:lambda:${scope.region}:${scope.accountId}:function:*`],
      reason,
    });
  }
  const ssm: readonly SsmOperation[] = hooks?.ssm ?? [];
  if (ssm.length > 0) {
    const ssmArn = (resource: string) =>
      `arn:${scope.partition}:ssm:${scope.region}:${scope.accountId}:${resource}`;
    statements.push({
      sid: "HookAutomations",
      actions: pascal(ssm, "ssm"),
      resources: [ssmArn("automation-definition/*"), ssmArn("automation-execution/*"), ssmArn("document/*")],
      reason,
    });
  }
  if (hooks?.secrets?.length) {
    statements.push({
      sid: "HookSecrets",
      actions: pascal(hooks.secrets, "secretsmanager"),
      // Hook credentials live under one name prefix, so the functions cannot read other secrets.
      resources: [
        `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${HOOK_SECRET_PREFIX}*`,
      ],
    });
  }
  return statements;
}

/** Name prefix of the Secrets Manager secrets that hold hook credentials (MCP server tokens). */
export const HOOK_SECRET_PREFIX = "drs-orchestrator/";

const xrayStatement: PolicyStatement = {
  sid: "XRayTraces",
  actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  resources: ["*"],
  reason: XRAY_REASON,
};

/**
 * A function's IAM statements: exactly the operations of its access table, each on the narrowest
 * resources IAM allows for it, plus the X-Ray upload that active tracing needs. (CloudWatch Logs
 * writes come from the AWSLambdaBasicExecutionRole managed policy SST attaches.)
 */
export function functionPolicyStatements(
  access: FunctionAccess,
  resources: FunctionPolicyResources,
): PolicyStatement[] {
  return [
    ...dynamoStatements(access, resources.tableArns),
    ...drsStatements(access.drs ?? [], resources),
    ...ec2Statements(access.ec2 ?? [], resources),
    ...iamStatements(access.iam ?? [], resources),
    ...sfnStatements(access.sfn ?? [], resources.stateMachineArns),
    ...(access.events?.length
      ? [
          {
            sid: "EventsPublish",
            actions: pascal(access.events, "events"),
            resources: [resources.eventBusArn],
          },
        ]
      : []),
    ...hookStatements(access.hooks, resources),
    xrayStatement,
  ];
}

/**
 * The state machine role: invoke its step functions, deliver ERROR logs to CloudWatch Logs and
 * send X-Ray traces.
 */
export function stateMachineRoleStatements(functionArns: readonly string[]): PolicyStatement[] {
  return [
    {
      sid: "InvokeSteps",
      actions: ["lambda:InvokeFunction"],
      // The retry policy may invoke a qualified ARN; both forms stay within these functions.
      resources: functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    },
    {
      sid: "LogDelivery",
      actions: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      resources: ["*"],
      reason:
        "CloudWatch Logs vended-log delivery actions support no resource-level permissions (Step Functions logging guide)",
    },
    {
      sid: "XRayTraces",
      actions: [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
      ],
      resources: ["*"],
      reason: XRAY_REASON,
    },
  ];
}

/** The statement as SST's `permissions` entry takes it (the reason stays in the source). */
export function toSstPermission(statement: PolicyStatement) {
  return {
    actions: statement.actions,
    resources: statement.resources,
    ...(statement.conditions && { conditions: statement.conditions }),
  };
}

/** The statements as an IAM policy document, for roles declared without SST. */
export function policyDocument(statements: readonly PolicyStatement[]) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((statement) => ({
      Sid: statement.sid,
      Effect: "Allow",
      Action: statement.actions,
      Resource: statement.resources,
      ...(statement.conditions && {
        Condition: Object.fromEntries(
          statement.conditions.map((condition) => [
            condition.test,
            { [condition.variable]: condition.values },
          ]),
        ),
      }),
    })),
  };
}
