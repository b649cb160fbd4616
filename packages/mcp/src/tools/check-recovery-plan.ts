import {
  blocksMode,
  InvalidInputError,
  type PlanFinding,
  type PlanHealth,
  parseDocumentText,
} from "@drs-orchestrator/core";
import { evaluatePlan, getPlanHealth, type PlanHealthRecord } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { toolArguments } from "../server/tool-arguments";
import { planTargetArguments, requireOnePlanTarget } from "./plan-target-arguments";

/** Findings the answer lists, most severe first; `counts` and `findingCount` carry the totals. */
const LISTED_FINDINGS = 200;
/** Recorded changes the answer lists, newest first. */
const LISTED_CHANGES = 10;

const verdict = z
  .enum(["READY", "DRILL_BLOCKED", "RECOVERY_BLOCKED"])
  .describe(
    "READY: nothing blocks; DRILL_BLOCKED: a drill would be refused, a RECOVERY could run; RECOVERY_BLOCKED: both would be refused or fail.",
  );

const finding = z.object({
  code: z.string().describe("Stable code, e.g. SUBNET_MISSING, LAG_OVER_RPO (the README explains each)."),
  severity: z
    .enum(["BLOCKS_RECOVERY", "BLOCKS_DRILL", "WARNING"])
    .describe("BLOCKS_RECOVERY also blocks a drill; BLOCKS_DRILL does not block a RECOVERY."),
  category: z.string(),
  message: z.string(),
  fix: z.string().describe("What to do about it."),
  groupId: z.string().optional(),
  sourceServerId: z.string().optional(),
  path: z.string().optional().describe("The plan field at fault, e.g. groups[1].launch.subnetId."),
  resourceId: z.string().optional(),
  wave: z.number().int().optional(),
  otherPlans: z.array(z.string()).optional(),
});

export const checkRecoveryPlan = defineTool({
  name: "check_recovery_plan",
  title: "Check a recovery plan's health",
  description:
    "Evaluates a recovery plan against the live account now, as the scheduled evaluation does, and answers its " +
    "verdict (READY, DRILL_BLOCKED, RECOVERY_BLOCKED) and every finding with its severity, the server, group or " +
    "field at fault, and the fix: empty groups and servers that joined, left or sit in two plans; replication " +
    "and lag against the RPO and point-in-time snapshots; launch settings drift and hand-edited launch " +
    "templates; missing subnets, security groups and instance profiles; leftover drill instances, waves over " +
    "the DRS quotas and live recovery instances. Give planId for a stored plan (its latest version; the answer " +
    "also lists the changes recorded between its scheduled evaluations) or document for a plan not stored yet. " +
    "Use it before start_recovery: a start is refused while the plan's recorded evaluation holds a finding that " +
    "blocks its mode. Reads only; records nothing.",
  inputSchema: toolArguments({
    ...planTargetArguments,
  }),
  outputSchema: z.object({
    planId: z.string(),
    planVersion: z.number().int().optional().describe("The stored version evaluated; absent for a document."),
    evaluatedAt: z.string(),
    verdict,
    blocks: z
      .object({ drill: z.boolean(), recovery: z.boolean() })
      .describe("Whether a start in each mode would be refused for these findings."),
    counts: z.object({
      blockers: z.number().int(),
      warnings: z.number().int(),
      servers: z.number().int().describe("The servers the plan launches."),
    }),
    findings: z.array(finding).describe(`The findings, most severe first (at most ${LISTED_FINDINGS}).`),
    findingCount: z.number().int(),
    recorded: z
      .object({
        evaluatedAt: z.string().describe("The plan's latest recorded evaluation, which a start reads."),
        verdict,
        changes: z
          .array(
            z.object({
              evaluatedAt: z.string(),
              previousVerdict: verdict.optional(),
              verdict,
              added: z.array(z.string()).describe("Codes and subjects of the findings that appeared."),
              addedCount: z.number().int(),
              removed: z.array(z.string()).describe("Codes and subjects of the findings that went away."),
              removedCount: z.number().int(),
            }),
          )
          .describe(
            `The latest changes between recorded evaluations, newest first (at most ${LISTED_CHANGES}).`,
          ),
      })
      .optional()
      .describe("For a stored plan that was evaluated before: what is recorded of it."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ planId, document }, { engine, now }) {
    requireOnePlanTarget("check_recovery_plan", planId, document);
    if (planId !== undefined) {
      // Against the recorded evaluation, as the scheduled one compares: servers that joined or left show.
      const recorded = await getPlanHealth(engine, planId, { changes: LISTED_CHANGES });
      const health = await evaluatePlan(
        engine,
        { planId },
        { now: now(), ...(recorded && { previous: recorded.latest }) },
      );
      return answer(health, recorded);
    }
    let data: unknown = document;
    if (typeof document === "string") {
      const parsed = parseDocumentText(document);
      if (!parsed.ok) {
        throw new InvalidInputError(
          "plan document",
          parsed.issues.map((issue) => ({
            path: `document${issue.path ? `.${issue.path}` : ""}`,
            message: issue.message,
          })),
        );
      }
      data = parsed.data;
    }
    return answer(await evaluatePlan(engine, { document: data }, { now: now() }));
  },
});

function subjectOf(item: PlanFinding): string {
  const subject =
    item.sourceServerId ?? (item.groupId && `group ${item.groupId}`) ?? item.resourceId ?? item.path;
  return subject ? `${item.code} ${subject}` : item.code;
}

function answer(health: PlanHealth, recorded?: PlanHealthRecord) {
  const blocks = {
    drill: health.findings.some((item) => blocksMode(item, "DRILL")),
    recovery: health.findings.some((item) => blocksMode(item, "RECOVERY")),
  };
  const result = {
    planId: health.planId,
    ...(health.planVersion !== undefined && { planVersion: health.planVersion }),
    evaluatedAt: health.evaluatedAt,
    verdict: health.verdict,
    blocks,
    counts: health.counts,
    findings: health.findings.slice(0, LISTED_FINDINGS),
    findingCount: health.findings.length,
    ...(recorded && {
      recorded: {
        evaluatedAt: recorded.latest.evaluatedAt,
        verdict: recorded.latest.verdict,
        changes: recorded.changes.map((change) => ({
          evaluatedAt: change.evaluatedAt,
          ...(change.previousVerdict !== undefined && { previousVerdict: change.previousVerdict }),
          verdict: change.verdict,
          added: change.added.map(subjectOf),
          addedCount: change.addedCount,
          removed: change.removed.map(subjectOf),
          removedCount: change.removedCount,
        })),
      },
    }),
  };
  const version = health.planVersion === undefined ? "" : ` v${health.planVersion}`;
  const { blockers, warnings, servers } = health.counts;
  const head = `plan ${health.planId}${version}: ${health.verdict} (${servers} servers, ${blockers} blockers, ${warnings} warnings)`;
  const lines = health.findings
    .slice(0, 10)
    .map((item) => `- [${item.severity}] ${subjectOf(item)}: ${item.message} — fix: ${item.fix}`);
  const more = health.findings.length > 10 ? [`… and ${health.findings.length - 10} more findings`] : [];
  return { result, text: [head, ...lines, ...more].join("\n") };
}
