import {
  InvalidInputError,
  type NotReady,
  parseDocumentText,
  type RecoveryLayout,
} from "@drs-orchestrator/core";
import { dryRunPlan } from "@drs-orchestrator/engine";
import { z } from "zod";
import { defineTool } from "../server/recovery-tool";
import { toolArguments } from "../server/tool-arguments";
import { planTargetArguments, requireOnePlanTarget } from "./plan-target-arguments";

const issue = z.object({
  path: z.string().describe("Where in the plan, e.g. groups[1].select; empty for the plan as a whole."),
  message: z.string(),
  fix: z.string().optional(),
});

export const validateRecoveryPlan = defineTool({
  name: "validate_recovery_plan",
  title: "Validate a recovery plan (dry run)",
  description:
    "Dry run of a recovery plan against the live DRS source servers, as a start now would see it: the groups " +
    "resolved to servers, each server's readiness against the plan's RPO, the waves in order and their launch " +
    "batches within the DRS quotas, and every issue that would stop a start (invalid document, a selector that " +
    "matches nothing, servers not ready). Give planId for a stored plan, or document for a plan you are about " +
    "to store (YAML or JSON text, or the object). Use it before start_recovery. Nothing is written or started.",
  inputSchema: toolArguments({
    planId: planTargetArguments.planId,
    version: z
      .number({ error: "expected a version number of the stored plan" })
      .int({ error: "expected a whole version number, from 1" })
      .min(1, { error: "expected a version number from 1" })
      .optional()
      .describe("With planId: a stored version; default the latest."),
    document: planTargetArguments.document,
  }),
  outputSchema: z.object({
    ok: z.boolean().describe("True when a start now would get past its checks."),
    checkedAt: z.string().describe("When the source servers were read."),
    plan: z
      .object({
        id: z.string(),
        name: z.string(),
        version: z.number().int().optional(),
        rtoSeconds: z.number(),
        rpoSeconds: z.number(),
      })
      .optional(),
    issues: z.array(issue),
    counts: z
      .object({ waves: z.number().int(), servers: z.number().int(), notReady: z.number().int() })
      .optional(),
    waves: z
      .array(
        z.object({
          wave: z.number().int(),
          groups: z.array(
            z.object({
              id: z.string(),
              critical: z.boolean(),
              approval: z.boolean().describe("The wave waits for approve_wave before it launches."),
              sourceServerIds: z.array(z.string()),
            }),
          ),
          batches: z
            .array(z.object({ id: z.string(), servers: z.number().int() }))
            .describe("The DRS launch jobs the wave starts, within the quotas."),
        }),
      )
      .optional(),
    notReady: z
      .array(z.object({ sourceServerId: z.string(), code: z.string(), reason: z.string() }))
      .optional(),
    warnings: z.array(z.string()).optional().describe("What will not happen as written."),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run({ planId, version, document }, { engine, now }) {
    requireOnePlanTarget("validate_recovery_plan", planId, document);
    if (planId === undefined && version !== undefined) {
      throw new InvalidInputError("validate_recovery_plan arguments", [
        { path: "version", message: "goes with planId: leave it out when checking a document" },
      ]);
    }
    if (typeof document === "string") {
      const parsed = parseDocumentText(document);
      if (!parsed.ok) {
        const checkedAt = now().toISOString();
        return { result: { ok: false, checkedAt, issues: parsed.issues }, text: issuesText(parsed.issues) };
      }
      return answer(await dryRunPlan(engine, { document: parsed.data }, now()));
    }
    const source =
      planId !== undefined ? { planId, ...(version !== undefined && { version }) } : { document: document };
    return answer(await dryRunPlan(engine, source, now()));
  },
});

type DryRun = Awaited<ReturnType<typeof dryRunPlan>>;

function answer(dryRun: DryRun) {
  const { layout, plan } = dryRun;
  const result = {
    ok: dryRun.ok,
    checkedAt: dryRun.checkedAt,
    ...(plan && {
      plan: {
        id: plan.id,
        name: plan.name,
        ...(plan.version !== undefined && { version: plan.version }),
        rtoSeconds: plan.rto,
        rpoSeconds: plan.rpo,
      },
    }),
    issues: dryRun.issues,
    ...(layout && layoutView(layout)),
  };
  const head = plan
    ? `plan ${plan.id}${plan.version !== undefined ? ` v${plan.version}` : ""}`
    : "the document";
  const shape = result.counts
    ? `: ${result.counts.waves} waves, ${result.counts.servers} servers, ${result.counts.notReady} not ready`
    : "";
  return {
    result,
    text: dryRun.ok
      ? `${head} would start${shape}`
      : `${head} would not start${shape}\n${issuesText(dryRun.issues)}`,
  };
}

function layoutView(layout: RecoveryLayout) {
  const waves = layout.waves.map((wave) => ({
    wave: wave.index,
    groups: wave.groups.map((group) => ({
      id: group.id,
      critical: group.critical,
      approval: group.approval !== false,
      sourceServerIds: group.servers.map((server) => server.sourceServerId),
    })),
    batches: wave.batches.map((batch) => ({ id: batch.id, servers: batch.sourceServerIds.length })),
  }));
  return {
    counts: {
      waves: waves.length,
      servers: waves.reduce(
        (sum, wave) => sum + wave.groups.reduce((n, group) => n + group.sourceServerIds.length, 0),
        0,
      ),
      notReady: layout.notReady.length,
    },
    waves,
    notReady: layout.notReady.map(({ sourceServerId, code, reason }: NotReady) => ({
      sourceServerId,
      code,
      reason,
    })),
    warnings: layout.warnings,
  };
}

function issuesText(issues: readonly { path: string; message: string; fix?: string }[]): string {
  return issues
    .map((item) => `- ${item.path || "(plan)"}: ${item.message}${item.fix ? ` — ${item.fix}` : ""}`)
    .join("\n");
}
