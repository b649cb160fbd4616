import { formatPlanIssue, loadDocumentFile, type PlanHealth, parsePlanData } from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { changeLine, renderPlanHealth } from "../output/plan-health-text";

/** Plan IDs have neither: an argument with one names a file. */
const PATH_LIKE = /[./\\]/;

export const command = defineCommand({
  usage: "<planId|file>",
  description:
    "Evaluates a plan against the live account now, the way the scheduled evaluation does: group selection " +
    "(empty groups, servers that joined or left, servers two plans select), readiness (replication and lag " +
    "against the RPO, a point-in-time snapshot for a RECOVERY), launch settings drift, the subnets, security " +
    "groups and instance profiles the plan names, capacity (leftover drill instances, waves over the DRS " +
    "quotas) and live recovery instances. Prints the verdict and one row per finding with its fix. A stored " +
    "plan's ID evaluates its latest version and records the result as its latest evaluation (the one `recover " +
    "start` reads; a change is announced with Plan Health Changed); a file (an argument with a . or /) is " +
    "evaluated as a document and recorded nowhere. Exits 0 when nothing blocks (READY), 1 when something " +
    "blocks a drill or a recovery (DRILL_BLOCKED, RECOVERY_BLOCKED) or the plan could not be evaluated.",
  options: {
    json: { type: "boolean", description: "print the evaluation (verdict, counts, findings) as JSON" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [subject, ...extra] = args;
    if (subject === undefined) throw new UsageError("name a stored plan's ID or a plan file to check");
    if (extra.length > 0) throw new UsageError(`check one plan at a time (got ${args.join(" ")})`);

    let document: unknown;
    if (PATH_LIKE.test(subject)) {
      const loaded = await loadDocumentFile(subject);
      const parsed = loaded.ok ? parsePlanData(loaded.data) : loaded;
      if (!parsed.ok) {
        for (const issue of parsed.issues) io.err(formatPlanIssue(issue, subject));
        return 1;
      }
      document = loaded.ok ? loaded.data : undefined;
    }

    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const { evaluateAndRecordPlan, evaluatePlan } = await import("@drs-orchestrator/engine");
        let health: PlanHealth;
        try {
          if (document === undefined) {
            const recorded = await evaluateAndRecordPlan(engine, subject, target.now());
            health = recorded.health;
            io.err(
              recorded.recorded
                ? `recorded as plan ${subject}'s latest evaluation; ${changeLine(recorded.change)}`
                : "not recorded: a newer evaluation of the plan was recorded meanwhile",
            );
          } else {
            health = await evaluatePlan(engine, { document }, { now: target.now() });
          }
        } catch (error) {
          const flag = target.flag ? ` (with ${target.flag})` : "";
          io.err(
            `${explainEngineError(error as Error, "PLANS_TABLE", new Set(["PlanNotFoundError"]))}${flag}`,
          );
          return 1;
        }
        io.out(
          options.json
            ? JSON.stringify(health, null, 2)
            : renderPlanHealth(health, document === undefined ? "stored" : subject),
        );
        return health.verdict === "READY" ? 0 : 1;
      },
    );
  },
});
