import { listRecoveries } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { toolArguments } from "../server/tool-arguments";

const STATUSES = ["STARTING", "RUNNING", "SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"] as const;

export const listRecoveriesTool = defineTool({
  name: "list_recoveries",
  title: "List recoveries",
  description:
    "Lists recent recoveries and drills, newest first: execution ID, plan, mode, status, who started them and " +
    "when. Filter by plan and status (e.g. RUNNING to see what is in progress). Use it to find an executionId " +
    "for get_recovery_status, approve_wave, cancel_recovery, resume_recovery or cleanup_drill. Reads only; changes nothing.",
  inputSchema: toolArguments({
    planId: z
      .string({ error: "expected a string: a plan ID, or leave it out for every plan" })
      .trim()
      .min(1, { error: "must not be empty: a plan ID, or leave it out for every plan" })
      .optional()
      .describe("Only this plan's executions."),
    status: z
      .enum(STATUSES, { error: `expected one of ${STATUSES.join(", ")}` })
      .optional()
      .describe("Only executions in this status."),
    limit: z
      .number({ error: "expected a number of executions, from 1 to 100" })
      .int({ error: "expected a whole number of executions, from 1 to 100" })
      .min(1, { error: "expected at least 1" })
      .max(100, { error: "expected at most 100" })
      .optional()
      .describe("At most this many (default 20)."),
  }),
  outputSchema: z.object({
    recoveries: z.array(
      z.object({
        executionId: z.string(),
        executionArn: z.string(),
        planId: z.string().optional(),
        mode: z.enum(["DRILL", "RECOVERY"]).optional(),
        status: z.enum(STATUSES),
        startedAt: z.string(),
        endedAt: z.string().optional(),
        requestedBy: z.string().optional(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ planId, status, limit }, { engine }) {
    const recoveries = await listRecoveries(engine, {
      ...(planId !== undefined && { planId }),
      ...(status !== undefined && { status }),
      ...(limit !== undefined && { limit }),
    });
    const text =
      recoveries.length === 0
        ? "no recoveries match"
        : recoveries
            .map(
              (entry) =>
                `${entry.executionId} ${entry.mode ?? "?"} ${entry.status} started ${entry.startedAt}` +
                `${entry.requestedBy ? ` by ${entry.requestedBy}` : ""}`,
            )
            .join("\n");
    return { result: { recoveries }, text };
  },
});
