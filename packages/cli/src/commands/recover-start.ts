import type {
  InvalidInputError,
  PlanHealthBlockedError,
  RecoveryInProgressError,
} from "@drs-orchestrator/core";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS, type Target } from "../engine-environment";
import { operatorName } from "../operator";
import { renderFindingsTable } from "../output/plan-health-text";
import { watchRecovery } from "./recover-watch";

/** The start request's fields as this command's arguments, so a refusal names what to change. */
const FIELD_FLAGS: Record<string, string> = {
  planId: "<planId>",
  mode: "--mode",
  reason: "--reason",
  confirm: "--confirm",
  idempotencyKey: "--idempotency-key",
  asOf: "--as-of",
  replaceExisting: "--replace-existing",
  requestedBy: "your user name",
};

export const command = defineCommand({
  usage: "<planId>",
  description:
    "Starts a recovery of the latest stored version of a plan through the engine's start path (the one every " +
    "entry point takes), recorded as requested by cli:<your user name>. A DRILL (the default) launches isolated " +
    "drill instances and is cleaned up afterwards; a real RECOVERY needs --reason and --confirm with the plan " +
    "ID. A DRILL needs healthy replication within the plan's RPO; a RECOVERY launches every server DRS holds a " +
    "point-in-time snapshot for, whatever its replication state. --as-of recovers each server from its newest " +
    "snapshot at or before that time. A RECOVERY over servers still running an earlier recovery's instances is " +
    "refused unless --replace-existing. A start is refused early, listing each finding and its fix, when the " +
    "plan's latest recorded evaluation (scheduled, or `plan check`) found what blocks the mode. Prints the execution ID on standard output; with --watch it then follows the execution like `recover " +
    "status --watch`. One execution of a plan at a time. Exits 0 when the execution started (with --watch: " +
    "when it SUCCEEDED), 1 when the start was refused or the execution did not succeed, 130 when Ctrl-C " +
    "stopped the watching (the execution goes on).",
  options: {
    mode: {
      type: "string",
      valueName: "DRILL|RECOVERY",
      description: "DRILL (default): isolated drill instances; RECOVERY: a real recovery",
    },
    reason: {
      type: "string",
      valueName: "text",
      description: 'why it runs, kept with the execution (default for a drill: "drill started from the CLI")',
    },
    confirm: {
      type: "string",
      valueName: "planId",
      description: "the plan ID again: required to start a RECOVERY",
    },
    "idempotency-key": {
      type: "string",
      valueName: "key",
      description: "repeat a start with the same key to get the same execution back instead of a second one",
    },
    "as-of": {
      type: "string",
      valueName: "time",
      description:
        "recover each server as it was at this ISO-8601 time (e.g. 2026-11-21T08:00:00Z): from its newest snapshot at or before it",
    },
    "replace-existing": {
      type: "boolean",
      description: "a RECOVERY may replace the running recovery instances of an earlier recovery",
    },
    watch: { type: "boolean", description: "follow the execution until it ends" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [planId, ...extra] = args;
    if (planId === undefined)
      throw new UsageError("name the plan to recover (its ID, as `plan apply` stored it)");
    if (extra.length > 0) throw new UsageError(`one plan at a time (got ${args.join(" ")})`);
    const mode = (options.mode ?? "DRILL").toUpperCase();
    const reason = options.reason ?? (mode === "DRILL" ? "drill started from the CLI" : undefined);

    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const { startRecovery } = await import("@drs-orchestrator/engine");
        let started: Awaited<ReturnType<typeof startRecovery>>;
        try {
          started = await startRecovery(
            {
              planId,
              mode,
              ...(reason !== undefined && { reason }),
              requestedBy: `cli:${operatorName()}`,
              ...(options.confirm !== undefined && { confirm: options.confirm }),
              ...(options["idempotency-key"] !== undefined && { idempotencyKey: options["idempotency-key"] }),
              ...(options["as-of"] !== undefined && { asOf: options["as-of"] }),
              ...(options["replace-existing"] && { replaceExisting: true }),
            },
            engine,
            target.now(),
          );
        } catch (error) {
          io.err(refusal(error as Error, planId, target));
          return 1;
        }
        announce(started, options.watch, target, io);
        if (!options.watch) return 0;
        try {
          return await watchRecovery(engine, started.executionId, target, io);
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE"));
          return 1;
        }
      },
    );
  },
});

function announce(
  started: {
    executionId: string;
    planId: string;
    planVersion: number;
    mode: string;
    alreadyStarted: boolean;
    preemptedDrill?: string;
  },
  watching: boolean,
  target: Target,
  io: CommandIo,
): void {
  const kind = started.mode === "DRILL" ? "Drill" : "Recovery";
  const flag = target.flag ? ` ${target.flag}` : "";
  io.err(
    started.alreadyStarted
      ? `${kind} of plan ${started.planId} v${started.planVersion} was already started with this idempotency key:`
      : `${kind} of plan ${started.planId} v${started.planVersion} started:`,
  );
  if (started.preemptedDrill !== undefined) {
    io.err(
      `Pre-empted drill ${started.preemptedDrill}: stopped (ABORTED); its cleanup leaves the servers this recovery holds alone`,
    );
  }
  // Standard output gets the execution ID alone, for scripts: `id=$(drs-orchestrator recover start …)`.
  io.out(started.executionId);
  if (!watching) {
    io.err(`Follow it with: drs-orchestrator recover status ${started.executionId} --watch${flag}`);
  }
}

/** Why the engine refused the start, with the option that fixes it. */
function refusal(error: Error, planId: string, target: Target): string {
  const flag = target.flag ? ` ${target.flag}` : "";
  switch (error.name) {
    case "InvalidInputError":
      return [
        "the start request is not valid:",
        ...(error as InvalidInputError).problems.map(
          (problem) => `  ${FIELD_FLAGS[problem.path] ?? problem.path}: ${problem.message}`,
        ),
      ].join("\n");
    case "RecoveryNotConfirmedError":
      return `refused: ${error.message}\n  fix: add --confirm ${planId} (and say why with --reason)`;
    case "RecoveryInProgressError": {
      const { executionId } = error as RecoveryInProgressError;
      return (
        `refused: ${error.message}\n  see it: drs-orchestrator recover status ${executionId}${flag}` +
        `\n  stop it: drs-orchestrator recover cancel ${executionId} --reason <why>${flag}`
      );
    }
    case "PlanNotFoundError":
      return `refused: ${error.message}${flag ? ` (with${flag})` : ""}`;
    case "PlanHealthBlockedError": {
      const { mode, evaluatedAt, findings } = error as PlanHealthBlockedError;
      return (
        `refused: plan "${planId}" cannot start a ${mode}: its evaluation of ${evaluatedAt} found ` +
        `${findings.length} finding(s) that block it, nothing was started:\n${renderFindingsTable(findings, "  ")}` +
        `\n  fix them, then re-check: drs-orchestrator plan check ${planId}${flag}`
      );
    }
    default:
      return explainEngineError(error, "PLANS_TABLE");
  }
}
