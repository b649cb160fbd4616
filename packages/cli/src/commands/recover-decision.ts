import type { ApprovalDecision } from "@drs-orchestrator/core";
import { type Command, defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { operatorName } from "../operator";

/** Errors of the decision itself (bad request, no such gate, not an approver, gate closed): exit 1 with the message. */
const DECISION_ERRORS = new Set([
  "InvalidInputError",
  "ApprovalNotFoundError",
  "ApproverNotAllowedError",
  "ApprovalClosedError",
]);

const WORDS: Record<ApprovalDecision, { verb: string; past: string; effect: string }> = {
  APPROVE: { verb: "Approves", past: "approved", effect: "the wave launches" },
  REJECT: { verb: "Rejects", past: "rejected", effect: "the recovery is aborted (a drill is cleaned up)" },
};

/**
 * `recover approve` and `recover reject`: one decision on a wave's approval gate through the
 * engine's decideApproval, the path every entry point takes, on the app the target options choose
 * with the caller's AWS credentials.
 */
export function decisionCommand(decision: ApprovalDecision): Command {
  const words = WORDS[decision];
  return defineCommand({
    usage: "<execution> --wave <N>",
    description:
      `${words.verb} the approval gate of a wave of a running recovery: ${words.effect}. The same decision again ` +
      "reports the one recorded; the opposite decision after one is refused. When the plan lists approvers, " +
      "--as (default: your user name) must be one of them. Reads the engine environment (PLANS_TABLE, " +
      "EXECUTIONS_TABLE, RECOVERY_STATE_MACHINE_ARN) and the standard AWS variables; `drs-orchestrator local up` " +
      "prints them for the local runtime. Exits 0 when the gate has this decision, 1 otherwise.",
    options: {
      wave: { type: "string", valueName: "N", description: "the wave whose gate to decide (required)" },
      comment: { type: "string", valueName: "text", description: "a note kept with the decision" },
      as: { type: "string", valueName: "name", description: "who decides (default: your user name)" },
      ...TARGET_OPTIONS,
    },
    async run({ args, options }, io) {
      const [executionId, ...extra] = args;
      if (executionId === undefined) throw new UsageError("name the execution whose gate to decide");
      if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
      if (options.wave === undefined)
        throw new UsageError("--wave is required: the wave whose gate to decide");
      const wave = Number(options.wave);
      if (options.wave.trim() === "" || !Number.isInteger(wave) || wave < 1) {
        throw new UsageError(`--wave ${options.wave} is not a wave number (1, 2, …)`);
      }

      return actOnApp(
        options,
        ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
        io,
        async (engine, target) => {
          const { decideApproval } = await import("@drs-orchestrator/engine");
          try {
            const result = await decideApproval(
              engine,
              {
                executionId,
                wave,
                decision,
                by: options.as ?? operatorName(),
                ...(options.comment !== undefined && { comment: options.comment }),
              },
              target.now(),
            );
            const note = result.comment ? ` (${result.comment})` : "";
            io.out(
              result.alreadyDecided
                ? `wave ${wave} of ${executionId} was already ${words.past} by ${result.by} at ${result.decidedAt}${note}`
                : `wave ${wave} of ${executionId} ${words.past} by ${result.by}${note}: ${words.effect}`,
            );
            return 0;
          } catch (error) {
            io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE", DECISION_ERRORS));
            return 1;
          }
        },
      );
    },
  });
}
