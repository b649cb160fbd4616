import { type Fleet, type FleetInput, formatPlanIssue, parseFleetData } from "@drs-orchestrator/core";
import { z } from "zod";
import { SimClock } from "./clock/sim-clock";
import { createDrsEmulator, type DrsEmulator } from "./drs/drs-emulator";
import { drsQuotasSchema } from "./drs/drs-quotas";
import { launchTimingsSchema } from "./drs/launch-timings";
import { pitPolicySchema } from "./drs/pit-policy";
import { createDynamoDbService, type DynamoDbService } from "./dynamodb/dynamodb-service";
import { createEc2Emulator, type Ec2Emulator } from "./ec2/ec2-emulator";
import { createEventBridgeEmulator, type EventBridgeEmulator } from "./events/eventbridge-emulator";
import { applyDrift } from "./faults/apply-drift";
import { driftOptionsSchema } from "./faults/drift-options";
import { faultOptionsSchema } from "./faults/fault-options";
import { generateFleet } from "./fleet/generate-fleet";
import { type Gateway, startGateway } from "./gateway/gateway";
import { createIamEmulator, type IamEmulator } from "./iam/iam-emulator";
import { createLambdaInvokeApi } from "./lambda/lambda-invoke-api";
import { createLambdaRuntime, type LambdaRuntime } from "./lambda/lambda-runtime";
import type { ServiceHandler } from "./runtime/contracts";
import {
  createSecretsManagerEmulator,
  type SecretsManagerEmulator,
} from "./secrets/secrets-manager-emulator";
import { createStepFunctionsEmulator, type StepFunctionsEmulator } from "./sfn/step-functions-emulator";

const startOptionsSchema = z.strictObject({
  /** 0 or absent: any free port. */
  port: z.number().int().min(0).max(65_535).optional(),
  /** A fleet (or fleet file contents); absent: no source servers. */
  fleet: z.unknown().optional(),
  /** Simulated seconds per real second. */
  speed: z.number().positive({ error: "must be a number above 0 (1 = real time)" }).default(1),
  /**
   * Count the time Lambda functions compute at real speed, only waiting at `speed`: step latency then
   * weighs in simulated timings as it would on AWS (see SimClock). Slows drills that keep functions busy.
   */
  realTimeWhileBusy: z.boolean().default(false),
  /** Simulated time at start; default now. */
  start: z.date().optional(),
  faults: faultOptionsSchema.optional(),
  /** Resources deleted and launch templates edited by hand before anything runs. */
  drift: driftOptionsSchema.optional(),
  quotas: drsQuotasSchema.partial().optional(),
  timings: launchTimingsSchema.partial().optional(),
  /** Which point-in-time snapshots DRS keeps per server; default DRS's own policy. */
  pitPolicy: pitPolicySchema.optional(),
  /** Default: the fleet's account. */
  accountId: z
    .string()
    .regex(/^\d{12}$/, { error: "must be 12 digits" })
    .optional(),
  /** Default: the fleet's region. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: "must be a region name such as us-east-1" })
    .optional(),
});

type StartSettings = z.output<typeof startOptionsSchema>;

export type StartLocalAwsOptions = Omit<z.input<typeof startOptionsSchema>, "fleet"> & {
  fleet?: Fleet | FleetInput;
};

/** What SDK clients and the AWS CLI need to reach the local runtime. */
export interface LocalAwsEnv {
  AWS_ENDPOINT_URL: string;
  AWS_REGION: string;
  AWS_DEFAULT_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  [name: string]: string;
}

export interface LocalAws {
  /** `http://127.0.0.1:<port>`: every emulated service answers here. */
  endpoint: string;
  port: number;
  env: LocalAwsEnv;
  accountId: string;
  region: string;
  /** The loaded fleet (account and region as above). */
  fleet: Fleet;
  /** SigV4 signing names answered on the endpoint. */
  services: string[];
  clock: SimClock;
  drs: DrsEmulator;
  ec2: Ec2Emulator;
  iam: IamEmulator;
  sfn: StepFunctionsEmulator;
  events: EventBridgeEmulator;
  lambda: LambdaRuntime;
  secrets: SecretsManagerEmulator;
  dynamodb: DynamoDbService;
  /** Stops every service, timer and socket; the process can exit afterwards. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the emulated AWS services the product uses behind one loopback endpoint, sharing one
 * simulated clock: DRS and EC2 over the fleet, IAM's instance profiles, Step Functions, EventBridge, in-process Lambda,
 * DynamoDB and Secrets Manager. Production code reaches them through `env` (AWS_ENDPOINT_URL and
 * dummy credentials), unchanged.
 */
export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<LocalAws> {
  const parsed = startOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join(".") || "(options)"}: ${issue.message}`,
    );
    throw new Error(`invalid local runtime options:\n${problems.join("\n")}`);
  }
  const settings = parsed.data;
  const fleet = resolveFleet(settings.fleet, settings.accountId, settings.region);

  const clock = new SimClock({
    speed: settings.speed,
    realTimeWhileBusy: settings.realTimeWhileBusy,
    ...(settings.start ? { start: settings.start } : {}),
  });
  const gateway = await startGateway({ port: settings.port ?? 0 });
  try {
    return wire(settings, fleet, clock, gateway);
  } catch (error) {
    clock.stop();
    await gateway.close();
    throw error;
  }
}

function wire(settings: StartSettings, fleet: Fleet, clock: SimClock, gateway: Gateway): LocalAws {
  const { accountId, region } = fleet;
  const lambda = createLambdaRuntime({ clock, accountId, region });
  // The bus and the state machines need each other: the bus starts executions, executions put events.
  let sfn: StepFunctionsEmulator | undefined;
  const events = createEventBridgeEmulator({
    clock,
    accountId,
    region,
    lambda,
    stateMachines: {
      startExecution: (input) => {
        if (!sfn) throw new Error("Step Functions is not running");
        return sfn.startExecution(input);
      },
    },
  });
  sfn = createStepFunctionsEmulator({
    clock,
    accountId,
    region,
    lambda,
    events,
    awsEndpoint: () => gateway.endpoint,
  });
  const ec2 = createEc2Emulator({ clock, accountId, region, fleet });
  const iam = createIamEmulator({ clock, accountId, instanceProfiles: fleet.instanceProfiles ?? [] });
  if (settings.drift) applyDrift(settings.drift, { ec2, iam });
  const drs = createDrsEmulator({
    clock,
    accountId,
    region,
    fleet,
    ec2,
    events,
    ...(settings.quotas ? { quotas: settings.quotas } : {}),
    ...(settings.faults ? { faults: settings.faults } : {}),
    ...(settings.timings ? { timings: settings.timings } : {}),
    ...(settings.pitPolicy ? { pitPolicy: settings.pitPolicy } : {}),
  });
  const secrets = createSecretsManagerEmulator({ clock, accountId, region });
  const dynamodb = createDynamoDbService({ accountId, region });
  const handlers: ServiceHandler[] = [
    drs,
    ec2,
    iam,
    sfn,
    events,
    createLambdaInvokeApi(lambda),
    secrets,
    dynamodb,
  ];
  for (const handler of handlers) gateway.register(handler);

  const stateMachines = sfn;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Producers first, so nothing new is scheduled while the rest shut down.
      drs.stop();
      events.stop();
      await stateMachines.stop();
      lambda.stop();
      dynamodb.stop();
      clock.stop();
      await gateway.close();
    })();
    return stopping;
  };

  return {
    endpoint: gateway.endpoint,
    port: gateway.port,
    env: {
      AWS_ENDPOINT_URL: gateway.endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    },
    accountId,
    region,
    fleet,
    services: handlers.map((handler) => handler.signingName),
    clock,
    drs,
    ec2,
    iam,
    sfn: stateMachines,
    events,
    lambda,
    secrets,
    dynamodb,
    stop,
  };
}

function resolveFleet(input: unknown, accountId: string | undefined, region: string | undefined): Fleet {
  if (input === undefined) {
    return generateFleet({
      servers: 0,
      ...(accountId ? { accountId } : {}),
      ...(region ? { region } : {}),
    });
  }
  const result = parseFleetData(input);
  if (!result.ok) {
    throw new Error(
      `invalid fleet:\n${result.issues.map((issue) => `  ${formatPlanIssue(issue)}`).join("\n")}`,
    );
  }
  return {
    ...result.fleet,
    accountId: accountId ?? result.fleet.accountId,
    region: region ?? result.fleet.region,
  };
}
