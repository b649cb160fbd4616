import { defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { operatorName } from "../operator";

/** Refusals whose message says what to fix: an unknown execution, a bad request. */
const REQUEST_ERRORS = new Set(["ExecutionNotFoundError", "InvalidInputError"]);

export const command = defineCommand({
  usage: "<execution> --reason <text>",
  description:
    "Cancels a running recovery execution for good: stops its workflow (recorded as cancelled by " +
    "cli:<your user name> with the reason), marks it ABORTED and frees its servers and its plan for the next " +
    "start. Instances already launched stay: a cancelled drill is cleaned up automatically (its drill " +
    "instances terminated, launch settings restored); after a real recovery they are yours. Cancelling an " +
    "execution that has already ended changes nothing. Exits 0 when the execution is ABORTED (now or " +
    "already), 1 when it had ended otherwise or is unknown.",
  options: {
    reason: {
      type: "string",
      valueName: "text",
      description: "why it is cancelled, kept with the execution (required)",
    },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [executionId, ...extra] = args;
    if (executionId === undefined)
      throw new UsageError("name the execution to cancel (recover list shows them)");
    if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
    if (options.reason === undefined || options.reason.trim() === "") {
      throw new UsageError("--reason is required: say why the execution is cancelled, for its record");
    }
    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const flag = target.flag ? ` ${target.flag}` : "";
        const { cancelRecovery } = await import("@drs-orchestrator/engine");
        try {
          const result = await cancelRecovery(
            engine,
            { executionId, reason: options.reason as string, requestedBy: `cli:${operatorName()}` },
            target.now(),
          );
          if (result.alreadyEnded) {
            const message = `${executionId} had already ended ${result.endedStatus ?? "(status unknown)"}: nothing changed`;
            if (result.endedStatus === "ABORTED") {
              io.out(message);
              return 0;
            }
            io.err(message);
            return 1;
          }
          io.out(`${executionId} cancelled: ABORTED, its servers and plan are free for the next start`);
          io.out(
            result.cleanupExpected
              ? `The drill is cleaned up automatically (drill instances terminated, launch settings restored): ` +
                  `drs-orchestrator recover report ${executionId}${flag} shows the cleanup`
              : "Instances it launched keep running: this was a real recovery, so nothing is cleaned up",
          );
          return 0;
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE", REQUEST_ERRORS));
          return 1;
        }
      },
    );
  },
});
