import {
  assessPlanHealth,
  DEFAULT_LAUNCH_QUOTAS,
  formatPlanIssue,
  type Group,
  layoutRecovery,
  loadFleetFile,
  loadPlanFile,
  planWaves,
} from "@drs-orchestrator/core";
import { defineCommand, UsageError } from "../command";
import { NOT_CHECKED_OFFLINE, renderFleetHealth } from "../output/plan-health-text";
import { renderPlanOverview, renderRecoveryLayout } from "../output/plan-text";

export const command = defineCommand({
  usage: "<file>",
  description:
    "Shows how a plan runs: its waves and groups and what each group selects. With --fleet, each wave's launch " +
    "batches, every server's effective launch settings and replication readiness, and the plan's health as far " +
    "as the fleet file tells it (selection, readiness, subnets, security groups, private IPs, waves over the DRS " +
    "quotas; the checks that need a live account are named).",
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
    const { fleet } = fleetResult;
    const layout = layoutRecovery(plan, fleet.sourceServers);
    // What the fleet file holds of the account; every other fact is absent, so not checked.
    const health = assessPlanHealth(
      plan,
      {
        servers: fleet.sourceServers,
        subnets: fleet.subnets,
        securityGroupIds: fleet.securityGroupIds,
        quotas: DEFAULT_LAUNCH_QUOTAS,
      },
      { now: new Date() },
    );
    io.out(
      options.json
        ? JSON.stringify({ plan: summary, ...layout, health, healthNotChecked: NOT_CHECKED_OFFLINE }, null, 2)
        : `${renderRecoveryLayout(plan, layout)}\n\n${renderFleetHealth(health)}`,
    );
    return 0;
  },
});
