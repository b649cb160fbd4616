import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DescribeJobsCommand,
  DescribeRecoverySnapshotsCommand,
  DescribeSourceServersCommand,
  DrsClient,
  type SourceServer,
} from "@aws-sdk/client-drs";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { FUNCTIONS, resourceName } from "@drs-orchestrator/app";
import { type Fleet, loadFleetFile, parseDuration } from "@drs-orchestrator/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readLocalState, simulatedNow } from "../../packages/cli/src/local-state";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;

/** Every CLI process a test started; the ones still running are killed after it, whatever happened. */
const children = new Set<ChildProcessWithoutNullStreams>();
let fleet: Fleet;
/** Where the runtimes started here record themselves for --local, away from the user's own. */
const STATE_HOME = mkdtempSync(join(tmpdir(), "local-up-home-"));

beforeAll(async () => {
  const loaded = await loadFleetFile(`${ROOT}examples/fleet.json`);
  if (!loaded.ok) throw new Error("examples/fleet.json does not parse");
  fleet = loaded.fleet;
});

afterAll(() => rmSync(STATE_HOME, { recursive: true, force: true }));

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

function run(args: string[], env: Record<string, string> = {}) {
  const started = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DRS_ORCHESTRATOR_HOME: STATE_HOME, ...env },
  });
  children.add(started);
  const output = { stdout: "", stderr: "" };
  started.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  started.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    started.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { process: started, output, exited };
}

/** Waits for `condition`, running `poll` (e.g. an API call that updates what it reads) before each check. */
async function until(
  what: string,
  condition: () => boolean,
  timeoutMs = 15_000,
  poll: () => Promise<void> = async () => {},
) {
  const deadline = performance.now() + timeoutMs;
  for (await poll(); !condition(); await poll()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The variables of the `export NAME=value` lines printed on stdout. */
function exportedEnv(stdout: string): Record<string, string> {
  return Object.fromEntries(
    [...stdout.matchAll(/^export ([A-Z_]+)=(.*)$/gm)].map((match) => [
      match[1] as string,
      match[2] as string,
    ]),
  );
}

/** The three-tier example plan's servers, which examples/faults/region-outage.json disconnects. */
function shopServers(): string[] {
  return fleet.sourceServers
    .filter(
      (server) => server.tags.app === "shop" && ["db", "app", "web"].includes(server.tags.tier as string),
    )
    .map((server) => server.sourceServerID);
}

describe("drs-orchestrator local up", () => {
  it("serves the fleet, with the faults file's replication, to the official DRS client until SIGINT, then exits cleanly", async () => {
    const {
      process: cli,
      output,
      exited,
    } = run([
      "local",
      "up",
      "--fleet",
      "examples/fleet.json",
      "--speed",
      "60",
      "--faults",
      "examples/faults/region-outage.json",
    ]);
    await until("the endpoint to be printed", () => /^export AWS_ENDPOINT_URL=/m.test(output.stdout));
    await until("the app's variables", () => /^export RECOVERY_STATE_MACHINE_ARN=/m.test(output.stdout));
    await until("the summary", () => output.stderr.includes("Ctrl-C stops it"));

    const env = exportedEnv(output.stdout);
    expect(Object.keys(env).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL",
      "AWS_REGION",
      "AWS_SECRET_ACCESS_KEY",
      "CLEANUP_STATE_MACHINE_ARN",
      "EVENT_BUS_NAME",
      "EXECUTIONS_TABLE",
      "PLANS_TABLE",
      "PLAN_HEALTH_MINUTES",
      "POWERTOOLS_LOG_LEVEL",
      "POWERTOOLS_METRICS_DISABLED",
      "RECOVERY_STATE_MACHINE_ARN",
      "START_RECOVERY_FUNCTION_ARN",
    ]);
    expect(env).toMatchObject({
      PLANS_TABLE: "drs-orchestrator-local-plans",
      EXECUTIONS_TABLE: "drs-orchestrator-local-executions",
      RECOVERY_STATE_MACHINE_ARN: `arn:aws:states:${fleet.region}:${fleet.accountId}:stateMachine:drs-orchestrator-local-recovery`,
      CLEANUP_STATE_MACHINE_ARN: `arn:aws:states:${fleet.region}:${fleet.accountId}:stateMachine:drs-orchestrator-local-drill-cleanup`,
    });
    expect(
      output.stdout
        .trim()
        .split("\n")
        .every((line) => line.startsWith("export ")),
    ).toBe(true);
    expect(output.stderr).toContain(
      `fleet:    ${fleet.sourceServers.length} source servers from examples/fleet.json`,
    );
    expect(output.stderr).toMatch(/clock: {4}60× real time/);
    expect(output.stderr).toContain(
      `faults:   from examples/faults/region-outage.json\n            replication DISCONNECTED, lag 3h: ${shopServers().join(", ")} (9 servers)\n`,
    );
    expect(output.stderr).toContain(
      `app:      stage local: ${FUNCTIONS.length} functions, state machine arn:aws:states:`,
    );

    const drs = new DrsClient({
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    });
    try {
      // DescribeSourceServers pages by 100 at most, as the real service does.
      const servers: SourceServer[] = [];
      let nextToken: string | undefined;
      do {
        const page = await drs.send(new DescribeSourceServersCommand({ nextToken }));
        servers.push(...(page.items ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const ids = servers.map((server) => server.sourceServerID as string);
      expect(ids.sort()).toEqual(fleet.sourceServers.map((server) => server.sourceServerID).sort());
      // The region outage: the shop's servers are disconnected, three hours behind and falling further.
      const disconnected = servers.filter(
        (server) => server.dataReplicationInfo?.dataReplicationState === "DISCONNECTED",
      );
      expect(disconnected.map((server) => server.sourceServerID).sort()).toEqual(shopServers().sort());
      for (const server of disconnected) {
        const lag = parseDuration(server.dataReplicationInfo?.lagDuration as string) as number;
        expect(lag).toBeGreaterThanOrEqual(3 * 3600);
        expect(lag).toBeLessThan(4 * 3600);
      }
      const { items: snapshots } = await drs.send(
        new DescribeRecoverySnapshotsCommand({
          sourceServerID: shopServers()[0],
          order: "DESC",
          maxResults: 1,
        }),
      );
      const found = await readLocalState(join(STATE_HOME, "local.json"));
      if (!found.found || !("state" in found)) throw new Error(`no runtime recorded in ${found.path}`);
      const runtimeNow = simulatedNow(found.state.clock).getTime();
      expect(snapshots).toHaveLength(1);
      // Nothing newer than three hours before the runtime's clock.
      expect(Date.parse(snapshots?.[0]?.timestamp as string)).toBeLessThanOrEqual(runtimeNow - 3 * 3600_000);
      const jobs = await drs.send(new DescribeJobsCommand({}));
      expect(jobs.items).toEqual([]);
    } finally {
      drs.destroy();
    }

    cli.kill("SIGINT");
    const { code, signal } = await Promise.race([
      exited,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("did not exit within 5 s of SIGINT")), 5_000),
      ),
    ]);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output.stderr).toContain("SIGINT: stopping the local runtime");
    expect(output.stderr).toMatch(/stopped\n$/);
  });

  it("deploys the app: a plan applied from another process drills on it through the start-recovery function", async () => {
    const localUp = run(["local", "up", "--fleet", "examples/fleet.json", "--speed", "60"]);
    await until("the app's variables", () =>
      /^export RECOVERY_STATE_MACHINE_ARN=/m.test(localUp.output.stdout),
    );
    const env = exportedEnv(localUp.output.stdout);

    const apply = run(["plan", "apply", "examples/plans/three-tier.yaml"], env);
    expect((await apply.exited).code).toBe(0);
    expect(apply.output.stdout).toContain('plan "shop" version 1 (new)');

    const config = {
      endpoint: env.AWS_ENDPOINT_URL,
      region: env.AWS_REGION,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID as string,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
      },
    };
    const lambda = new LambdaClient(config);
    const sfn = new SFNClient(config);
    const drs = new DrsClient(config);
    try {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: resourceName("local", "start-recovery"),
          Payload: JSON.stringify({ planId: "shop", reason: "local up test", requestedBy: "test" }),
        }),
      );
      expect(response.FunctionError).toBeUndefined();
      const started = JSON.parse(new TextDecoder().decode(response.Payload));
      expect(started).toMatchObject({ planId: "shop", planVersion: 1, mode: "DRILL", alreadyStarted: false });
      expect(
        started.executionArn.startsWith(
          `${env.RECOVERY_STATE_MACHINE_ARN?.replace(":stateMachine:", ":execution:")}:`,
        ),
      ).toBe(true);

      // The workflow prepared the drill from the stored plan and launched the first wave (the 3 db servers) in DRS.
      let launched: string[] = [];
      await until(
        "the first wave's DRS job",
        () => launched.length > 0,
        15_000,
        async () => {
          const jobs = await drs.send(new DescribeJobsCommand({}));
          launched = (jobs.items ?? []).flatMap((job) =>
            (job.participatingServers ?? []).map((server) => server.sourceServerID as string),
          );
        },
      );
      const db = fleet.sourceServers
        .filter((server) => server.tags.app === "shop" && server.tags.tier === "db")
        .map((server) => server.sourceServerID);
      expect(launched.sort()).toEqual(db.sort());
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(execution.status).toBe("RUNNING");
    } finally {
      lambda.destroy();
      sfn.destroy();
      drs.destroy();
    }

    localUp.process.kill("SIGINT");
    expect((await localUp.exited).code).toBe(0);
    expect(
      localUp.output.stdout
        .trim()
        .split("\n")
        .every((line) => line.startsWith("export ")),
    ).toBe(true);
  });

  it("explains a bad option value, a bad faults file and a busy port", async () => {
    const badSpeed = run(["local", "up", "--speed", "fast"]);
    expect((await badSpeed.exited).code).toBe(2);
    expect(badSpeed.output.stderr).toContain("--speed fast is not valid");

    const badFaults = join(STATE_HOME, "bad-faults.json");
    writeFileSync(
      badFaults,
      JSON.stringify({
        replication: { "s-b3ce30dffdb44268f": { state: "DISCONECTED" } },
        dropEventPercent: 50,
      }),
    );
    const invalid = run(["local", "up", "--fleet", "examples/fleet.json", "--faults", badFaults]);
    expect((await invalid.exited).code).toBe(1);
    expect(invalid.output.stderr.trim().split("\n")).toEqual([
      `${badFaults}: replication.s-b3ce30dffdb44268f.state: invalid value "DISCONECTED"; allowed values: STOPPED, INITIATING, INITIAL_SYNC, BACKLOG, CREATING_SNAPSHOT, CONTINUOUS, PAUSED, RESCAN, STALLED, DISCONNECTED (fix: did you mean DISCONNECTED?)`,
      `${badFaults}: dropEventPercent: unknown key "dropEventPercent"; allowed keys here: seed, replication, failLaunch, dropEventsPercent, delayEventsSeconds, throttlePercent, stall, drift (fix: did you mean "dropEventsPercent"?)`,
    ]);
    writeFileSync(badFaults, JSON.stringify({ failLaunch: { "s-0000000000000dead": 1 } }));
    const unknown = run(["local", "up", "--fleet", "examples/fleet.json", "--faults", badFaults]);
    expect((await unknown.exited).code).toBe(1);
    expect(unknown.output.stderr.trim()).toBe(
      `${badFaults}: failLaunch.s-0000000000000dead: source server "s-0000000000000dead" is not in the fleet (fix: use the sourceServerID of one of the fleet's ${fleet.sourceServers.length} source servers)`,
    );
    expect(unknown.output.stdout).toBe("");

    const first = run(["local", "up"]);
    await until("the first runtime", () => /^export AWS_ENDPOINT_URL=/m.test(first.output.stdout));
    const port = /127\.0\.0\.1:(\d+)/.exec(first.output.stdout)?.[1] as string;
    // --force: the first runtime is running, and what is under test is the port it holds.
    const second = spawn(process.execPath, [BIN, "local", "up", "--port", port, "--force"], {
      cwd: ROOT,
      env: { ...process.env, DRS_ORCHESTRATOR_HOME: STATE_HOME },
    });
    children.add(second);
    let stderr = "";
    second.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const secondCode = await new Promise<number | null>((resolve) => second.on("exit", resolve));
    expect(secondCode).toBe(1);
    expect(stderr).toContain(`port ${port} is already in use`);

    first.process.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
  });
});
