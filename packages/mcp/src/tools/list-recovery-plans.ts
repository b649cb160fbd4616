import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { toolArguments } from "../server/tool-arguments";

const planEntry = z.object({
  planId: z.string(),
  name: z.string(),
  version: z.number().int().describe("The latest stored version, which a new recovery runs."),
  appliedAt: z.string().describe("When that version was stored (ISO 8601)."),
});

export const listRecoveryPlans = defineTool({
  name: "list_recovery_plans",
  title: "List recovery plans",
  description:
    "Lists the recovery plans stored in this deployment (ID, name, latest version, when it was stored). " +
    "Use it first, to find the planId the other tools take. Reads only; changes nothing.",
  inputSchema: toolArguments({}),
  outputSchema: z.object({ plans: z.array(planEntry) }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run(_args, { engine }) {
    const plans = await engine.plans.list();
    const text =
      plans.length === 0
        ? "no plans stored: upload one with `drs-orchestrator plan apply <file>`"
        : `${plans.length} plan${plans.length === 1 ? "" : "s"}: ${plans
            .map((plan) => `${plan.planId} "${plan.name}" v${plan.version}`)
            .join(", ")}`;
    return { result: { plans }, text };
  },
});
