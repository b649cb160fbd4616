import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createLocalTables, localClientConfig } from "@drs-orchestrator/app";
import { PlanStore } from "@drs-orchestrator/engine";
import { type LocalAws, startLocalAws } from "@drs-orchestrator/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = "packages/cli/bin/drs-orchestrator.js";
const THREE_TIER = "examples/plans/three-tier.yaml";
const ESTATE = "examples/plans/estate-300.yaml";
const CYCLE = "examples/invalid-plans/cycle.yaml";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process with exactly the environment given (plus PATH and HOME). */
function cli(env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        // The SDK warns on stderr that future versions need Node 22; the output under test is the command's own.
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("drs-orchestrator plan apply", () => {
  let local: LocalAws;
  let env: Record<string, string>;
  let dynamo: DynamoDBDocumentClient;
  let plans: PlanStore;
  let directory: string;

  beforeAll(async () => {
    local = await startLocalAws();
    env = { ...local.env, ...(await createLocalTables(local, "cli")) };
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(local)));
    plans = new PlanStore(dynamo, env.PLANS_TABLE as string);
    directory = await mkdtemp(join(tmpdir(), "plan-apply-"));
  });

  afterAll(async () => {
    dynamo?.destroy();
    await local?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it("stores each plan as a new version, and an unchanged document keeps its version", async () => {
    expect(await cli(env, "plan", "apply", THREE_TIER, ESTATE)).toEqual({
      code: 0,
      stdout: 'plan "shop" version 1 (new)\nplan "estate" version 1 (new)\n',
      stderr: "",
    });
    expect(await cli(env, "plan", "apply", THREE_TIER)).toEqual({
      code: 0,
      stdout: 'plan "shop" version 1 (unchanged)\n',
      stderr: "",
    });

    const changed = join(directory, "three-tier-v2.yaml");
    const text = await readFile(join(ROOT, THREE_TIER), "utf8");
    await writeFile(changed, text.replace("name: Three-tier web shop", "name: Three-tier web shop (v2)"));
    expect(await cli(env, "plan", "apply", changed)).toMatchObject({
      code: 0,
      stdout: 'plan "shop" version 2 (new)\n',
    });

    expect(await plans.versions("shop")).toEqual([1, 2]);
    const latest = await plans.get("shop");
    expect(latest.plan.name).toBe("Three-tier web shop (v2)");
    expect(latest.plan.rto).toBe(2700);
    expect((await plans.get("shop", 1)).plan.name).toBe("Three-tier web shop");
    expect((await plans.get("estate")).plan.groups).toHaveLength(12);
  });

  it("stores nothing when a file is invalid and reports it as plan validate does", async () => {
    const before = await plans.list();
    const unchanged = join(directory, "three-tier-v3.yaml");
    const text = await readFile(join(ROOT, THREE_TIER), "utf8");
    await writeFile(unchanged, text.replace("name: Three-tier web shop", "name: Three-tier web shop (v3)"));

    const applied = await cli(env, "plan", "apply", unchanged, CYCLE);
    const validated = await cli(env, "plan", "validate", CYCLE);
    expect(applied.code).toBe(1);
    expect(applied.stdout).toBe("");
    const problemLines = validated.stderr.split("\n").filter((line) => line.startsWith(`${CYCLE}:`));
    expect(problemLines.length).toBeGreaterThan(0);
    expect(applied.stderr).toBe(
      `${problemLines.join("\n")}\n✗ 1 of 2 files invalid, 1 problem: nothing applied\n`,
    );
    expect(await plans.list()).toEqual(before);
    expect(await plans.versions("shop")).toEqual([1, 2]);
  });

  it("names the missing engine environment and how to get it", async () => {
    const { PLANS_TABLE: _missing, ...withoutTable } = env;
    const run = await cli(withoutTable, "plan", "apply", THREE_TIER);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("missing engine environment: PLANS_TABLE (the plans table)");
    expect(run.stderr).toContain("drs-orchestrator local up");
  });

  it("explains a plans table that does not exist", async () => {
    const run = await cli({ ...env, PLANS_TABLE: "no-such-table" }, "plan", "apply", THREE_TIER);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^could not store plan "shop" from .*three-tier\.yaml: table no-such-table does not exist/,
    );
  });
});
