import {
  formatPlanIssue,
  loadDocumentFile,
  type PlanIssue,
  parsePlan,
  parsePlanData,
} from "@drs-orchestrator/core";
import {
  createAwsClients,
  createEngineContext,
  type PlanScheduleSync,
  PlanStore,
  syncPlanSchedule,
} from "@drs-orchestrator/engine";
import { defineCommand, UsageError } from "../command";
import { explainEngineError, selectTarget, TARGET_OPTIONS } from "../engine-environment";
import { operatorName } from "../operator";

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export const command = defineCommand({
  usage: "<file...>",
  description:
    "Validates each plan file like `plan validate`, then stores every plan in the plan store as a new version " +
    "(an unchanged document keeps its version). Nothing is stored when any file is invalid. Stores into the " +
    "local runtime with --local, into a deployed stage with --stage, else into the engine environment " +
    "(PLANS_TABLE) with the standard AWS variables. When the app's start-recovery function is known " +
    "(START_RECOVERY_FUNCTION_ARN, which --local and --stage provide) each plan's drill schedule " +
    "(triggers.schedule.drill) becomes an EventBridge schedule rule, updated or removed with the plan. Exits 0 " +
    "when every plan is stored, 1 otherwise.",
  options: { ...TARGET_OPTIONS },
  async run({ args, options }, io) {
    if (args.length === 0) throw new UsageError("name at least one plan file");

    const valid: { file: string; document: unknown }[] = [];
    const problems: { file: string; issues: PlanIssue[] }[] = [];
    for (const file of args) {
      const document = await loadDocumentFile(file);
      const result = document.ok ? parsePlanData(document.data) : document;
      if (document.ok && result.ok) valid.push({ file, document: document.data });
      else if (!result.ok) problems.push({ file, issues: result.issues });
    }
    if (problems.length > 0) {
      for (const { file, issues } of problems)
        for (const issue of issues) io.err(formatPlanIssue(issue, file));
      const issueCount = problems.reduce((total, { issues }) => total + issues.length, 0);
      io.err(
        `✗ ${problems.length} of ${count(args.length, "file")} invalid, ${count(issueCount, "problem")}: nothing applied`,
      );
      return 1;
    }

    const target = await selectTarget(options, ["PLANS_TABLE"], io);
    if (!target) return 1;

    const aws = createAwsClients();
    const plans = new PlanStore(aws.dynamo, process.env.PLANS_TABLE as string);
    const app = process.env.START_RECOVERY_FUNCTION_ARN ? createEngineContext(process.env) : undefined;
    try {
      for (const { file, document } of valid) {
        const planId = (document as { id: string }).id;
        try {
          const { version, changed } = await plans.apply(document, operatorName(), target.now());
          io.out(`plan "${planId}" version ${version} (${changed ? "new" : "unchanged"})`);
        } catch (error) {
          io.err(
            `could not store plan "${planId}" from ${file}: ${explainEngineError(error as Error, "PLANS_TABLE")}`,
          );
          return 1;
        }
        if (!app) continue;
        try {
          const schedule = describeSchedule(await syncPlanSchedule(app, parsePlan(document)));
          if (schedule) io.out(schedule);
        } catch (error) {
          io.err(
            `plan "${planId}" is stored, but its drill schedule is not: ${explainEngineError(error as Error, "PLANS_TABLE")}`,
          );
          return 1;
        }
      }
      return 0;
    } finally {
      aws.dynamo.destroy();
      // Schedules touch only EventBridge; the context's other clients never opened a connection.
      app?.aws.events.destroy();
    }
  },
});

function describeSchedule(sync: PlanScheduleSync): string | undefined {
  if (sync.action === "none") return undefined;
  if (sync.action === "removed") return `  drill schedule removed (rule ${sync.ruleName} deleted)`;
  return `  drill schedule ${sync.expression}: rule ${sync.ruleName} ${sync.action}`;
}
