import { defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { renderRecoveryStatus } from "../output/recovery-status-text";
import { terminalStyle, wantsColour } from "../output/terminal-style";
import { watchRecovery } from "./recover-watch";

/** Refusals whose message says what to fix: an unknown execution, a bad ID. */
const REQUEST_ERRORS = new Set(["ExecutionNotFoundError", "InvalidInputError"]);

export const command = defineCommand({
  usage: "<execution>",
  description:
    "Shows where a recovery execution is: its status, who started it and why, the RTO so far against the " +
    "plan's target, a progress bar per wave (servers healthy, launched, launching, failed, pending), the " +
    "approval gates waiting for a decision with the command that decides them, and what ended it when it " +
    "failed. --servers adds one row per server; --json prints the status as JSON. With --watch it follows " +
    "the execution until it ends: bars redrawn in place on a terminal (coloured unless NO_COLOR is set), one " +
    "line per change otherwise; Ctrl-C stops watching and leaves the execution running. Exits 0 when the " +
    "status was shown (with --watch: when the execution SUCCEEDED), 1 when the execution is unknown or did " +
    "not succeed, 130 when Ctrl-C stopped the watching.",
  options: {
    watch: { type: "boolean", description: "follow the execution until it ends" },
    servers: { type: "boolean", description: "one row per server: instance, IP, launch and health times" },
    json: { type: "boolean", description: "print the status as JSON" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [executionId, ...extra] = args;
    if (executionId === undefined) throw new UsageError("name the execution (recover list shows them)");
    if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
    if (options.watch && (options.json || options.servers)) {
      throw new UsageError("--watch shows the progress live: leave out --json and --servers, or --watch");
    }
    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        try {
          if (options.watch) return await watchRecovery(engine, executionId, target, io);
          const { getRecoveryStatus } = await import("@drs-orchestrator/engine");
          const view = await getRecoveryStatus(engine, executionId, {
            now: target.now(),
            servers: options.servers,
          });
          if (options.json) io.out(JSON.stringify(view, null, 2));
          else {
            const style = terminalStyle(wantsColour(process.stdout));
            io.out(renderRecoveryStatus(view, { style, targetFlag: target.flag }).join("\n"));
          }
          return 0;
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE", REQUEST_ERRORS));
          return 1;
        }
      },
    );
  },
});
