import type { InvalidInputError } from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { renderRecoveryList } from "../output/recovery-list-text";

/** The list request's fields as this command's options, so a refusal names what to change. */
const FIELD_FLAGS: Record<string, string> = {
  planId: "--plan",
  status: "--status",
  mode: "--mode",
  limit: "--limit",
};

export const command = defineCommand({
  usage: "",
  description:
    "Lists recovery executions newest first: ID, plan, mode, status (STARTING, RUNNING, SUCCEEDED, FAILED, " +
    "ABORTED, TIMED_OUT), start time, duration and who started it; --json prints them as JSON. Exits 0 when " +
    "the list was read (also when it is empty), 1 when it could not be, 2 for a bad option.",
  options: {
    plan: { type: "string", valueName: "planId", description: "only executions of this plan" },
    status: {
      type: "string",
      valueName: "status",
      description: "only executions with this status, e.g. RUNNING or FAILED",
    },
    mode: {
      type: "string",
      valueName: "DRILL|RECOVERY",
      description: "only drills, or only real recoveries",
    },
    limit: { type: "string", valueName: "N", description: "at most N executions (default 20)" },
    json: { type: "boolean", description: "print the executions as JSON" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    if (args.length > 0) throw new UsageError(`recover list takes no arguments (got ${args.join(" ")})`);
    let limit: number | undefined;
    if (options.limit !== undefined) {
      limit = Number(options.limit);
      if (options.limit.trim() === "" || !Number.isInteger(limit) || limit < 1) {
        throw new UsageError(`--limit ${options.limit} is not a number of executions (1, 2, …)`);
      }
    }
    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const { listRecoveries } = await import("@drs-orchestrator/engine");
        try {
          const entries = await listRecoveries(engine, {
            ...(options.plan !== undefined && { planId: options.plan }),
            ...(options.status !== undefined && { status: options.status.toUpperCase() }),
            ...(options.mode !== undefined && { mode: options.mode.toUpperCase() }),
            ...(limit !== undefined && { limit }),
          } as Parameters<typeof listRecoveries>[1]);
          io.out(options.json ? JSON.stringify(entries, null, 2) : renderRecoveryList(entries, target.now()));
          return 0;
        } catch (error) {
          if ((error as Error).name === "InvalidInputError") {
            for (const problem of (error as InvalidInputError).problems) {
              io.err(`${FIELD_FLAGS[problem.path] ?? problem.path}: ${problem.message}`);
            }
            return 2;
          }
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE"));
          return 1;
        }
      },
    );
  },
});
