import { formatDuration, planWaves } from "@drs-orchestrator/core";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { planIdArgument, toolArguments } from "../server/tool-arguments";

const groupEntry = z.object({
  id: z.string(),
  name: z.string().optional(),
  dependsOn: z.array(z.string()),
  critical: z.boolean().describe("Any failure in a critical group aborts the recovery."),
  approval: z.boolean().describe("The group's wave waits for approval (approve_wave) before it launches."),
  approvers: z
    .array(z.string())
    .optional()
    .describe("Who may decide the gate (an MCP caller as mcp:<identity>); absent: anyone."),
  select: z
    .object({
      tags: z.record(z.string(), z.string()).optional(),
      sourceServerIds: z.array(z.string()).optional(),
    })
    .describe("How the group picks its DRS source servers."),
});

export const getRecoveryPlan = defineTool({
  name: "get_recovery_plan",
  title: "Get a recovery plan",
  description:
    "Shows one stored recovery plan: its RTO and RPO targets, groups (selectors, dependencies, critical, " +
    "approval gates), the wave order and the document as stored, for the latest version or the one given. " +
    "Use it to read what a recovery of the plan would do before validate_recovery_plan or start_recovery. " +
    "Reads only; changes nothing.",
  inputSchema: toolArguments({
    planId: planIdArgument,
    version: z
      .number({ error: "expected a version number (get_recovery_plan answers the stored versions)" })
      .int({ error: "expected a whole version number, from 1" })
      .min(1, { error: "expected a version number from 1" })
      .optional()
      .describe("A stored version of the plan; default the latest, which a new recovery runs."),
  }),
  outputSchema: z.object({
    planId: z.string(),
    name: z.string(),
    description: z.string().optional(),
    version: z.number().int(),
    versions: z.array(z.number().int()).describe("Every stored version, oldest first."),
    appliedAt: z.string(),
    appliedBy: z.string(),
    rtoSeconds: z.number().describe("Recovery time objective."),
    rpoSeconds: z
      .number()
      .describe("Recovery point objective: the replication lag a server may have at start."),
    groups: z.array(groupEntry),
    waves: z.array(z.object({ wave: z.number().int(), groupIds: z.array(z.string()) })),
    hooks: z.number().int().describe("How many hooks run around the recovery and its waves."),
    document: z.record(z.string(), z.unknown()).describe("The plan document as stored."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ planId, version }, { engine }) {
    const [{ plan, version: shown, stored }, versions] = await Promise.all([
      engine.plans.get(planId, version),
      engine.plans.versions(planId),
    ]);
    const waves = planWaves(plan).map((wave) => ({ wave: wave.index, groupIds: wave.groupIds }));
    const hooks = Object.values(plan.hooks ?? {}).reduce((count, list) => count + (list?.length ?? 0), 0);
    return {
      result: {
        planId: plan.id,
        name: plan.name,
        ...(plan.description !== undefined && { description: plan.description }),
        version: shown,
        versions: [...versions].sort((a, b) => a - b),
        appliedAt: stored.appliedAt,
        appliedBy: stored.appliedBy,
        rtoSeconds: plan.rto,
        rpoSeconds: plan.rpo,
        groups: plan.groups.map((group) => ({
          id: group.id,
          ...(group.name !== undefined && { name: group.name }),
          dependsOn: group.dependsOn ?? [],
          critical: group.critical,
          approval: group.approval !== undefined && group.approval !== false,
          ...(typeof group.approval === "object" &&
            group.approval.approvers !== undefined && { approvers: group.approval.approvers }),
          select: group.select,
        })),
        waves,
        hooks,
        document: stored.document as Record<string, unknown>,
      },
      text:
        `plan ${plan.id} "${plan.name}" v${shown}: RTO ${formatDuration(plan.rto)}, RPO ${formatDuration(plan.rpo)}, ` +
        `${waves.length} wave${waves.length === 1 ? "" : "s"} (${waves
          .map((wave) => `${wave.wave}: ${wave.groupIds.join("+")}`)
          .join(", ")})`,
    };
  },
});
