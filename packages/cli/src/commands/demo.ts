import { randomBytes } from "node:crypto";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from "@aws-sdk/client-sfn";
import type { DrillCleanupSummary } from "@drs-orchestrator/core";
import {
  formatDuration,
  formatPlanIssue,
  loadDocumentFile,
  loadFleetFile,
  orderHookRecords,
  type Plan,
  type PlanIssue,
  parsePlanData,
} from "@drs-orchestrator/core";
import type { EngineContext } from "@drs-orchestrator/engine";
import { type LocalAws, startLocalAws } from "@drs-orchestrator/local";
import { startIncidentServer } from "../../../../examples/mcp-incident-server/incident-server";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { readFaultsOption } from "../faults-option";
import { type Interrupt, onInterrupt } from "../interrupt";
import { cleanupProgressLine, renderDrillCleanupSummary } from "../output/drill-cleanup-text";
import { renderFaults } from "../output/faults-text";
import { quietFunctionOutput } from "../output/function-output";
import { renderIncidentTimeline } from "../output/incident-timeline";
import { LiveProgress } from "../output/live-progress";
import { hookNote } from "../output/progress-view";
import { renderRecoverySummary } from "../output/recovery-summary-text";

const REPOSITORY = new URL("../../../../", import.meta.url);
const DEFAULT_PLAN = "examples/plans/three-tier.yaml";
const DEFAULT_FLEET = "examples/fleet.json";
/** The three-tier example drills in about 36 simulated minutes: under 30 s at this speed. */
const DEFAULT_SPEED = 80;
const POLL_MS = 250;
/** Simulated time the drill's cleanup may take (DRS terminates the instances in minutes) before the demo gives up. */
const CLEANUP_DEADLINE_SECONDS = 2 * 3600;
/** Who approves the drill's gates: the demo itself, so an unattended run shows a gate and goes on. */
const DEMO_APPROVER = "drs-orchestrator demo";
/** The MCP server name the example plans' hooks call, and the secret holding its bearer token. */
const INCIDENT_SERVER = "incidents";
const INCIDENT_TOKEN_SECRET = "drs-orchestrator/incidents-token";

export const command = defineCommand({
  usage: "",
  description:
    "Runs a DRS drill end to end on the local runtime and shows it live: starts the emulated AWS services " +
    "with the fleet, deploys the app (tables, functions, state machine, rules), stores the plan, starts a " +
    "drill through the start-recovery function and shows each wave's servers pending, launching, launched, " +
    "healthy and failed until the drill ends, then the recovery summary. The example incident MCP server runs " +
    "alongside as `incidents` for the plan's hooks; the demo approves the plan's approval gates itself. Then " +
    "it cleans up the drill as `recover cleanup` does (terminates the recovery instances, restores the launch " +
    "settings), follows the cleanup to its end and shows what it did. With --faults the runtime starts with " +
    "the faults file's bad day (see the README). Exit code 0 when the drill and its cleanup succeeded, 1 " +
    "otherwise.",
  options: {
    plan: {
      type: "string",
      valueName: "plan.yaml",
      description: `the plan to drill (default ${DEFAULT_PLAN})`,
    },
    fleet: {
      type: "string",
      valueName: "fleet.json",
      description: `source servers and recovery network to emulate (default ${DEFAULT_FLEET})`,
    },
    speed: {
      type: "string",
      valueName: "N",
      description: `simulated seconds per real second (default ${DEFAULT_SPEED})`,
    },
    faults: {
      type: "string",
      valueName: "faults.json",
      description: "faults to start the runtime with, e.g. examples/faults/wave-failure.json (default: none)",
    },
  },
  async run({ args, options }, io) {
    if (args.length > 0) throw new UsageError(`demo takes no arguments (got ${args.join(" ")})`);
    const speed = parseSpeed(options.speed);
    const planName = options.plan ?? DEFAULT_PLAN;
    const fleetName = options.fleet ?? DEFAULT_FLEET;

    const planResult = await loadPlan(options.plan ?? new URL(DEFAULT_PLAN, REPOSITORY).pathname);
    if (!planResult.ok) {
      for (const issue of planResult.issues) io.err(formatPlanIssue(issue, planName));
      return 1;
    }
    const fleetResult = await loadFleetFile(options.fleet ?? new URL(DEFAULT_FLEET, REPOSITORY).pathname);
    if (!fleetResult.ok) {
      for (const issue of fleetResult.issues) io.err(formatPlanIssue(issue, fleetName));
      return 1;
    }
    const { plan, document } = planResult;
    let faults: Awaited<ReturnType<typeof readFaultsOption>>;
    if (options.faults !== undefined) {
      faults = await readFaultsOption(options.faults, fleetResult.fleet, io);
      if (!faults) return 1;
    }

    // Only errors from the functions: their logs would tear the live view apart.
    const functionSettings = quietFunctionOutput("ERROR");
    const { deployLocalApp, localClientConfig } = await import("@drs-orchestrator/app");
    const { approvePendingGates, createEngineContext, loadRecoverySummary } = await import(
      "@drs-orchestrator/engine"
    );

    const local = await startLocalAws({
      fleet: faults?.fleet ?? fleetResult.fleet,
      speed,
      ...(faults && { faults: faults.faults }),
      ...(faults?.drift && { drift: faults.drift }),
    });
    const token = randomBytes(16).toString("hex");
    const incidents = await startIncidentServer({ port: 0, token });
    const interrupt = onInterrupt();
    try {
      io.out(
        `Local AWS runtime on ${local.endpoint}: ${local.fleet.sourceServers.length} source servers from ` +
          `${fleetName}, clock ${speed}× real time`,
      );
      if (faults) {
        io.out(
          [`Faults from ${options.faults}:`, ...renderFaults(faults.file).map((line) => `  ${line}`)].join(
            "\n",
          ),
        );
      }
      local.secrets.seed(INCIDENT_TOKEN_SECRET, token);
      io.out(
        `Incident MCP server (examples/mcp-incident-server) on ${incidents.url}, ` +
          `"${INCIDENT_SERVER}" to the plan's hooks`,
      );
      const app = await deployLocalApp(local, {
        logLevel: "ERROR",
        environment: {
          ...functionSettings,
          HOOK_MCP_SERVERS: JSON.stringify({
            [INCIDENT_SERVER]: { url: incidents.url, tokenSecret: INCIDENT_TOKEN_SECRET },
          }),
        },
      });
      io.out(
        `Deployed the app: ${Object.keys(app.functionNames).length} functions, state machine ` +
          app.recoveryStateMachineArn,
      );
      const engine = createEngineContext({ ...local.env, ...app.environment });
      const { version } = await engine.plans.apply(document, "drs-orchestrator demo", local.clock.now());
      io.out(
        `Stored plan ${plan.id} "${plan.name}" from ${planName} as version ${version}: RTO target ` +
          formatDuration(plan.rto),
      );

      const config = localClientConfig(local);
      const started = await startDrill(config, app.functionNames["start-recovery"] as string, plan.id);
      io.out(`Started drill ${started.executionId} through the start-recovery function\n`);

      const noted = new Set<string>();
      const news = async (): Promise<string[]> => {
        // The plan's approval gates stop the drill as they would any recovery; here the demo decides them.
        const approved = await approvePendingGates(engine, started.executionId, {
          by: DEMO_APPROVER,
          now: local.clock.now(),
        });
        const hooks = orderHookRecords(await engine.executions.hooks(started.executionId)).filter((hook) => {
          const key = `${hook.phase}/${hook.wave ?? ""}/${hook.index}`;
          if (noted.has(key)) return false;
          noted.add(key);
          return true;
        });
        return [
          ...approved.map(
            ({ wave }) => `Wave ${wave} waits for approval (Approval Required): auto-approved by the demo`,
          ),
          ...hooks.map(hookNote),
        ];
      };
      const status = await followExecution(local, config, engine, started, io, interrupt, news);
      if (status === "INTERRUPTED") {
        io.err("interrupted: stopping the local runtime");
        return 130;
      }
      const summary = await loadRecoverySummary(engine, started.executionId);
      if (summary) io.out(`\n${renderRecoverySummary(summary)}`);
      else {
        const failure = await firstFailure(config, started.executionArn);
        io.out(`\nDrill ${started.executionId} ${status} before it recorded anything: ${failure}`);
      }
      const timeline = incidents.notes.all();
      if (timeline.length > 0) {
        io.out(`\nIncident timeline the hooks kept on the "${INCIDENT_SERVER}" MCP server:`);
        io.out(renderIncidentTimeline(timeline));
      }
      if (!summary) return 1;

      const cleanup = await cleanUp(local, engine, started.executionId, io, interrupt);
      if (cleanup === "INTERRUPTED") {
        io.err("interrupted: stopping the local runtime");
        return 130;
      }
      return status === "SUCCEEDED" && summary.status === "SUCCEEDED" && cleanup === "SUCCEEDED" ? 0 : 1;
    } catch (error) {
      io.err(`the demo drill could not run: ${(error as Error).message}`);
      return 1;
    } finally {
      interrupt.dispose();
      await local.stop();
      await incidents.close();
    }
  },
});

function parseSpeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SPEED;
  const speed = Number(text);
  if (text.trim() === "" || !(speed > 0)) throw new UsageError(`--speed ${text} is not valid`);
  return speed;
}

async function loadPlan(
  path: string,
): Promise<{ ok: true; plan: Plan; document: unknown } | { ok: false; issues: PlanIssue[] }> {
  const document = await loadDocumentFile(path);
  if (!document.ok) return document;
  const result = parsePlanData(document.data);
  return result.ok ? { ...result, document: document.data } : result;
}

/** SDK client settings that reach the local runtime. */
type ClientConfig = ReturnType<typeof import("@drs-orchestrator/app").localClientConfig>;

/** Starts the drill the way every entry point does: through the deployed start-recovery function. */
async function startDrill(
  config: ClientConfig,
  functionName: string,
  planId: string,
): Promise<StartedExecution> {
  const lambda = new LambdaClient(config);
  try {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: JSON.stringify({
          planId,
          mode: "DRILL",
          reason: "drs-orchestrator demo",
          requestedBy: "drs-orchestrator demo",
        }),
      }),
    );
    const payload = JSON.parse(new TextDecoder().decode(response.Payload));
    if (response.FunctionError) {
      throw new Error(`the start-recovery function failed: ${payload.errorType}: ${payload.errorMessage}`);
    }
    return payload as StartedExecution;
  } finally {
    lambda.destroy();
  }
}

interface StartedExecution {
  executionId: string;
  executionArn: string;
}

/** Shows the progress until the execution ends; resolves to its final Step Functions status. */
async function followExecution(
  local: LocalAws,
  config: ClientConfig,
  engine: EngineContext,
  started: StartedExecution,
  io: CommandIo,
  interrupt: Interrupt,
  /** What happened since the last poll that the progress counts do not show, one line each. */
  news: () => Promise<string[]>,
): Promise<string> {
  const sfn = new SFNClient(config);
  const { executionProgress } = await import("@drs-orchestrator/engine");
  const live = new LiveProgress(
    io,
    process.stdout.isTTY ? { columns: process.stdout.columns || 80 } : undefined,
  );
  try {
    for (;;) {
      // The status first: items read after the execution ended show its end.
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      const [meta, waves, servers] = await Promise.all([
        engine.executions.getMeta(started.executionId),
        engine.executions.waves(started.executionId),
        engine.executions.servers(started.executionId),
      ]);
      for (const line of await news()) live.note(line);
      live.update(
        executionProgress({ ...(meta && { meta }), waves, servers, now: local.clock.now().toISOString() }),
      );
      if (status !== "RUNNING") return status ?? "UNKNOWN";
      if (await interrupt.within(POLL_MS)) return "INTERRUPTED";
    }
  } finally {
    sfn.destroy();
  }
}

/**
 * Cleans up the ended drill through the same path as `recover cleanup` (which also ends the hold of the
 * plan's `drill.cleanupAfter`), shows its progress until it ends and then what it did. Resolves to
 * SUCCEEDED only when the cleanup execution and the cleanup it recorded both succeeded.
 */
async function cleanUp(
  local: LocalAws,
  engine: EngineContext,
  executionId: string,
  io: CommandIo,
  interrupt: Interrupt,
): Promise<string> {
  const { drillCleanupReport, startDrillCleanup } = await import("@drs-orchestrator/engine");
  io.out(`\nCleaning up drill ${executionId}: terminating its recovery instances, restoring launch settings`);
  const started = await startDrillCleanup({ executionId }, engine);
  io.out(
    started.holdEnded
      ? `Ended the ${formatDuration(started.delaySeconds)} hold of the plan's drill.cleanupAfter: ${started.cleanupExecutionArn}`
      : `Started cleanup ${started.cleanupExecutionArn}`,
  );
  const deadline = local.clock.now().getTime() + CLEANUP_DEADLINE_SECONDS * 1000;
  let shown = "";
  let report: DrillCleanupSummary | undefined;
  let status: string | undefined;
  for (;;) {
    // The status first: a report read after the execution ended shows its end.
    ({ status } = await engine.aws.sfn.send(
      new DescribeExecutionCommand({ executionArn: started.cleanupExecutionArn }),
    ));
    report = await drillCleanupReport(engine, executionId);
    const line = cleanupProgressLine(status ?? "UNKNOWN", report);
    if (line !== shown) io.out(line);
    shown = line;
    if (status !== "RUNNING") break;
    if (local.clock.now().getTime() > deadline) {
      io.out(`Cleanup still ${status} after ${formatDuration(CLEANUP_DEADLINE_SECONDS)}: giving up on it`);
      return "TIMED_OUT";
    }
    if (await interrupt.within(POLL_MS)) return "INTERRUPTED";
  }
  if (!report) {
    io.out(`Cleanup ${status} before it recorded anything`);
    return status ?? "UNKNOWN";
  }
  const took =
    report.startedAt && report.completedAt
      ? formatDuration(Math.round((Date.parse(report.completedAt) - Date.parse(report.startedAt)) / 1000))
      : undefined;
  io.out(`\n${renderDrillCleanupSummary(report, took)}`);
  return status === "SUCCEEDED" && report.status === "SUCCEEDED" ? "SUCCEEDED" : "FAILED";
}

/** The recovery report of the ended execution, from its items as finalize recorded them. */
/**
 * The first step failure in the execution's history, e.g. `GroupResolutionError: …`: what ended an
 * execution that failed before it wrote anything of its own.
 */
async function firstFailure(config: ClientConfig, executionArn: string): Promise<string> {
  const sfn = new SFNClient(config);
  try {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
      const failed = (page.events ?? []).map(failureOf).find((failure) => failure !== undefined);
      if (failed) return failed;
      nextToken = page.nextToken;
    } while (nextToken);
    return "no step failed";
  } finally {
    sfn.destroy();
  }
}

function failureOf(event: HistoryEvent): string | undefined {
  const details = event.taskFailedEventDetails ?? event.lambdaFunctionFailedEventDetails;
  if (!details?.error) return undefined;
  // A Lambda failure's cause is the function's error payload; its message says what went wrong.
  let message = details.cause ?? "";
  try {
    message = JSON.parse(message).errorMessage ?? message;
  } catch {}
  return message ? `${details.error}: ${message}` : details.error;
}
