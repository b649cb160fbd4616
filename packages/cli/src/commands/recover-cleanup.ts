import { DescribeExecutionCommand } from "@aws-sdk/client-sfn";
import { type DrillCleanupSummary, formatDuration, parseDuration } from "@drs-orchestrator/core";
import type { EngineContext } from "@drs-orchestrator/engine";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";

/** Refusals of the request itself (bad input, not a drill, still running, unknown execution): exit 1 with the message. */
const REQUEST_ERRORS = new Set(["InvalidInputError", "DrillCleanupRefusedError", "ExecutionNotFoundError"]);

const POLL_MS = 500;

export const command = defineCommand({
  usage: "<execution>",
  description:
    "Starts the cleanup of a drill that has ended: terminates the drill's recovery instances (only drill " +
    "instances launched by this execution), waits for DRS to terminate them, then restores the launch template " +
    "default versions and DRS launch configurations the drill changed. Once per execution: asking again reports " +
    "the cleanup already started (a failed, aborted or timed-out drill is cleaned up automatically), and ends " +
    "the hold of one waiting out the plan's drill.cleanupAfter unless --after is given. Refuses real " +
    "recoveries and drills still running. Acts on the local runtime with --local, on a deployed stage with " +
    "--stage, else on the engine environment (PLANS_TABLE, EXECUTIONS_TABLE, RECOVERY_STATE_MACHINE_ARN, " +
    "CLEANUP_STATE_MACHINE_ARN) and the standard AWS variables. Exits 0 when the cleanup is started (with " +
    "--wait: when it succeeded), 1 otherwise.",
  options: {
    after: {
      type: "string",
      valueName: "duration",
      description: "hold this long before cleaning up, e.g. 30m or 2h (default: at once)",
    },
    wait: { type: "boolean", description: "wait for the cleanup to end and show what it did" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [executionId, ...extra] = args;
    if (executionId === undefined) throw new UsageError("name the drill execution to clean up");
    if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
    const delaySeconds = options.after === undefined ? undefined : parseAfter(options.after);

    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN", "CLEANUP_STATE_MACHINE_ARN"],
      io,
      async (engine) => {
        const { startDrillCleanup } = await import("@drs-orchestrator/engine");
        try {
          const started = await startDrillCleanup(
            { executionId, ...(delaySeconds !== undefined && { delaySeconds }) },
            engine,
          );
          const hold = started.delaySeconds > 0 ? ` after ${formatDuration(started.delaySeconds)}` : "";
          io.out(
            started.holdEnded
              ? `cleanup of ${executionId} was holding ${formatDuration(started.delaySeconds)} after the drill: hold ended, cleaning up now: ${started.cleanupExecutionArn}`
              : started.alreadyStarted
                ? `cleanup of ${executionId} was already started (${started.status ?? "status unknown"}${hold}): ${started.cleanupExecutionArn}`
                : `cleanup of ${executionId} started${hold}: ${started.cleanupExecutionArn}`,
          );
          if (!options.wait) return 0;
          const status = await waitForEnd(engine, started.cleanupExecutionArn);
          return await report(engine, executionId, status, io);
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE", REQUEST_ERRORS));
          return 1;
        }
      },
    );
  },
});

function parseAfter(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 0) {
    throw new UsageError(`--after ${text} is not a duration: write it like 30m, 2h or PT45M`);
  }
  return seconds;
}

async function waitForEnd(engine: EngineContext, executionArn: string): Promise<string> {
  for (;;) {
    const { status } = await engine.aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== "RUNNING") return status ?? "UNKNOWN";
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function report(
  engine: EngineContext,
  executionId: string,
  status: string,
  io: CommandIo,
): Promise<number> {
  const { drillCleanupReport } = await import("@drs-orchestrator/engine");
  const cleanup = await drillCleanupReport(engine, executionId);
  if (!cleanup) {
    io.err(`cleanup of ${executionId} ended ${status} without recording anything`);
    return 1;
  }
  for (const line of cleanupLines(cleanup)) (cleanup.status === "SUCCEEDED" ? io.out : io.err)(line);
  return status === "SUCCEEDED" && cleanup.status === "SUCCEEDED" ? 0 : 1;
}

function cleanupLines(cleanup: DrillCleanupSummary): string[] {
  const lines = [
    `cleanup ${cleanup.status}: ${cleanup.terminatedInstanceIds.length} instance(s) terminated, ` +
      `${cleanup.revertedServers.length} server(s) restored`,
  ];
  if (cleanup.error) lines.push(`  error: ${cleanup.error}${cleanup.cause ? ` — ${cleanup.cause}` : ""}`);
  for (const id of cleanup.terminatedInstanceIds) lines.push(`  terminated ${id}`);
  for (const server of cleanup.revertedServers) {
    const parts = [
      ...(server.restoredDefaultVersion !== undefined
        ? [`launch template default version ${server.restoredDefaultVersion}`]
        : []),
      ...Object.keys(server.restoredLaunchConfiguration).map((field) => `launch configuration ${field}`),
    ];
    lines.push(
      `  restored ${server.sourceServerId}: ${parts.length > 0 ? parts.join(", ") : "already as before"}`,
    );
  }
  for (const failure of cleanup.failedTerminations) {
    lines.push(`  not terminated ${failure.recoveryInstanceId ?? failure.sourceServerId}: ${failure.reason}`);
  }
  for (const skipped of cleanup.skippedServers)
    lines.push(`  left as is ${skipped.sourceServerId}: ${skipped.reason}`);
  return lines;
}
