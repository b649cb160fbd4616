import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Where `sst deploy` writes the outputs sst.config.ts returns, relative to the app's directory. */
export const STAGE_OUTPUTS_FILE = join(".sst", "outputs.json");

/** The outputs of sst.config.ts the engine needs; the others (dashboard, mcpUrl, …) are for people. */
const stageOutputsSchema = z.object({
  region: z.string().min(1),
  plansTable: z.string().min(1),
  executionsTable: z.string().min(1),
  recoveryStateMachineArn: z.string().min(1),
  cleanupStateMachineArn: z.string().min(1).optional(),
  eventBusName: z.string().min(1).optional(),
  startRecoveryFunctionArn: z.string().min(1).optional(),
});

export type StageOutputs = z.infer<typeof stageOutputsSchema>;

/** The stage's outputs, or what is wrong with the file and how to get a good one. */
export type StageOutputsRead = { ok: true; outputs: StageOutputs } | { ok: false; problem: string };

export async function readStageOutputs(
  stage: string,
  directory: string = process.cwd(),
): Promise<StageOutputsRead> {
  const path = join(directory, STAGE_OUTPUTS_FILE);
  const redeploy = `run \`npx sst deploy --stage ${stage}\` in this directory to write them`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return {
        ok: false,
        problem: `no stage outputs in ${path}: ${redeploy}, or run from the app's directory`,
      };
    }
    return { ok: false, problem: `cannot read ${path}: ${(error as Error).message}` };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `${path} is not JSON (${(error as Error).message}): ${redeploy}` };
  }
  const parsed = stageOutputsSchema.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`,
    );
    return { ok: false, problem: `${path} lacks outputs the CLI needs (${fields.join("; ")}): ${redeploy}` };
  }
  // The file holds the last deploy's outputs, whichever stage that was; the table names tell.
  const { resourceName } = await import("@drs-orchestrator/app");
  const expected = resourceName(stage, "plans");
  if (parsed.data.plansTable !== expected) {
    return {
      ok: false,
      problem:
        `${path} holds the outputs of another stage (plans table ${parsed.data.plansTable}, not ${expected}): ` +
        redeploy,
    };
  }
  return { ok: true, outputs: parsed.data };
}

/** Every variable a stage's outputs may set: the ones they leave out must not come from elsewhere. */
export const STAGE_VARIABLES = [
  "AWS_REGION",
  "PLANS_TABLE",
  "EXECUTIONS_TABLE",
  "RECOVERY_STATE_MACHINE_ARN",
  "CLEANUP_STATE_MACHINE_ARN",
  "EVENT_BUS_NAME",
  "START_RECOVERY_FUNCTION_ARN",
] as const;

/** The engine environment the stage's functions run with, as the CLI needs it. */
export function stageEnvironment(
  outputs: StageOutputs,
): Partial<Record<(typeof STAGE_VARIABLES)[number], string>> {
  return {
    AWS_REGION: outputs.region,
    PLANS_TABLE: outputs.plansTable,
    EXECUTIONS_TABLE: outputs.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: outputs.recoveryStateMachineArn,
    ...(outputs.cleanupStateMachineArn && { CLEANUP_STATE_MACHINE_ARN: outputs.cleanupStateMachineArn }),
    ...(outputs.eventBusName && { EVENT_BUS_NAME: outputs.eventBusName }),
    ...(outputs.startRecoveryFunctionArn && {
      START_RECOVERY_FUNCTION_ARN: outputs.startRecoveryFunctionArn,
    }),
  };
}
