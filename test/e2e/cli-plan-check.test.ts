import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ran, type Started, shellEnv, startCli, stopLocalUp, until } from "../support/cli-process";

/**
 * `plan check` and the start it guards, as a person runs them against `local up` on a bad day
 * (examples/faults/region-outage.json disconnects every server of the three-tier plan): exit 0 for
 * a plan nothing blocks, 1 with the findings for one that is blocked, 2 for a usage error; and
 * `recover start` refused early with the same findings for a drill, not for the RECOVERY.
 */

const children = new Set<ChildProcessWithoutNullStreams>();
let home: string;
let work: string;
let localUp: Started;
let workers: string;

async function cli(args: string[]): Promise<Ran> {
  const started = startCli(children, args, { env: shellEnv(home) });
  const { code } = await started.exited;
  return { code, ...started.output };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "cli-plan-check-home-"));
  work = await mkdtemp(join(tmpdir(), "cli-plan-check-work-"));
  workers = join(work, "workers.yaml");
  await writeFile(
    workers,
    [
      "id: workers",
      "name: Payment workers",
      "rto: 30m",
      "rpo: 5m",
      "groups:",
      "  - id: worker",
      "    select: { tags: { app: payments, tier: worker } }",
    ].join("\n"),
  );
  localUp = startCli(
    children,
    [
      "local",
      "up",
      "--fleet",
      "examples/fleet.json",
      // The scheduled evaluation ticks every 30 simulated minutes: 3 real minutes, after these tests.
      "--speed",
      "10",
      "--faults",
      "examples/faults/region-outage.json",
    ],
    { env: shellEnv(home) },
  );
  await until(
    "local up to record its state",
    () => localUp.output.stderr.includes("Ctrl-C stops it"),
    30_000,
  );
  const applied = await cli(["plan", "apply", "--local", "examples/plans/three-tier.yaml", workers]);
  expect(applied.code).toBe(0);
}, 60_000);

afterAll(async () => {
  const ended = await stopLocalUp(localUp);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
  expect(ended).toEqual({ code: 0, signal: null });
}, 20_000);

describe("drs-orchestrator plan check", () => {
  it("exits 0 for a stored plan nothing blocks, and records the evaluation", async () => {
    const run = await cli(["plan", "check", "workers", "--local"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Plan workers v1 \(stored\), evaluated \d{4}-\d\d-\d\dT/);
    expect(lines[1]).toMatch(
      /^READY: nothing blocks a drill or a recovery \(3 servers, 0 blockers, \d+ warnings?\)$/,
    );
    expect(run.stderr).toMatch(/^recorded as plan workers's latest evaluation; /);
  });

  it("exits 1 for a blocked plan, with one row per finding and its fix", async () => {
    const run = await cli(["plan", "check", "shop", "--local"]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[1]).toMatch(
      /^DRILL_BLOCKED: a drill would be refused; a RECOVERY could still run \(9 servers, 9 blockers, \d+ warnings\)$/,
    );
    const header = lines.find((line) => line.startsWith("SEVERITY")) as string;
    expect(header).toMatch(/^SEVERITY +CODE +CATEGORY +SUBJECT +MESSAGE +FIX$/);
    const disconnected = lines.filter((line) => line.includes("REPLICATION_DISCONNECTED"));
    expect(disconnected).toHaveLength(9);
    for (const row of disconnected) {
      expect(row).toMatch(
        /^blocks drill +REPLICATION_DISCONNECTED +readiness +s-[0-9a-z]{17} · group (db|app|web) /,
      );
      expect(row).toContain("reconnect the source server");
    }
    expect(run.stderr).toMatch(
      /changed since the last recorded evaluation \(first recorded evaluation: DRILL_BLOCKED\)/,
    );

    const again = await cli(["plan", "check", "shop", "--local"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("unchanged since the last recorded evaluation");
  });

  it("prints the evaluation as JSON with --json", async () => {
    const run = await cli(["plan", "check", "shop", "--local", "--json"]);
    expect(run.code).toBe(1);
    const health = JSON.parse(run.stdout);
    expect(health).toMatchObject({
      planId: "shop",
      planVersion: 1,
      verdict: "DRILL_BLOCKED",
      counts: { servers: 9, blockers: 9 },
    });
    expect(Object.keys(health.members).sort()).toEqual(["app", "db", "web"]);
  });

  it("evaluates a plan file as a document, records nothing, and reports an invalid one", async () => {
    const run = await cli(["plan", "check", workers, "--local"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Plan workers (${workers}), evaluated`);
    expect(run.stderr).toBe("");

    const invalid = await cli(["plan", "check", "examples/invalid-plans/cycle.yaml", "--local"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("examples/invalid-plans/cycle.yaml: groups[");
  });

  it("exits 1 for an unknown plan and 2 for a usage error", async () => {
    const unknown = await cli(["plan", "check", "nope", "--local"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain('plan "nope" not found');

    const [none, two, both] = await Promise.all([
      cli(["plan", "check"]),
      cli(["plan", "check", "shop", "workers", "--local"]),
      cli(["plan", "check", "shop", "--local", "--stage", "prod"]),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^name a stored plan's ID or a plan file to check\n\nUsage: drs-orchestrator plan check <planId\|file>/,
    );
    expect(two.code).toBe(2);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--local and --stage name two different apps");
  });
});

describe("drs-orchestrator recover start, guarded by the recorded evaluation", () => {
  it("refuses a drill with the findings and their fixes, and starts the RECOVERY of the bad day", async () => {
    const drill = await cli(["recover", "start", "shop", "--local"]);
    expect(drill).toMatchObject({ code: 1, stdout: "" });
    expect(drill.stderr).toMatch(
      /^refused: plan "shop" cannot start a DRILL: its evaluation of \S+ found 9 finding\(s\) that block it, nothing was started:\n {2}SEVERITY +CODE/,
    );
    expect(drill.stderr.match(/REPLICATION_DISCONNECTED/g)).toHaveLength(9);
    expect(drill.stderr).toContain("fix them, then re-check: drs-orchestrator plan check shop --local");

    const recovery = await cli([
      "recover",
      "start",
      "shop",
      "--local",
      "--mode",
      "RECOVERY",
      "--confirm",
      "shop",
      "--reason",
      "region down",
    ]);
    expect(recovery.code).toBe(0);
    expect(recovery.stdout.trim()).toMatch(/^shop-recovery-[0-9a-f]{16}$/);
  });
});
