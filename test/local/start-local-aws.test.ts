import { spawn } from "node:child_process";
import { DescribeSourceServersCommand, DrsClient, StartRecoveryCommand } from "@aws-sdk/client-drs";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DescribeLaunchTemplatesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { GetInstanceProfileCommand, IAMClient } from "@aws-sdk/client-iam";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { type BusEvent, generateFleet, type LocalAws, startLocalAws } from "@drs-orchestrator/local";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const ENV_NAMES = [
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
];

const fleet = generateFleet({ servers: 6, seed: 7 });
let local: LocalAws | undefined;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

afterEach(async () => {
  await local?.stop();
  local = undefined;
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** Clients configured the way production code is: from the environment alone. */
function useEnvironment(env: Record<string, string>) {
  Object.assign(process.env, env);
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("startLocalAws", () => {
  it("starts in well under a second and answers every service on one endpoint, reached through the environment", async () => {
    const startedAt = performance.now();
    local = await startLocalAws({ fleet, speed: 60 });
    const startupMs = performance.now() - startedAt;
    expect(startupMs).toBeLessThan(1000);

    expect(local.env).toEqual({
      AWS_ENDPOINT_URL: local.endpoint,
      AWS_REGION: fleet.region,
      AWS_DEFAULT_REGION: fleet.region,
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
    });
    expect(local.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    useEnvironment(local.env);
    local.lambda.register({ name: "ping", handler: async () => "pong" });
    local.secrets.seed("hooks/incidents", "token");

    const drs = new DrsClient({});
    const ec2 = new EC2Client({});
    const sfn = new SFNClient({});
    const eventBridge = new EventBridgeClient({});
    const lambda = new LambdaClient({});
    const dynamodb = new DynamoDBClient({});
    const secrets = new SecretsManagerClient({});
    const iam = new IAMClient({});
    try {
      const servers = await drs.send(new DescribeSourceServersCommand({}));
      expect(servers.items?.map((server) => server.sourceServerID).sort()).toEqual(
        fleet.sourceServers.map((server) => server.sourceServerID).sort(),
      );
      const templates = await ec2.send(new DescribeLaunchTemplatesCommand({}));
      expect(templates.LaunchTemplates).toHaveLength(fleet.sourceServers.length);
      expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
      expect((await eventBridge.send(new DescribeEventBusCommand({}))).Arn).toBe(
        `arn:aws:events:${fleet.region}:${fleet.accountId}:event-bus/default`,
      );
      const pong = await lambda.send(new InvokeCommand({ FunctionName: "ping" }));
      expect(Buffer.from(pong.Payload ?? []).toString()).toBe('"pong"');
      expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      expect(
        (await secrets.send(new GetSecretValueCommand({ SecretId: "hooks/incidents" }))).SecretString,
      ).toBe("token");
      // The generated fleet names no instance profile.
      await expect(
        iam.send(new GetInstanceProfileCommand({ InstanceProfileName: "recovered" })),
      ).rejects.toMatchObject({ name: "NoSuchEntityException" });
    } finally {
      for (const client of [drs, ec2, sfn, eventBridge, lambda, dynamodb, secrets, iam]) client.destroy();
    }
    expect(local.services.sort()).toEqual([
      "drs",
      "dynamodb",
      "ec2",
      "events",
      "iam",
      "lambda",
      "secretsmanager",
      "states",
    ]);
  });

  it("wires DRS launch results and bus rules to Lambda functions and state machines", async () => {
    local = await startLocalAws({ fleet, speed: 3000 });
    const credentials = {
      accessKeyId: local.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: local.env.AWS_SECRET_ACCESS_KEY,
    };
    const config = { endpoint: local.endpoint, region: local.region, credentials };
    const drs = new DrsClient(config);
    const sfn = new SFNClient(config);
    const eventBridge = new EventBridgeClient(config);
    const dynamodb = new DynamoDBClient(config);
    try {
      const launchResults: BusEvent[] = [];
      const recorder = local.lambda.register({
        name: "record-launch-result",
        handler: async (event: BusEvent) => {
          launchResults.push(event);
        },
      });
      const planner = local.lambda.register({
        name: "plan-recovery",
        handler: async (event: { planId: string }) => ({ planId: event.planId, waves: 3 }),
      });
      await eventBridge.send(
        new PutRuleCommand({
          Name: "drs-launch-results",
          EventPattern: JSON.stringify({
            source: ["aws.drs"],
            "detail-type": ["DRS Source Server Launch Result"],
          }),
        }),
      );
      await eventBridge.send(
        new PutTargetsCommand({ Rule: "drs-launch-results", Targets: [{ Id: "record", Arn: recorder.arn }] }),
      );
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: "recovery",
          roleArn: `arn:aws:iam::${local.accountId}:role/recovery`,
          definition: JSON.stringify({
            StartAt: "Plan",
            States: {
              Plan: {
                Type: "Task",
                Resource: "arn:aws:states:::lambda:invoke",
                Parameters: { FunctionName: planner.arn, "Payload.$": "$" },
                ResultSelector: { "plan.$": "$.Payload" },
                End: true,
              },
            },
          }),
        }),
      );
      await eventBridge.send(
        new PutRuleCommand({
          Name: "recovery-requested",
          EventPattern: '{"detail-type":["Recovery Requested"]}',
        }),
      );
      await eventBridge.send(
        new PutTargetsCommand({
          Rule: "recovery-requested",
          Targets: [{ Id: "start", Arn: stateMachineArn, InputPath: "$.detail" }],
        }),
      );
      await dynamodb.send(
        new CreateTableCommand({
          TableName: "executions",
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        }),
      );

      await eventBridge.send(
        new PutEventsCommand({
          Entries: [{ Source: "ops", DetailType: "Recovery Requested", Detail: '{"planId":"payments"}' }],
        }),
      );
      const execution = await waitFor("the execution to succeed", async () => {
        const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
        const arn = listed.executions?.[0]?.executionArn;
        if (!arn) return undefined;
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        return described.status === "RUNNING" ? undefined : described;
      });
      expect(execution.status).toBe("SUCCEEDED");
      expect(JSON.parse(execution.output ?? "null")).toEqual({ plan: { planId: "payments", waves: 3 } });

      const server = fleet.sourceServers[0]?.sourceServerID as string;
      const { job } = await drs.send(
        new StartRecoveryCommand({ sourceServers: [{ sourceServerID: server }], isDrill: true }),
      );
      const result = await waitFor("the launch result event", () => launchResults[0]);
      expect(result).toMatchObject({
        source: "aws.drs",
        "detail-type": "DRS Source Server Launch Result",
        account: local.accountId,
        region: local.region,
        resources: [`arn:aws:drs:${local.region}:${local.accountId}:source-server/${server}`],
        detail: { state: "RECOVERY_LAUNCH_SUCCEEDED", "job-id": job?.jobID, "is-drill": "TRUE" },
      });
      expect(local.events.deliveries.map((delivery) => [delivery.ruleName, delivery.outcome])).toEqual([
        ["recovery-requested", "succeeded"],
        ["drs-launch-results", "succeeded"],
      ]);
    } finally {
      for (const client of [drs, sfn, eventBridge, dynamodb]) client.destroy();
    }
  });

  it("explains invalid options before starting anything", async () => {
    await expect(startLocalAws({ speed: 0 })).rejects.toThrow(/speed: must be a number above 0/);
    await expect(startLocalAws({ port: 70_000 })).rejects.toThrow(/port:/);
    await expect(startLocalAws({ accountId: "42" })).rejects.toThrow(/accountId: must be 12 digits/);
    await expect(startLocalAws({ fleet: { subnets: [] } as never })).rejects.toThrow(
      /invalid fleet:[\s\S]*subnets/,
    );
    await expect(startLocalAws({ faults: { throttle: { percent: 150 } } })).rejects.toThrow(
      /faults\.throttle\.percent/,
    );
  });

  it("uses an empty fleet by default and takes account and region from the options", async () => {
    local = await startLocalAws({ accountId: "444455556666", region: "eu-west-1" });
    expect(local.fleet.sourceServers).toEqual([]);
    expect(local).toMatchObject({ accountId: "444455556666", region: "eu-west-1" });
    expect(local.env.AWS_REGION).toBe("eu-west-1");
    await local.stop();
    await local.stop();
  });
});

describe("stopping", () => {
  it("leaves nothing behind: a process that starts, uses and stops the runtime exits by itself", async () => {
    const script = `
      import { generateFleet, startLocalAws } from "@drs-orchestrator/local";
      import { DrsClient, DescribeJobsCommand, StartRecoveryCommand } from "@aws-sdk/client-drs";
      const fleet = generateFleet({ servers: 3 });
      const startedAt = performance.now();
      const local = await startLocalAws({ fleet, speed: 60 });
      const startupMs = performance.now() - startedAt;
      const drs = new DrsClient({ endpoint: local.endpoint, region: local.region, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
      // A job still running at stop time: its timers must not keep the process alive.
      await drs.send(new StartRecoveryCommand({ sourceServers: [{ sourceServerID: fleet.sourceServers[0].sourceServerID }], isDrill: true }));
      await drs.send(new DescribeJobsCommand({}));
      drs.destroy();
      await local.stop();
      // beforeExit fires only once nothing keeps the event loop alive.
      process.once("beforeExit", () => {
        const left = process.getActiveResourcesInfo().filter((kind) => !["TTYWrap", "PipeWrap"].includes(kind));
        console.log(JSON.stringify({ startupMs, left }));
      });
    `;
    const startedAt = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      child.on("exit", (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout.trim().split("\n").at(-1) as string);
    expect(report.left).toEqual([]);
    expect(report.startupMs).toBeLessThan(1000);
    // Node startup and module loading included; a leaked timer or socket would hold it for good.
    expect(performance.now() - startedAt).toBeLessThan(10_000);
  });
});
