import { DrsClient } from "@aws-sdk/client-drs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { EventBridgeClient, PutTargetsCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from "@aws-sdk/client-sfn";
import {
  type DeployLocalAppOptions,
  deployLocalApp,
  type LocalApp,
  lambdaArn,
  localClientConfig,
  RULES,
  resourceName,
} from "@drs-orchestrator/app";
import { type Fleet, loadDocumentFile } from "@drs-orchestrator/core";
import {
  createEngineContext,
  type EngineContext,
  type ExecutionMeta,
  type FinalizeResult,
  type StartRecoveryResult,
} from "@drs-orchestrator/engine";
import { type LocalAws, type StartLocalAwsOptions, startLocalAws } from "@drs-orchestrator/local";
import { exampleFleet } from "./local-engine";

export const EXAMPLE_PLANS = new URL("../../examples/plans/", import.meta.url);

/**
 * DRS launch steps a few times shorter than the emulator's defaults (which are minutes, as on AWS),
 * with wide jitter so a wave's launch results do not all arrive at once: with the clock speed this
 * keeps a drill within seconds of real time.
 */
export const FAST_DRS_TIMINGS = {
  jobStartSeconds: 5,
  snapshotSeconds: 20,
  conversionSeconds: 40,
  bootLinuxSeconds: 60,
  bootWindowsSeconds: 120,
  jitter: 0.5,
} as const;

/**
 * Simulated seconds per real second. Lambda timeouts run on the real clock, so a high speed only
 * stretches the simulated time a step's computing takes, which no timeout of the workflow is near.
 */
export const DRILL_SPEED = 1000;

/** EC2 status checks take 150 s after boot on the emulator; polling every 10 s ends a wave soon after. */
export const FAST_HEALTH_POLL_SECONDS = 10;

export interface DeployedAppOptions extends StartLocalAwsOptions {
  /** Workflow timing, functions' extra environment and log level, as `deployLocalApp` takes them. */
  app?: Omit<DeployLocalAppOptions, "stage">;
}

/** What a function answered: its result, or the error Lambda reported. */
export type InvokeOutcome<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; errorType: string; errorMessage: string };

/** What the start-recovery function answered: the started execution, or the error Lambda reported. */
export type StartOutcome =
  | { ok: true; started: StartRecoveryResult }
  | { ok: false; errorType: string; errorMessage: string };

export interface EndedExecution {
  executionArn: string;
  status: DescribeExecutionCommandOutput["status"];
  /** The Fail state's error (RecoveryAborted, RecoveryFailed) when the execution failed. */
  error?: string;
  /** Finalize's result, which the workflow keeps at `$.summary` of its output (absent on failure). */
  summary?: FinalizeResult;
  /** META as finalize left it: final status, counters, abort reason. */
  meta: ExecutionMeta;
  /** How long the execution took in real milliseconds, from start request to the end being seen. */
  realMs: number;
}

export interface WaitOptions {
  /** Real milliseconds to wait before failing with the history's tail; default 20 s. */
  deadlineMs?: number;
  /** Approves every approval gate the execution opens, through the decide-approval function, as this approver. */
  approveAs?: string;
}

export interface DeployedApp {
  local: LocalAws;
  app: LocalApp;
  /** An engine context on the deployed tables, for reading the execution items. */
  engine: EngineContext;
  sfn: SFNClient;
  ec2: EC2Client;
  drs: DrsClient;
  /** Stores a plan file (path relative to examples/plans/, or a URL) or a plan document; returns its ID. */
  applyPlan(plan: string | URL | Record<string, unknown>): Promise<string>;
  /** Invokes a deployed function (by its name in FUNCTIONS) through the Lambda Invoke API. */
  invoke(functionName: string, payload: unknown): Promise<InvokeOutcome>;
  /** Invokes the deployed start-recovery function, as an entry point does. */
  start(request: unknown): Promise<StartOutcome>;
  /** Starts a drill of the plan and fails when the start is refused. */
  startDrill(planId: string): Promise<StartRecoveryResult>;
  /**
   * Polls DescribeExecution on the real clock until the execution ends; past the deadline fails
   * with the tail of the execution history. A number is the deadline in real milliseconds.
   */
  waitForEnd(started: StartRecoveryResult, options?: WaitOptions | number): Promise<EndedExecution>;
  /** Starts a drill and waits for it to end. */
  drill(planId: string, options?: WaitOptions | number): Promise<EndedExecution>;
  history(executionArn: string): Promise<HistoryEvent[]>;
  /**
   * Takes the target off one of the app's rules (by its name in RULES), so its events reach nobody,
   * as a lost event would; resolves to a function that puts the target back.
   */
  detachRule(ruleName: string): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const POLL_MS = 50;
const DEFAULT_DEADLINE_MS = 20_000;
const HISTORY_TAIL = 25;

/**
 * The local runtime with the whole app deployed on it through the real APIs (tables, functions,
 * state machine, EventBridge rule), for drills end to end: plans go in through the plan store,
 * recoveries start through the start-recovery function and are watched through Step Functions.
 */
export async function startDeployedApp(options: DeployedAppOptions = {}): Promise<DeployedApp> {
  const { app: appOptions, ...localOptions } = options;
  const local = await startLocalAws({
    fleet: await exampleFleet(),
    speed: DRILL_SPEED,
    timings: FAST_DRS_TIMINGS,
    ...localOptions,
  });
  try {
    const app = await deployLocalApp(local, {
      ...appOptions,
      timing: { healthPollSeconds: FAST_HEALTH_POLL_SECONDS, ...appOptions?.timing },
      logLevel: appOptions?.logLevel ?? "ERROR",
      // At drill speed the 30-minute schedule would tick every few real seconds under every test;
      // tests of the scheduled evaluation turn it on.
      planHealth: { enabled: false, ...appOptions?.planHealth },
    });
    const clientConfig = localClientConfig(local);
    const engine = createEngineContext({ ...local.env, ...app.environment });
    const sfn = new SFNClient(clientConfig);
    const ec2 = new EC2Client(clientConfig);
    const drs = new DrsClient(clientConfig);
    const lambda = new LambdaClient(clientConfig);

    const history = async (executionArn: string) => {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    };

    const invoke = async (functionName: string, payload: unknown): Promise<InvokeOutcome> => {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: app.functionNames[functionName],
          Payload: JSON.stringify(payload),
        }),
      );
      const answer = JSON.parse(new TextDecoder().decode(response.Payload));
      return response.FunctionError ? { ok: false, ...answer } : { ok: true, result: answer };
    };
    const start = async (request: unknown): Promise<StartOutcome> => {
      const outcome = await invoke("start-recovery", request);
      return outcome.ok ? { ok: true, started: outcome.result as StartRecoveryResult } : outcome;
    };

    const startDrill = async (planId: string) => {
      const outcome = await start({ planId, reason: "workflow test drill", requestedBy: "workflow-tests" });
      if (!outcome.ok) {
        throw new Error(
          `the drill of ${planId} did not start: ${outcome.errorType}: ${outcome.errorMessage}`,
        );
      }
      return outcome.started;
    };

    const approvePending = async (executionId: string, by: string) => {
      for (const approval of await engine.executions.approvals(executionId)) {
        if (approval.status !== "PENDING") continue;
        const decision = {
          executionId,
          wave: approval.wave,
          decision: "APPROVE",
          by,
          comment: "workflow test",
        };
        const outcome = await invoke("decide-approval", decision);
        if (!outcome.ok) {
          throw new Error(
            `approving wave ${approval.wave} failed: ${outcome.errorType}: ${outcome.errorMessage}`,
          );
        }
      }
    };

    const waitForEnd = async (started: StartRecoveryResult, wait: WaitOptions | number = {}) => {
      const options = typeof wait === "number" ? { deadlineMs: wait } : wait;
      const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
      const begin = performance.now();
      const { executionArn, executionId } = started;
      let description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      while (description.status === "RUNNING") {
        if (performance.now() - begin > deadlineMs) {
          const tail = (await history(executionArn)).slice(-HISTORY_TAIL).map(describeEvent);
          throw new Error(
            `execution ${executionId} still RUNNING after ${deadlineMs} ms real ` +
              `(simulated now ${local.clock.isoNow()}); last history events:\n${tail.join("\n")}`,
          );
        }
        if (options.approveAs) await approvePending(executionId, options.approveAs);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      }
      const meta = await engine.executions.getMeta(executionId);
      if (!meta) throw new Error(`execution ${executionId} ended ${description.status} without META`);
      const output = description.output ? JSON.parse(description.output) : undefined;
      return {
        executionArn,
        status: description.status,
        ...(description.error !== undefined && { error: description.error }),
        ...(output?.summary !== undefined && { summary: output.summary as FinalizeResult }),
        meta,
        realMs: performance.now() - begin,
      };
    };

    return {
      local,
      app,
      engine,
      sfn,
      ec2,
      drs,
      async applyPlan(plan) {
        const document = typeof plan === "object" && !(plan instanceof URL) ? plan : await planFile(plan);
        await engine.plans.apply(document, "workflow-tests", local.clock.now());
        return String((document as { id: unknown }).id);
      },
      invoke,
      start,
      startDrill,
      waitForEnd,
      async drill(planId, options) {
        return waitForEnd(await startDrill(planId), options);
      },
      history,
      async detachRule(ruleName) {
        const rule = RULES.find((candidate) => candidate.name === ruleName);
        if (!rule) throw new Error(`no rule ${ruleName} in RULES`);
        const events = new EventBridgeClient(clientConfig);
        const target = {
          Rule: resourceName(app.stage, rule.name),
          EventBusName: rule.bus === "app" ? app.eventBusName : "default",
        };
        await events.send(new RemoveTargetsCommand({ ...target, Ids: [rule.targetFunction] }));
        return async () => {
          await events.send(
            new PutTargetsCommand({
              ...target,
              Targets: [
                {
                  Id: rule.targetFunction,
                  Arn: lambdaArn(
                    local.region,
                    local.accountId,
                    app.functionNames[rule.targetFunction] as string,
                  ),
                },
              ],
            }),
          );
          events.destroy();
        };
      },
      async stop() {
        sfn.destroy();
        ec2.destroy();
        drs.destroy();
        lambda.destroy();
        await local.stop();
      },
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/**
 * The first `count` source servers of the fleet (by ID) with all of `tags` that are ready for any
 * RPO (replication CONTINUOUS, lag under a minute), for plans of a test's own.
 */
export function pickServers(fleet: Fleet, tags: Record<string, string>, count: number): string[] {
  const ids = fleet.sourceServers
    .filter(
      (server) =>
        server.dataReplicationInfo?.dataReplicationState === "CONTINUOUS" &&
        /^PT\d+(\.\d+)?S$/.test(server.dataReplicationInfo.lagDuration ?? "PT0S") &&
        Object.entries(tags).every(([key, value]) => server.tags?.[key] === value),
    )
    .map((server) => server.sourceServerID)
    .sort()
    .slice(0, count);
  if (ids.length < count)
    throw new Error(`the fleet has only ${ids.length} ready servers tagged ${JSON.stringify(tags)}`);
  return ids;
}

/** A plan file as a document: a path relative to examples/plans/, or a URL. */
export async function planFile(plan: string | URL): Promise<Record<string, unknown>> {
  const path = (plan instanceof URL ? plan : new URL(plan, EXAMPLE_PLANS)).pathname;
  const document = await loadDocumentFile(path);
  if (!document.ok) throw new Error(`${path} does not parse: ${JSON.stringify(document.issues)}`);
  return document.data as Record<string, unknown>;
}

function describeEvent(event: HistoryEvent): string {
  const details = Object.entries(event).find(([key]) => key.endsWith("EventDetails"))?.[1] as
    | Record<string, unknown>
    | undefined;
  const name = details?.name ?? details?.resource ?? details?.error ?? "";
  const cause = typeof details?.cause === "string" ? ` ${details.cause.slice(0, 300)}` : "";
  return `  #${event.id} ${event.timestamp?.toISOString()} ${event.type} ${String(name)}${cause}`;
}
