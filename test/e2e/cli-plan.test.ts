import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = "packages/cli/bin/drs-orchestrator.js";
const THREE_TIER = "examples/plans/three-tier.yaml";
const ESTATE = "examples/plans/estate-300.yaml";
const OVERRIDES = "examples/plans/overrides-hooks-approval.yaml";
const CYCLE = "examples/invalid-plans/cycle.yaml";
const FLEET = "examples/fleet.json";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user's shell would. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Column start offsets of a table's header line, by header name. */
function columnStarts(header: string, names: readonly string[]): number[] {
  return names.map((name) => header.indexOf(name));
}

describe("drs-orchestrator plan validate", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cli-plan-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts every example plan", async () => {
    const run = await cli("plan", "validate", THREE_TIER, ESTATE, OVERRIDES);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `✓ ${THREE_TIER}: plan "shop" — 3 groups, 3 waves`,
        `✓ ${ESTATE}: plan "estate" — 12 groups, 6 waves`,
        `✓ ${OVERRIDES}: plan "payments" — 3 groups, 2 waves`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("rejects the cycle example and prints the cycle's path", async () => {
    const run = await cli("plan", "validate", CYCLE);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([
      `${CYCLE}: groups[0].dependsOn[0]: dependency cycle: db → web → app → db (fix: remove one dependsOn entry of this cycle so the groups can be ordered into waves)`,
      "✗ 1 of 1 file invalid, 1 problem",
      "",
    ]);
  });

  it("lists every problem of every file and still confirms the valid ones", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(
      broken,
      [
        "id: shop",
        "name: Shop",
        "rto: 45",
        "rpo: 5m",
        "groups:",
        "  - id: db",
        "    select: { tags: { tier: db } }",
        "    critcal: true",
        "  - id: app",
        "    select: { tags: { tier: app } }",
        "    dependsOn: [db, cache]",
      ].join("\n"),
    );
    const missing = join(dir, "missing.yaml");
    const run = await cli("plan", "validate", broken, THREE_TIER, missing);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`✓ ${THREE_TIER}: plan "shop" — 3 groups, 3 waves\n`);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      `${broken}: rto: duration 45 has no unit (fix: write it with a unit, e.g. 45s, 45m or 45h)`,
      `${broken}: groups[0].critcal: unknown key "critcal"; allowed keys here: id, name, select, dependsOn, critical, approval, launch, servers (fix: did you mean "critical"?)`,
      `${broken}: groups[1].dependsOn[1]: unknown group "cache" (fix: use one of the plan's group IDs: db, app)`,
      expect.stringMatching(
        new RegExp(`^${missing}: cannot read the file: ENOENT.* \\(fix: check the file path\\)$`),
      ),
      "✗ 2 of 3 files invalid, 4 problems",
    ]);
  });

  it("is a usage error without files", async () => {
    const run = await cli("plan", "validate");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^name at least one plan file\n\nUsage: drs-orchestrator plan validate <file\.\.\.>/,
    );
  });
});

describe("drs-orchestrator plan show", () => {
  it("shows waves, batches and each server's launch settings and readiness as aligned tables", async () => {
    const run = await cli("plan", "show", THREE_TIER, "--fleet", FLEET);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("Plan shop — Three-tier web shop");
    expect(lines).toContain("3 waves · 3 groups · 9 servers · 3 launch batches · 9 ready · 0 not ready");
    expect(lines).toContain("Wave 1 · group db (critical) · 3 servers in 1 batch");
    expect(lines).toContain("Wave 3 · group web · approval before launch (web) · 3 servers in 1 batch");
    expect(lines).toContain("  w2-b1        3  app");

    const names = [
      "SERVER",
      "HOSTNAME",
      "GROUP",
      "BATCH",
      "INSTANCE TYPE",
      "RIGHT-SIZING",
      "SUBNET",
      "PRIVATE IP",
      "READINESS",
    ];
    const header = lines.find((line) => line.startsWith("  SERVER")) as string;
    const dbRow = lines.find((line) => line.includes("shop-db-01")) as string;
    const cells = [
      "s-",
      "shop-db-01",
      "db",
      "w1-b1",
      "r6i.xlarge",
      "NONE",
      "subnet-0a1b2c3d4e5f60002",
      "-",
      "ready, lag",
    ];
    expect(cells.map((cell, i) => dbRow.indexOf(cell, columnStarts(header, names)[i]))).toEqual(
      columnStarts(header, names),
    );
  });

  it("lists the servers that are not ready and why", async () => {
    const run = await cli("plan", "show", ESTATE, "--fleet", FLEET);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Wave 4 · groups api-core, workers · 110 servers in 2 batches");
    expect(run.stdout).toContain("Not ready (3)");
    expect(run.stdout).toMatch(/estate-workers-17 +workers +left out .* NOT READY: STALLED/);
    expect(run.stdout).toMatch(
      /s-[0-9a-z]{17} +estate-reporting-04 +LAG_OVER_RPO +s-[0-9a-z]{17} replication lag 25m exceeds the RPO of 15m/,
    );
  });

  it("prints the layout as JSON", async () => {
    const run = await cli("plan", "show", ESTATE, "--fleet", FLEET, "--json");
    expect(run.code).toBe(0);
    const layout = JSON.parse(run.stdout);
    expect(layout.plan).toEqual({ id: "estate", name: "Corporate estate", rto: 14400, rpo: 900 });
    expect(layout.waves).toHaveLength(6);
    expect(layout.waves[3].batches.map((batch: { id: string }) => batch.id)).toEqual(["w4-b1", "w4-b2"]);
    expect(layout.notReady).toHaveLength(3);
  });

  it("ends with the plan's health as far as the fleet file tells it, naming what needs a live account", async () => {
    const run = await cli("plan", "show", ESTATE, "--fleet", FLEET);
    const section = run.stdout.slice(run.stdout.indexOf("Plan health ("));
    const lines = section.split("\n");
    expect(lines[0]).toBe("Plan health (from the fleet file's servers, subnets and security groups)");
    expect(lines[1]).toBe(
      "READY: nothing blocks a drill or a recovery (300 servers, 0 blockers, 3 warnings)",
    );
    expect(lines[2]).toMatch(/^ {2}SEVERITY +CODE +CATEGORY +SUBJECT +MESSAGE +FIX$/);
    expect(section).toMatch(
      / {2}warning +REPLICATION_STALLED +readiness +s-675ba4564873e1849 · group workers /,
    );
    expect(section).toContain(
      "Not checked without a live account (`drs-orchestrator plan check estate` checks them):",
    );
    expect(section).toContain("  - point-in-time snapshots (NO_SNAPSHOT)");
  });

  it("finds a subnet the plan names that the fleet does not have: it blocks a drill and a recovery", async () => {
    const fleet = JSON.parse(await readFile(FLEET, "utf8"));
    fleet.subnets = fleet.subnets.filter(
      (subnet: { subnetId: string }) => subnet.subnetId !== "subnet-0a1b2c3d4e5f60003",
    );
    const dir = await mkdtemp(join(tmpdir(), "cli-plan-show-"));
    const file = join(dir, "fleet.json");
    await writeFile(file, JSON.stringify(fleet));
    try {
      const run = await cli("plan", "show", THREE_TIER, "--fleet", file);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "RECOVERY_BLOCKED: a drill and a RECOVERY would be refused or fail (9 servers, 1 blocker",
      );
      expect(run.stdout).toMatch(
        /blocks recovery +SUBNET_MISSING +network +group web · subnet-0a1b2c3d4e5f60003 · groups\[2\]\.launch\.subnetId +subnet subnet-0a1b2c3d4e5f60003 \(groups\[2\]\.launch\.subnetId\) does not exist/,
      );
      const json = JSON.parse((await cli("plan", "show", THREE_TIER, "--fleet", file, "--json")).stdout);
      expect(json.health).toMatchObject({
        planId: "shop",
        verdict: "RECOVERY_BLOCKED",
        counts: { blockers: 1 },
      });
      expect(json.health.findings).toContainEqual(
        expect.objectContaining({ code: "SUBNET_MISSING", resourceId: "subnet-0a1b2c3d4e5f60003" }),
      );
      expect(json.healthNotChecked).toContain("point-in-time snapshots (NO_SNAPSHOT)");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("shows waves, groups and selections without a fleet", async () => {
    const run = await cli("plan", "show", OVERRIDES);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.slice(3, 7)).toEqual([
      "WAVE  GROUP    DEPENDS ON  CRITICAL  APPROVAL                               OVERRIDES  SELECTION",
      "   1  db       -           yes       -                                              2  2 servers: s-7c3596b519091e6eb, s-c4ccb4e6c579fb1fa",
      "   2  api      db          no        yes (timeout 30m, by payments-oncall)          1  tags app=payments, tier=api",
      "   2  workers  db          no        -                                              -  tags app=payments, tier=worker",
    ]);
    const json = JSON.parse((await cli("plan", "show", OVERRIDES, "--json")).stdout);
    expect(
      json.waves.map((wave: { groups: { id: string }[] }) => wave.groups.map((group) => group.id)),
    ).toEqual([["db"], ["api", "workers"]]);
  });

  it("reports an invalid plan or fleet instead of showing it", async () => {
    const plan = await cli("plan", "show", CYCLE);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain("dependency cycle: db → web → app → db");
    const fleet = await cli("plan", "show", THREE_TIER, "--fleet", THREE_TIER);
    expect(fleet.code).toBe(1);
    expect(fleet.stderr).toContain(
      `${THREE_TIER}: id: unknown key "id"; allowed keys here: accountId, region`,
    );
  });

  it("is a usage error with no file, two files or an unknown option", async () => {
    expect((await cli("plan", "show")).code).toBe(2);
    expect(await cli("plan", "show", THREE_TIER, ESTATE)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^show one plan at a time \(got 2 files\)/),
    });
    expect(await cli("plan", "show", THREE_TIER, "--flet", FLEET)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^unknown option --flet; did you mean --fleet\?/),
    });
  });
});

describe("drs-orchestrator help and unknown commands", () => {
  it("lists the commands with --help", async () => {
    const run = await cli("--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: drs-orchestrator <command> \[options\]$/m);
    expect(run.stdout).toMatch(/^ {2}plan validate +check plan files/m);
    expect(run.stdout).toMatch(/^ {2}plan show +show a plan's waves/m);
  });

  it("explains a command's options with --help", async () => {
    const run = await cli("plan", "show", "--help");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: drs-orchestrator plan show <file> \[options\]/);
    expect(run.stdout).toMatch(/^ {2}--fleet <fleet\.json> +source servers/m);
    expect(run.stdout).toMatch(/^ {2}--json +print the layout as JSON/m);
  });

  it("suggests the command that was probably meant", async () => {
    expect(await cli("plan", "shwo", THREE_TIER)).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'unknown command "plan shwo". Did you mean "plan show"?\nRun drs-orchestrator --help to list the commands.\n',
    });
    expect((await cli("deploy")).stderr).toBe(
      'unknown command "deploy".\nRun drs-orchestrator --help to list the commands.\n',
    );
  });

  it("lists a family's subcommands when one is missing, and the general help with no arguments", async () => {
    const plan = await cli("plan");
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(/^"plan" needs a subcommand:\n {2}plan validate/);
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: drs-orchestrator <command> \[options\]$/m);
  });
});
