import type { RecoveryInProgressError } from "@drs-orchestrator/core";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS, type Target } from "../engine-environment";
import { operatorName } from "../operator";
import { watchRecovery } from "./recover-watch";

/** Refusals whose message says what to fix: an unknown execution, one that cannot be resumed, a bad request. */
const REQUEST_ERRORS = new Set(["ExecutionNotFoundError", "ExecutionNotResumableError", "InvalidInputError"]);

export const command = defineCommand({
  usage: "<execution> [--skip-failed]",
  description:
    "Resumes an execution that FAILED, was ABORTED or cancelled, as a new attempt recorded as resumed by " +
    "cli:<your user name>: from the first wave that did not complete, servers that are healthy with their " +
    "recovery instance still up are kept (never relaunched), launches still in flight finish, and the rest " +
    "launch again; later waves follow. With --skip-failed the stopped wave's failed and unlaunched servers are " +
    "accepted as failed instead, and the recovery goes on with the later waves. Approval gates that were " +
    "rejected or expired are asked again; hooks that ran do not run again. The report and the RTO cover every " +
    "attempt. A drill is resumed once its cleanup has ended. Refused for an execution that SUCCEEDED or still " +
    "runs. Prints the execution ID on standard output; with --watch it then follows the execution like " +
    "`recover status --watch`. Exits 0 when the attempt started (with --watch: when the execution SUCCEEDED), " +
    "1 when the resume was refused or the execution did not succeed, 130 when Ctrl-C stopped the watching " +
    "(the execution goes on).",
  options: {
    "skip-failed": {
      type: "boolean",
      description:
        "accept the stopped wave's failed and unlaunched servers as failed instead of launching them",
    },
    reason: {
      type: "string",
      valueName: "text",
      description: "why it is resumed, kept with the attempt",
    },
    watch: { type: "boolean", description: "follow the execution until it ends" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [executionId, ...extra] = args;
    if (executionId === undefined)
      throw new UsageError("name the execution to resume (recover list shows them)");
    if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const { resumeRecovery } = await import("@drs-orchestrator/engine");
        let resumed: Awaited<ReturnType<typeof resumeRecovery>>;
        try {
          resumed = await resumeRecovery(
            engine,
            {
              executionId,
              skipFailed: options["skip-failed"] === true,
              requestedBy: `cli:${operatorName()}`,
              ...(options.reason !== undefined && { reason: options.reason }),
            },
            target.now(),
          );
        } catch (error) {
          io.err(refusal(error as Error, target));
          return 1;
        }
        announce(resumed, options.watch === true, target, io);
        if (!options.watch) return 0;
        try {
          return await watchRecovery(engine, resumed.executionId, target, io);
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE"));
          return 1;
        }
      },
    );
  },
});

function announce(
  resumed: {
    executionId: string;
    attempt: number;
    planId: string;
    planVersion: number;
    mode: string;
    skipFailed: boolean;
    requestedBy: string;
    alreadyStarted: boolean;
  },
  watching: boolean,
  target: Target,
  io: CommandIo,
): void {
  const kind = resumed.mode === "DRILL" ? "Drill" : "Recovery";
  const skip = resumed.skipFailed ? ", accepting the stopped wave's failed servers" : "";
  io.err(
    resumed.alreadyStarted
      ? `${kind} of plan ${resumed.planId} v${resumed.planVersion} was resumed as attempt ${resumed.attempt} by ${resumed.requestedBy} at the same time${skip}:`
      : `${kind} of plan ${resumed.planId} v${resumed.planVersion} resumed as attempt ${resumed.attempt}${skip}:`,
  );
  // Standard output gets the execution ID alone, for scripts, as `recover start` does.
  io.out(resumed.executionId);
  if (!watching) {
    const flag = target.flag ? ` ${target.flag}` : "";
    io.err(`Follow it with: drs-orchestrator recover status ${resumed.executionId} --watch${flag}`);
  }
}

/** Why the engine refused the resume, with what to do about it. */
function refusal(error: Error, target: Target): string {
  const flag = target.flag ? ` ${target.flag}` : "";
  if (error.name === "RecoveryInProgressError") {
    const { executionId } = error as RecoveryInProgressError;
    return (
      `refused: ${error.message}\n  see it: drs-orchestrator recover status ${executionId}${flag}` +
      `\n  stop it: drs-orchestrator recover cancel ${executionId} --reason <why>${flag}`
    );
  }
  if (REQUEST_ERRORS.has(error.name)) return `refused: ${error.message}`;
  return explainEngineError(error, "EXECUTIONS_TABLE");
}
