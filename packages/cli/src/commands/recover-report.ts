import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatDuration, type RecoveryReport } from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";
import { actOnApp, explainEngineError, TARGET_OPTIONS } from "../engine-environment";
import { renderDrillCleanupSummary } from "../output/drill-cleanup-text";
import { planHealthAtStartLine } from "../output/plan-health-text";
import { renderRecoverySummary } from "../output/recovery-summary-text";

/** Refusals whose message says what to fix: an unknown execution, one that recorded nothing yet. */
const REQUEST_ERRORS = new Set(["ExecutionNotFoundError", "InvalidInputError"]);

export const command = defineCommand({
  usage: "<execution>",
  description:
    "Shows the report of a recovery execution, ended or still running (a snapshot then): outcome, RTO " +
    "achieved against the target, each wave's durations, approvals, one row per server with its recovery " +
    "instance, the hooks that ran, the plan's health as last evaluated before the start and, for a drill, what " +
    "its cleanup did. --json prints the report as JSON; " +
    "--html writes it as one self-contained HTML file (timeline, per-server table, hooks and approvals; no " +
    "external resources, so it can be mailed or archived) and prints the file's path. Exits 0 when the " +
    "report was read, 1 otherwise.",
  options: {
    html: {
      type: "string",
      valueName: "file.html",
      description: "write the report as a self-contained HTML file",
    },
    json: { type: "boolean", description: "print the report as JSON" },
    ...TARGET_OPTIONS,
  },
  async run({ args, options }, io) {
    const [executionId, ...extra] = args;
    if (executionId === undefined) throw new UsageError("name the execution (recover list shows them)");
    if (extra.length > 0) throw new UsageError(`one execution at a time (got ${args.join(" ")})`);
    if (options.html !== undefined && options.json) {
      throw new UsageError("--html writes a file and --json prints: choose one");
    }
    if (options.html !== undefined && options.html.trim() === "") {
      throw new UsageError("--html needs the file to write, e.g. --html report.html");
    }
    return actOnApp(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN"],
      io,
      async (engine, target) => {
        const { loadRecoveryReport } = await import("@drs-orchestrator/engine");
        let report: RecoveryReport;
        try {
          report = await loadRecoveryReport(engine, executionId, target.now());
        } catch (error) {
          io.err(explainEngineError(error as Error, "EXECUTIONS_TABLE", REQUEST_ERRORS));
          return 1;
        }
        if (options.json) {
          io.out(JSON.stringify(report, null, 2));
          return 0;
        }
        if (options.html !== undefined) {
          const { renderRecoveryReportHtml } = await import("@drs-orchestrator/core");
          const path = resolve(options.html);
          try {
            await writeFile(path, renderRecoveryReportHtml(report));
          } catch (error) {
            io.err(`could not write the report to ${path}: ${(error as Error).message}`);
            return 1;
          }
          io.out(path);
          return 0;
        }
        io.out(renderRecoverySummary(report.summary));
        if (report.planHealth) io.out(`\n${planHealthAtStartLine(report.planHealth)}`);
        if (report.cleanup) io.out(`\n${renderDrillCleanupSummary(report.cleanup, cleanupTook(report))}`);
        return 0;
      },
    );
  },
});

function cleanupTook(report: RecoveryReport): string | undefined {
  const { cleanup } = report;
  if (!cleanup?.startedAt || !cleanup.completedAt) return undefined;
  return formatDuration((Date.parse(cleanup.completedAt) - Date.parse(cleanup.startedAt)) / 1000);
}
