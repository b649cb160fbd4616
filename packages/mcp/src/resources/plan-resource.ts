import type { EngineContext } from "@drs-orchestrator/engine";
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { resourceReadError } from "./resource-errors";

export const PLAN_URI_TEMPLATE = "drs-orchestrator://plans/{planId}";

export function planUri(planId: string): string {
  return `drs-orchestrator://plans/${encodeURIComponent(planId)}`;
}

/**
 * Each stored plan as a resource: the latest version's document as it was stored with `plan apply`,
 * as JSON. Listing gives one resource per plan.
 */
export function registerPlanResource(server: McpServer, engine: EngineContext): void {
  server.registerResource(
    "plan",
    new ResourceTemplate(PLAN_URI_TEMPLATE, {
      list: async () => ({
        resources: (await engine.plans.list()).map((plan) => ({
          uri: planUri(plan.planId),
          name: plan.planId,
          title: plan.name,
          description: `Recovery plan ${plan.planId} "${plan.name}", version ${plan.version} stored ${plan.appliedAt}.`,
          mimeType: "application/json",
        })),
      }),
    }),
    {
      title: "Recovery plan",
      description:
        "A stored recovery plan: the document of its latest version as uploaded with `drs-orchestrator plan apply`.",
      mimeType: "application/json",
    },
    async (uri, variables) => {
      const planId = decodeURIComponent(String(variables.planId));
      try {
        const { stored } = await engine.plans.get(planId);
        return {
          contents: [
            {
              uri: uri.href,
              mimeType: "application/json",
              text: JSON.stringify(stored.document, null, 2),
              _meta: { version: stored.version, appliedAt: stored.appliedAt, appliedBy: stored.appliedBy },
            },
          ],
        };
      } catch (error) {
        throw resourceReadError(
          uri,
          error,
          new Set(["PlanNotFoundError"]),
          `no plan "${planId}" is stored (list the resources or call list_recovery_plans)`,
        );
      }
    },
  );
}
