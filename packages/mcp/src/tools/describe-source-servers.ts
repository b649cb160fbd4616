import { formatDuration, type GroupSelect } from "@drs-orchestrator/core";
import { describeSourceServersView, type SourceServerView } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { toolArguments } from "../server/tool-arguments";

export const describeSourceServers = defineTool({
  name: "describe_source_servers",
  title: "Describe DRS source servers",
  description:
    "Shows the DRS source servers with their replication state, replication lag and whether each is ready " +
    "for recovery now, by the readiness rules a recovery's start applies. Give planId to see the servers the " +
    "plan's groups select, judged against the plan's RPO; narrow with tags (all must match) or " +
    "sourceServerIds. Without planId, readiness is judged on replication state alone. Use it before a " +
    "recovery, or when validate_recovery_plan reports servers not ready. Reads only; changes nothing.",
  inputSchema: toolArguments({
    planId: z
      .string({ error: "expected a string: the ID of a stored plan" })
      .trim()
      .min(1, { error: "must not be empty: the ID of a stored plan, or leave it out" })
      .optional()
      .describe("Use this plan's group selectors and judge readiness against its RPO."),
    tags: z
      .record(z.string(), z.string({ error: "expected a string tag value" }), {
        error: 'expected an object of tag names and values, e.g. {"app": "shop"}',
      })
      .optional()
      .describe("Only servers carrying all of these tags."),
    sourceServerIds: z
      .array(
        z
          .string({ error: "expected a source server ID (s-…)" })
          .min(1, { error: "must not be empty: a source server ID (s-…)" }),
        { error: "expected a list of source server IDs (s-…)" },
      )
      .optional()
      .describe("Only these source servers."),
  }),
  outputSchema: z.object({
    planId: z.string().optional(),
    rpoSeconds: z.number().optional().describe("The RPO readiness was judged against (the plan's)."),
    counts: z.object({ servers: z.number().int(), ready: z.number().int(), notReady: z.number().int() }),
    servers: z.array(
      z.object({
        sourceServerId: z.string(),
        hostname: z.string().optional(),
        tags: z.record(z.string(), z.string()),
        replicationState: z
          .string()
          .optional()
          .describe("DRS dataReplicationState, e.g. CONTINUOUS, STALLED."),
        lagSeconds: z.number().optional(),
        replicatedUpTo: z.string().optional().describe("The point in time a launch now would recover."),
        ready: z.boolean(),
        notReadyReason: z.string().optional(),
        groupIds: z.array(z.string()).optional().describe("The plan's groups that select the server."),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ planId, tags, sourceServerIds }, { engine, now }) {
    const plan = planId === undefined ? undefined : (await engine.plans.get(planId)).plan;
    const views = await describeSourceServersView(
      engine,
      {
        ...(plan && { rpoSeconds: plan.rpo }),
        ...(tags !== undefined && { tags }),
        ...(sourceServerIds !== undefined && { sourceServerIds }),
      },
      now(),
    );
    const servers = plan
      ? views.flatMap((server) => {
          const groupIds = plan.groups
            .filter((group) => selects(group.select, server))
            .map((group) => group.id);
          return groupIds.length > 0 ? [{ ...server, groupIds }] : [];
        })
      : views;
    const ready = servers.filter((server) => server.ready).length;
    const notReady = servers.filter((server) => !server.ready);
    const text = [
      `${servers.length} source server${servers.length === 1 ? "" : "s"}${
        plan ? ` of plan ${plan.id} (RPO ${formatDuration(plan.rpo)})` : ""
      }: ${ready} ready`,
      ...notReady.map((server) => `not ready: ${server.notReadyReason ?? server.sourceServerId}`),
    ].join("\n");
    return {
      result: {
        ...(plan && { planId: plan.id, rpoSeconds: plan.rpo }),
        counts: { servers: servers.length, ready, notReady: notReady.length },
        servers,
      },
      text,
    };
  },
});

/** Whether a group's selector picks the server, as a recovery resolves groups: listed ID, or every tag. */
function selects(select: GroupSelect, server: SourceServerView): boolean {
  if (select.sourceServerIds?.includes(server.sourceServerId)) return true;
  const wanted = Object.entries(select.tags ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => server.tags[key] === value);
}
