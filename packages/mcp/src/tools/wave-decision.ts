import { decideApproval } from "@drs-orchestrator/engine";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { executionIdArgument, toolArguments, waveArgument } from "../server/tool-arguments";

interface DecisionWords {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  past: string;
  effect: string;
}

/**
 * approve_wave and reject_wave: one decision on a wave's approval gate through decideApproval, the
 * path every entry point takes; the caller is recorded as the one who decided.
 */
export function waveDecisionTool(decision: "APPROVE" | "REJECT", words: DecisionWords) {
  return defineTool({
    name: words.name,
    title: words.title,
    description: words.description,
    inputSchema: toolArguments({
      executionId: executionIdArgument,
      wave: waveArgument,
      comment: z
        .string({ error: "expected a string: a note kept with the decision" })
        .trim()
        .max(1000, { error: "must have at most 1000 characters" })
        .optional()
        .describe("A note kept with the decision and shown in the report."),
    }),
    outputSchema: z.object({
      executionId: z.string(),
      wave: z.number().int(),
      status: z.enum(["APPROVED", "REJECTED"]).describe("The gate's decision."),
      decidedAt: z.string(),
      by: z.string().describe("Who decided: this caller, or whoever made the same decision first."),
      comment: z.string().optional(),
      alreadyDecided: z.boolean().describe("True when the gate already had this decision; nothing changed."),
    }),
    annotations: words.annotations,
    async run({ executionId, wave, comment }, { engine, caller, now }) {
      const result = await decideApproval(
        engine,
        { executionId, wave, decision, by: caller, ...(comment !== undefined && { comment }) },
        now(),
      );
      return {
        result,
        text: result.alreadyDecided
          ? `wave ${wave} of ${executionId} was already ${words.past} by ${result.by} at ${result.decidedAt}`
          : `wave ${wave} of ${executionId} ${words.past} by ${result.by}: ${words.effect}`,
      };
    },
  });
}
