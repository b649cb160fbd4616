import { formatPlanIssue, loadPlanFile, planWaves } from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export const command = defineCommand({
  usage: "<file...>",
  description:
    "Checks each plan file (YAML or JSON) against the plan schema and the semantic rules, and lists every " +
    "problem as `file: path: message (fix: ...)`. Exits 0 when all files are valid, 1 when any is not.",
  options: {},
  async run({ args }, io) {
    if (args.length === 0) throw new UsageError("name at least one plan file");
    let invalidFiles = 0;
    let issueCount = 0;
    for (const file of args) {
      const result = await loadPlanFile(file);
      if (result.ok) {
        const { plan } = result;
        const waves = planWaves(plan).length;
        io.out(
          `✓ ${file}: plan "${plan.id}" — ${count(plan.groups.length, "group")}, ${count(waves, "wave")}`,
        );
        continue;
      }
      invalidFiles++;
      issueCount += result.issues.length;
      for (const issue of result.issues) io.err(formatPlanIssue(issue, file));
    }
    if (invalidFiles === 0) return 0;
    io.err(`✗ ${invalidFiles} of ${count(args.length, "file")} invalid, ${count(issueCount, "problem")}`);
    return 1;
  },
});
