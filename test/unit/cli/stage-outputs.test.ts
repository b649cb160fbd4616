import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readStageOutputs, stageEnvironment } from "../../../packages/cli/src/stage-outputs";

let directory: string;

const PROD = {
  region: "eu-west-1",
  plansTable: "drs-orchestrator-prod-plans",
  executionsTable: "drs-orchestrator-prod-executions",
  recoveryStateMachineArn:
    "arn:aws:states:eu-west-1:111122223333:stateMachine:drs-orchestrator-prod-recovery",
  cleanupStateMachineArn:
    "arn:aws:states:eu-west-1:111122223333:stateMachine:drs-orchestrator-prod-drill-cleanup",
  eventBusName: "drs-orchestrator-prod",
  startRecoveryFunctionArn:
    "arn:aws:lambda:eu-west-1:111122223333:function:drs-orchestrator-prod-start-recovery",
  dashboard: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home",
  mcpUrl: "not deployed",
};

async function outputs(content: string) {
  await mkdir(join(directory, ".sst"), { recursive: true });
  await writeFile(join(directory, ".sst", "outputs.json"), content);
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "stage-outputs-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("a stage's outputs", () => {
  it("become the engine environment the stage's functions run with", async () => {
    await outputs(JSON.stringify(PROD));
    const read = await readStageOutputs("prod", directory);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(stageEnvironment(read.outputs)).toEqual({
      AWS_REGION: "eu-west-1",
      PLANS_TABLE: "drs-orchestrator-prod-plans",
      EXECUTIONS_TABLE: "drs-orchestrator-prod-executions",
      RECOVERY_STATE_MACHINE_ARN: PROD.recoveryStateMachineArn,
      CLEANUP_STATE_MACHINE_ARN: PROD.cleanupStateMachineArn,
      EVENT_BUS_NAME: "drs-orchestrator-prod",
      START_RECOVERY_FUNCTION_ARN: PROD.startRecoveryFunctionArn,
    });
  });

  it("say how to get them when the file is missing, broken, incomplete or another stage's", async () => {
    const redeploy = "run `npx sst deploy --stage prod` in this directory to write them";
    expect(await readStageOutputs("prod", directory)).toEqual({
      ok: false,
      problem: `no stage outputs in ${join(directory, ".sst", "outputs.json")}: ${redeploy}, or run from the app's directory`,
    });
    await outputs("{");
    expect(await readStageOutputs("prod", directory)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("is not JSON"),
    });
    const { executionsTable: _, ...incomplete } = PROD;
    await outputs(JSON.stringify(incomplete));
    expect(await readStageOutputs("prod", directory)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(
        /lacks outputs the CLI needs \(executionsTable: .*\): run `npx sst deploy/,
      ),
    });
    await outputs(JSON.stringify(PROD));
    expect(await readStageOutputs("staging", directory)).toEqual({
      ok: false,
      problem:
        `${join(directory, ".sst", "outputs.json")} holds the outputs of another stage (plans table ` +
        "drs-orchestrator-prod-plans, not drs-orchestrator-staging-plans): run `npx sst deploy --stage staging` " +
        "in this directory to write them",
    });
  });
});
