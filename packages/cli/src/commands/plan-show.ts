import {
  formatPlanIssue,
  type Group,
  layoutRecovery,
  loadFleetFile,
  loadPlanFile,
  planWaves,
} from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";
import { renderPlanOverview, renderRecoveryLayout } from "../output/plan-text";

export const command = defineCommand({
  usage: "<file>",
  description:
    "Shows how a plan runs: its waves and groups and what each group selects. With --fleet, each wave's launch " +
    "batches and every server's effective launch settings and replication readiness.",
  options: {
    fleet: {
      type: "string",
      valueName: "fleet.json",
      description:
        "source servers to lay the plan over (DescribeSourceServers items plus the recovery network)",
    },
    json: { type: "boolean", description: "print the layout as JSON instead of tables" },
  },
  async run({ args, options }, io) {
    const [file, ...extra] = args;
    if (file === undefined) throw new UsageError("name the plan file to show");
    if (extra.length > 0) throw new UsageError(`show one plan at a time (got ${args.length} files)`);

    const planResult = await loadPlanFile(file);
    if (!planResult.ok) {
      for (const issue of planResult.issues) io.err(formatPlanIssue(issue, file));
      return 1;
    }
    const { plan } = planResult;
    const summary = { id: plan.id, name: plan.name, rto: plan.rto, rpo: plan.rpo };

    if (options.fleet === undefined) {
      if (options.json) {
        // Validated plans name only known groups in their waves.
        const groups = new Map(plan.groups.map((group) => [group.id, group]));
        const waves = planWaves(plan).map((wave) => ({
          index: wave.index,
          groups: wave.groupIds.map((id) => {
            const { critical, approval = false, dependsOn = [], select } = groups.get(id) as Group;
            return { id, critical, approval, dependsOn, select };
          }),
        }));
        io.out(JSON.stringify({ plan: summary, waves }, null, 2));
      } else io.out(renderPlanOverview(plan));
      return 0;
    }

    const fleetResult = await loadFleetFile(options.fleet);
    if (!fleetResult.ok) {
      for (const issue of fleetResult.issues) io.err(formatPlanIssue(issue, options.fleet));
      return 1;
    }
    const layout = layoutRecovery(plan, fleetResult.fleet.sourceServers);
    io.out(
      options.json
        ? JSON.stringify({ plan: summary, ...layout }, null, 2)
        : renderRecoveryLayout(plan, layout),
    );
    return 0;
  },
});
