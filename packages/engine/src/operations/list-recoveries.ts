import { ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { type RecoveryMode, recoveryModeSchema } from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { parseRequest } from "../requests/parse-request";
import { executionName } from "../start/execution-name";
import { type ExecutionMeta, keys } from "../stores/execution-items";
import {
  describeRecoveryWorkflow,
  executionStatusOf,
  RECOVERY_VIEW_STATUSES,
  type RecoveryViewStatus,
  recoveryViewStatus,
} from "./recovery-workflow";

export interface RecoveryListEntry {
  executionId: string;
  executionArn: string;
  planId?: string;
  mode?: "DRILL" | "RECOVERY";
  status: RecoveryViewStatus;
  startedAt: string;
  endedAt?: string;
  requestedBy?: string;
}

export const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 1000;
/** ListExecutions answers at most this many per page. */
const PAGE_SIZE = 100;
const RECOVERY_MODES: readonly RecoveryMode[] = ["DRILL", "RECOVERY"];

const listOptionsSchema = z.strictObject({
  planId: z
    .string()
    .min(1, { error: "must not be empty: a plan ID, or leave it out for every plan" })
    .optional(),
  status: z
    .enum(RECOVERY_VIEW_STATUSES, { error: `must be one of ${RECOVERY_VIEW_STATUSES.join(", ")}` })
    .optional(),
  mode: recoveryModeSchema.optional(),
  limit: z
    .number()
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_LIST_LIMIT, { error: `must be at most ${MAX_LIST_LIMIT}` })
    .optional(),
});
export type ListRecoveriesOptions = z.input<typeof listOptionsSchema>;

/**
 * The recovery state machine's executions, newest first, each with the plan, mode and requester
 * its META recorded and the status an operator sees (see recoveryViewStatus), filtered by plan,
 * status and mode, at most `limit` (default 20). A resumed execution is one entry, under its ID,
 * with its current attempt's status. Reads only.
 * @throws InvalidInputError naming each bad option
 */
export async function listRecoveries(
  engine: EngineContext,
  options: ListRecoveriesOptions = {},
): Promise<RecoveryListEntry[]> {
  const {
    planId,
    status,
    mode,
    limit = DEFAULT_LIST_LIMIT,
  } = parseRequest(listOptionsSchema, "list request", options);
  // Execution names start with the plan ID (see executionName); META or the input confirms it.
  const namePrefixes = planId === undefined ? [] : RECOVERY_MODES.map((m) => executionNamePrefix(planId, m));
  const entries: RecoveryListEntry[] = [];
  let nextToken: string | undefined;
  do {
    const page = await engine.aws.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: engine.config.recoveryStateMachineArn,
        maxResults: PAGE_SIZE,
        nextToken,
      }),
    );
    nextToken = page.nextToken;
    const candidates = (page.executions ?? []).filter(
      (execution) =>
        execution.name !== undefined &&
        (planId === undefined || namePrefixes.some((p) => execution.name?.startsWith(p))),
    );
    const metas = new Map(
      (
        await engine.executions.getMany<ExecutionMeta>(
          candidates.map((execution) => keys.meta(execution.name as string)),
        )
      ).map((meta) => [meta.executionId, meta]),
    );
    for (const execution of candidates) {
      const executionId = execution.name as string;
      const entry = await listEntry(engine, execution, metas.get(executionId));
      if (!entry) continue;
      if (planId !== undefined && entry.planId !== planId) continue;
      if (status !== undefined && entry.status !== status) continue;
      if (mode !== undefined && entry.mode !== mode) continue;
      entries.push(entry);
      if (entries.length === limit) break;
    }
  } while (nextToken && entries.length < limit);
  return entries.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** What every execution name of the plan in this mode starts with: the name without its hash. */
function executionNamePrefix(planId: string, mode: RecoveryMode): string {
  const marker = `-${mode.toLowerCase()}-`;
  const sample = executionName(planId, mode, "");
  return sample.slice(0, sample.lastIndexOf(marker) + marker.length);
}

/** The execution's entry; undefined for a resumed attempt, which its execution's entry stands for. */
async function listEntry(
  engine: EngineContext,
  execution: { executionArn?: string; name?: string; status?: string; startDate?: Date; stopDate?: Date },
  meta: ExecutionMeta | undefined,
): Promise<RecoveryListEntry | undefined> {
  const executionId = execution.name as string;
  // Without META (still starting, Prepare refused it, or a resume's attempt, which is named
  // otherwise) only the execution's input names the plan.
  const workflow = meta ? undefined : await describeRecoveryWorkflow(engine, executionId);
  if (workflow && workflow.attempt > 1) return undefined;
  const input = workflow?.input;
  // A resumed execution is as its current attempt is, which is not this first one.
  const current =
    meta?.workflowExecutionArn !== undefined && meta.workflowExecutionArn !== execution.executionArn
      ? await describeRecoveryWorkflow(engine, executionId)
      : undefined;
  const workflowStatus = current?.status ?? execution.status;
  const status = recoveryViewStatus(workflowStatus, executionStatusOf(meta, workflowStatus));
  const ended = status !== "STARTING" && status !== "RUNNING";
  const endedAt = ended
    ? (meta?.endedAt ?? current?.stoppedAt ?? execution.stopDate?.toISOString())
    : undefined;
  const planId = meta?.planId ?? input?.planId;
  const mode = meta?.mode ?? input?.mode;
  const requestedBy = meta?.requestedBy ?? input?.requestedBy;
  return {
    executionId,
    executionArn: execution.executionArn ?? "",
    ...(planId !== undefined && { planId }),
    ...(mode !== undefined && { mode }),
    status,
    startedAt: meta?.startedAt ?? (execution.startDate ?? new Date(0)).toISOString(),
    ...(endedAt !== undefined && { endedAt }),
    ...(requestedBy !== undefined && { requestedBy }),
  };
}
