import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exists,
  type Ran,
  type Started,
  shellEnv,
  startCli,
  stopLocalUp,
  until,
} from "../support/cli-process";

/** Fast enough that a drill of the three-tier example takes seconds, slow enough that a watcher sees its waves. */
const SPEED = "300";

/** Every CLI process started here; whatever is still running at the end is killed. */
const children = new Set<ChildProcessWithoutNullStreams>();
let home: string;
let work: string;
let localUp: Started;

function start(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Started {
  return startCli(children, args, {
    env: options.env ?? shellEnv(home),
    ...(options.cwd && { cwd: options.cwd }),
  });
}

async function cli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Ran> {
  const started = start(args, options);
  const { code } = await started.exited;
  return { code, ...started.output };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "cli-recover-home-"));
  work = await mkdtemp(join(tmpdir(), "cli-recover-work-"));
  localUp = start(["local", "up", "--fleet", "examples/fleet.json", "--speed", SPEED]);
  await until("local up to record its state", () => localUp.output.stderr.includes("Ctrl-C stops it"));
}, 30_000);

afterAll(async () => {
  const ended = await stopLocalUp(localUp);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  const stateLeft = await exists(join(home, "local.json"));
  await rm(home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
  expect(ended).toEqual({ code: 0, signal: null });
  expect(stateLeft).toBe(false);
}, 20_000);

describe("drs-orchestrator recover, against the runtime of `local up` (--local)", () => {
  let drill: string;
  let resumedDrill: string;

  it("local up records itself for --local, readable by its owner only, and refuses a second runtime", async () => {
    const state = JSON.parse(await readFile(join(home, "local.json"), "utf8"));
    expect(state).toMatchObject({
      pid: localUp.process.pid,
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      env: expect.objectContaining({
        PLANS_TABLE: "drs-orchestrator-local-plans",
        EXECUTIONS_TABLE: "drs-orchestrator-local-executions",
      }),
      clock: expect.objectContaining({ speed: Number(SPEED) }),
    });
    expect((await stat(join(home, "local.json"))).mode & 0o777).toBe(0o600);

    const second = await cli(["local", "up"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`a local runtime is already running (pid ${localUp.process.pid}`);
    expect(second.stderr).toContain("pass --force");
  });

  it("applies a plan, drills it with recover start, follows it with status --watch and approves the gated wave", async () => {
    const apply = await cli(["plan", "apply", "--local", "examples/plans/three-tier.yaml"]);
    expect(apply).toMatchObject({ code: 0, stderr: "" });
    expect(apply.stdout).toContain('plan "shop" version 1 (new)');

    const started = await cli(["recover", "start", "shop", "--local", "--reason", "quarterly drill"]);
    expect(started.code).toBe(0);
    drill = started.stdout.trim();
    expect(drill).toMatch(/^shop-drill-[0-9a-f]{16}$/);
    expect(started.stderr).toContain("Drill of plan shop v1 started");
    expect(started.stderr).toContain(`recover status ${drill} --watch --local`);

    // As a person would: watch, read the approval hint when the gate opens, run the command it gives.
    const watch = start(["recover", "status", drill, "--local", "--watch"]);
    const hint = `drs-orchestrator recover approve ${drill} --wave 3 --local`;
    await until("the watch to show the gate", () => watch.output.stdout.includes(hint), 40_000);
    const approve = await cli([
      "recover",
      "approve",
      drill,
      "--wave",
      "3",
      "--local",
      "--comment",
      "web tier ok",
    ]);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain(`wave 3 of ${drill} approved by`);

    const { code } = await watch.exited;
    const lines = watch.output.stdout.trimEnd().split("\n");
    expect(code).toBe(0);
    // No terminal: plain lines, one per change, stamped with the simulated time elapsed.
    expect(watch.output.stdout).not.toContain("\u001b[");
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\S+\] wave 1\/3 \(db\) COMPLETED: .*healthy 3, failed 0$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\S+\] wave 3\/3 \(web\) COMPLETED: .*healthy 3, failed 0$/),
    );
    expect(lines.filter((line) => line.includes("waits for approval"))).toHaveLength(1);
    expect(lines.at(-2)).toMatch(/^\[\S+\] execution SUCCEEDED$/);
    expect(lines.at(-1)).toMatch(/^RTO \S+ achieved of 45m target: (met|breached by \S+)$/);
  }, 80_000);

  it("shows the ended drill's status with its servers, as text and JSON", async () => {
    const text = await cli(["recover", "status", drill, "--local", "--servers"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`SUCCEEDED  Drill ${drill} of plan shop v1 (Three-tier web shop)`);
    expect(text.stdout).toContain("quarterly drill");
    expect(text.stdout).toMatch(/wave 3\/3 {2}web {2}█+ {2}3\/3 healthy {2}COMPLETED/);
    for (const host of ["shop-db-01", "shop-app-02", "shop-web-03"]) expect(text.stdout).toContain(host);

    const json = await cli(["recover", "status", drill, "--local", "--json"]);
    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({
      executionId: drill,
      planId: "shop",
      mode: "DRILL",
      status: "SUCCEEDED",
      reason: "quarterly drill",
      requestedBy: expect.stringMatching(/^cli:/),
      counts: { servers: 9, healthy: 9, failed: 0 },
      pendingApprovals: [],
    });
    expect(view.waves.map((wave: { groupIds: string[] }) => wave.groupIds)).toEqual([
      ["db"],
      ["app"],
      ["web"],
    ]);
  }, 60_000);

  it("serves the app's MCP server over HTTP with the token local up recorded", async () => {
    const { mcp } = JSON.parse(await readFile(join(home, "local.json"), "utf8"));
    expect(localUp.output.stderr).toContain(
      `mcp:      ${mcp.url} (streamable HTTP, header Authorization: Bearer ${mcp.token})`,
    );
    const refused = await fetch(mcp.url, { method: "POST", body: "{}" });
    expect(refused.status).toBe(401);
    await refused.body?.cancel();

    const client = new Client({ name: "cli-recover-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), {
        requestInit: { headers: { authorization: `Bearer ${mcp.token}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(["start_recovery", "get_recovery_status"]),
      );
      const status = await client.callTool({
        name: "get_recovery_status",
        arguments: { executionId: drill },
      });
      expect(status.isError).toBeFalsy();
      expect(status.structuredContent).toMatchObject({ executionId: drill, status: "SUCCEEDED" });
    } finally {
      await client.close();
    }
  });

  it("lists executions newest first, as a table and as JSON, filtered by plan", async () => {
    const [table, json, none] = await Promise.all([
      cli(["recover", "list", "--local"]),
      cli(["recover", "list", "--local", "--json", "--plan", "shop", "--limit", "5"]),
      cli(["recover", "list", "--local", "--json", "--plan", "estate"]),
    ]);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^EXECUTION\s+PLAN\s+MODE\s+STATUS\s+STARTED \(UTC\)\s+DURATION\s+REQUESTED BY$/);
    expect(row).toMatch(new RegExp(`^${drill}\\s+shop\\s+DRILL\\s+SUCCEEDED\\s+`));

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ executionId: drill, planId: "shop", mode: "DRILL", status: "SUCCEEDED" }),
    ]);
    expect(JSON.parse(none.stdout)).toEqual([]);
  }, 60_000);

  it("reports the drill as JSON, as text and as one self-contained HTML file", async () => {
    const file = join(work, "report.html");
    const [json, text, html] = await Promise.all([
      cli(["recover", "report", drill, "--local", "--json"]),
      cli(["recover", "report", drill, "--local"]),
      cli(["recover", "report", drill, "--local", "--html", file]),
    ]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toMatchObject({ executionId: drill, planId: "shop", status: "SUCCEEDED" });
    expect(report.summary.servers).toHaveLength(9);
    expect(report.summary.approvals).toEqual([
      expect.objectContaining({ wave: 3, status: "APPROVED", comment: "web tier ok" }),
    ]);

    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Drill ${drill} of plan shop v1 SUCCEEDED`);
    expect(text.stdout).toContain("Wave 3 approval: APPROVED");

    expect(html).toMatchObject({ code: 0, stdout: `${file}\n` });
    const page = await readFile(file, "utf8");
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain(drill);
    for (const server of report.summary.servers) {
      expect(page).toContain(server.sourceServerId);
      expect(page).toContain(server.hostname);
    }
    // Self-contained: nothing is fetched from elsewhere.
    expect(page).not.toMatch(/<script[^>]*\ssrc=|<link[^>]*\shref=["']?https?:/i);
  }, 60_000);

  it("cancels a second drill while it runs (Ctrl-C on its watch leaves it running): ABORTED, cleaned up automatically", async () => {
    const started = await cli(["recover", "start", "shop", "--local"]);
    expect(started.code).toBe(0);
    const second = started.stdout.trim();
    expect(second).not.toBe(drill);

    // Ctrl-C ends the watching, not the drill.
    const watch = start(["recover", "status", second, "--local", "--watch"]);
    await until(
      "the watch to see the drill run",
      () => watch.output.stdout.includes("execution RUNNING"),
      30_000,
    );
    watch.process.kill("SIGINT");
    expect((await watch.exited).code).toBe(130);
    expect(watch.output.stderr).toContain(
      `stopped watching; ${second} goes on: drs-orchestrator recover status ${second} --watch --local`,
    );
    const running = JSON.parse((await cli(["recover", "status", second, "--local", "--json"])).stdout);
    expect(running.status).toBe("RUNNING");

    const cancel = await cli([
      "recover",
      "cancel",
      second,
      "--local",
      "--reason",
      "wrong maintenance window",
    ]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`${second} cancelled: ABORTED`);
    expect(cancel.stdout).toContain("The drill is cleaned up automatically");

    const status = JSON.parse((await cli(["recover", "status", second, "--local", "--json"])).stdout);
    expect(status.status).toBe("ABORTED");
    const again = await cli(["recover", "cancel", second, "--local", "--reason", "twice"]);
    expect(again).toMatchObject({
      code: 0,
      stdout: `${second} had already ended ABORTED: nothing changed\n`,
    });
    const aborted = JSON.parse(
      (await cli(["recover", "list", "--local", "--json", "--status", "aborted"])).stdout,
    );
    expect(aborted.map((entry: { executionId: string }) => entry.executionId)).toEqual([second]);
  }, 60_000);

  it("resumes the cancelled drill once its cleanup ended, follows it with --watch, and refuses it once it SUCCEEDED", async () => {
    const [cancelled] = JSON.parse(
      (await cli(["recover", "list", "--local", "--json", "--status", "aborted"])).stdout,
    ) as { executionId: string }[];
    const id = cancelled?.executionId as string;
    resumedDrill = id;
    // The drill-ended rule cleans the cancelled drill up; a resume waits for that cleanup to end.
    await until(
      "the cancelled drill's cleanup to end",
      async () => {
        const report = JSON.parse((await cli(["recover", "report", id, "--local", "--json"])).stdout);
        return report.cleanup !== undefined && report.cleanup.status !== "RUNNING";
      },
      30_000,
    );

    const resume = start(["recover", "resume", id, "--local", "--watch", "--reason", "new window"]);
    const hint = `drs-orchestrator recover approve ${id} --wave 3 --local`;
    await until("the resumed drill's gate", () => resume.output.stdout.includes(hint), 40_000);
    expect((await cli(["recover", "approve", id, "--wave", "3", "--local"])).code).toBe(0);
    const { code } = await resume.exited;
    expect(code).toBe(0);
    const [printed, ...progress] = resume.output.stdout.trimEnd().split("\n");
    expect(printed).toBe(id);
    expect(resume.output.stderr).toContain("Drill of plan shop v1 resumed as attempt 2:");
    expect(progress.at(-2)).toMatch(/^\[\S+\] execution SUCCEEDED$/);

    const status = await cli(["recover", "status", id, "--local"]);
    expect(status.stdout).toMatch(/^Attempt 1 of 2: started .* by cli:\S+; ended ABORTED /m);
    expect(status.stdout).toMatch(
      /^Attempt 2 of 2: resumed .* by cli:\S+, from wave \d: new window; ended SUCCEEDED /m,
    );
    const report = await cli(["recover", "report", id, "--local"]);
    expect(report.stdout).toMatch(/ATTEMPT +STARTED \(UTC\) +BY +FROM WAVE +FAILED SERVERS +STATUS +TOOK/);
    expect(report.stdout).toContain("Attempt 1 ended ABORTED: RecoveryCancelled: cancelled by cli:");

    const again = await cli(["recover", "resume", id, "--local"]);
    expect(again).toMatchObject({ code: 1, stdout: "" });
    expect(again.stderr).toBe(
      `refused: execution ${id} cannot be resumed: it SUCCEEDED: there is nothing left to resume\n`,
    );
  }, 90_000);

  it("start --watch follows a drill without gates to its end; the same idempotency key gives it back", async () => {
    const plan = join(work, "workers.yaml");
    await writeFile(
      plan,
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
    expect((await cli(["plan", "apply", "--local", plan])).code).toBe(0);

    const watched = await cli([
      "recover",
      "start",
      "workers",
      "--local",
      "--watch",
      "--idempotency-key",
      "w-1",
    ]);
    expect(watched.code).toBe(0);
    const [id, ...progress] = watched.stdout.trimEnd().split("\n");
    expect(id).toMatch(/^workers-drill-[0-9a-f]{16}$/);
    expect(progress).toContainEqual(
      expect.stringMatching(/^\[\S+\] wave 1\/1 \(worker\) COMPLETED: .*healthy 3, failed 0$/),
    );
    expect(progress.at(-2)).toMatch(/^\[\S+\] execution SUCCEEDED$/);
    expect(watched.stderr).not.toContain("Follow it with");

    const again = await cli(["recover", "start", "workers", "--local", "--idempotency-key", "w-1"]);
    expect(again).toMatchObject({ code: 0, stdout: `${id}\n` });
    expect(again.stderr).toContain("Drill of plan workers v1 was already started with this idempotency key");
  }, 60_000);

  it("explains what is wrong: unknown execution, real recovery unconfirmed, missing reason, bad option", async () => {
    // Independent refusals, run side by side as separate shells would.
    const [unknown, unconfirmed, noReason, badMode, noPlan, badStatus, noCancelReason, both] =
      await Promise.all([
        cli(["recover", "status", "shop-drill-0000000000000000", "--local"]),
        cli(["recover", "start", "shop", "--local", "--mode", "RECOVERY", "--reason", "dc down"]),
        cli(["recover", "start", "shop", "--local", "--mode", "recovery", "--confirm", "shop"]),
        cli(["recover", "start", "shop", "--local", "--mode", "rehearsal"]),
        cli(["recover", "start", "nope", "--local"]),
        cli(["recover", "list", "--local", "--status", "DONE"]),
        cli(["recover", "cancel", drill, "--local"]),
        cli(["recover", "list", "--local", "--stage", "prod"]),
      ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("execution shop-drill-0000000000000000");
    expect(unknown.stderr).toContain("`drs-orchestrator recover list` shows the executions");

    expect(unconfirmed).toMatchObject({ code: 1, stdout: "" });
    expect(unconfirmed.stderr).toContain("refused: mode RECOVERY launches production instances");
    expect(unconfirmed.stderr).toContain("fix: add --confirm shop");

    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("--reason: required: say why this recovery runs");

    expect(badMode.code).toBe(1);
    expect(badMode.stderr).toContain("--mode: expected DRILL");

    expect(noPlan.code).toBe(1);
    expect(noPlan.stderr).toContain('plan "nope" not found');

    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain("--status: must be one of");

    expect(noCancelReason.code).toBe(2);
    expect(noCancelReason.stderr).toContain("--reason is required");

    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--local and --stage name two different apps");
  }, 60_000);

  it("reaches a deployed stage through the outputs `sst deploy` wrote, and says when they are another stage's", async () => {
    const state = JSON.parse(await readFile(join(home, "local.json"), "utf8"));
    const env = state.env as Record<string, string>;
    // The local runtime deploys stage "local" with the same names a deployed stage has.
    await mkdir(join(work, ".sst"), { recursive: true });
    await writeFile(
      join(work, ".sst", "outputs.json"),
      JSON.stringify({
        region: env.AWS_REGION,
        plansTable: env.PLANS_TABLE,
        executionsTable: env.EXECUTIONS_TABLE,
        recoveryStateMachineArn: env.RECOVERY_STATE_MACHINE_ARN,
        cleanupStateMachineArn: env.CLEANUP_STATE_MACHINE_ARN,
        eventBusName: env.EVENT_BUS_NAME,
        dashboard: "https://console.aws.amazon.com/cloudwatch",
      }),
    );
    // Credentials and endpoint as a shell pointed at the account would have them; the app's names from the outputs.
    const shell = {
      ...shellEnv(home),
      AWS_ENDPOINT_URL: env.AWS_ENDPOINT_URL,
      AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
    };
    const listed = await cli(
      ["recover", "list", "--stage", "local", "--json", "--status", "SUCCEEDED", "--plan", "shop"],
      {
        env: shell,
        cwd: work,
      },
    );
    expect(listed.code).toBe(0);
    // Newest first: the drill cancelled and then resumed, listed once under its ID, then the first drill.
    expect(JSON.parse(listed.stdout).map((entry: { executionId: string }) => entry.executionId)).toEqual([
      resumedDrill,
      drill,
    ]);

    const other = await cli(["recover", "list", "--stage", "prod"], { env: shell, cwd: work });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      "holds the outputs of another stage (plans table drs-orchestrator-local-plans",
    );
    expect(other.stderr).toContain("npx sst deploy --stage prod");

    const elsewhere = await cli(["recover", "list", "--stage", "prod"], { env: shell, cwd: home });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain(`no stage outputs in ${join(home, ".sst", "outputs.json")}`);
  }, 60_000);

  it("without a running local up, --local says how to start one", async () => {
    const empty = await mkdtemp(join(tmpdir(), "cli-recover-none-"));
    try {
      const none = await cli(["recover", "list", "--local"], { env: shellEnv(empty) });
      expect(none).toMatchObject({ code: 1, stdout: "" });
      expect(none.stderr).toContain("no local runtime: run `drs-orchestrator local up` in another terminal");

      // A runtime that died without removing its state file (kill -9, a crash).
      const gone = start(["--help"], { env: shellEnv(empty) });
      await gone.exited;
      const state = JSON.parse(await readFile(join(home, "local.json"), "utf8"));
      await writeFile(join(empty, "local.json"), JSON.stringify({ ...state, pid: gone.process.pid }));
      const stale = await cli(["recover", "approve", drill, "--wave", "3", "--local"], {
        env: shellEnv(empty),
      });
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain(`(pid ${gone.process.pid}, ${state.endpoint}) is no longer running`);

      const unset = await cli(["recover", "list"], { env: shellEnv(empty) });
      expect(unset.code).toBe(1);
      expect(unset.stderr).toContain("missing engine environment: PLANS_TABLE (the plans table)");
      expect(unset.stderr).toContain("Pass --local");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
