import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FUNCTIONS } from "@drs-orchestrator/app";
import { type Fleet, loadFleetFile } from "@drs-orchestrator/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;

let fleet: Fleet;
let directory: string;
const children = new Set<ChildProcessWithoutNullStreams>();

beforeAll(async () => {
  const loaded = await loadFleetFile(`${ROOT}examples/fleet.json`);
  if (!loaded.ok) throw new Error("examples/fleet.json does not parse");
  fleet = loaded.fleet;
  directory = await mkdtemp(join(tmpdir(), "demo-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
});

function run(command: string, args: string[]) {
  const child = spawn(command, args, { cwd: ROOT });
  children.add(child);
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { output, exited };
}

/** Simulated seconds of a `[12m30s]` stamp. */
function stampSeconds(stamp: string): number {
  const [, h = "0", m = "0", s = "0"] = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(stamp) ?? [];
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}

describe("npm start (drs-orchestrator demo)", () => {
  it("drills the three-tier example live, wave by wave, prints the summary and exits 0", async () => {
    const scripts = JSON.parse(await readFile(`${ROOT}package.json`, "utf8")).scripts;
    expect(scripts.start).toBe("drs-orchestrator demo");

    const { output, exited } = run("npm", ["start"]);
    expect(await exited).toBe(0);
    const { stdout } = output;

    expect(stdout).toMatch(/Local AWS runtime on http:\/\/127\.0\.0\.1:\d+: 318 source servers/);
    expect(stdout).toMatch(
      /Incident MCP server \(examples\/mcp-incident-server\) on http:\/\/127\.0\.0\.1:\d+\/mcp/,
    );
    expect(stdout).toContain(`Deployed the app: ${FUNCTIONS.length} functions`);
    expect(stdout).toContain('Stored plan shop "Three-tier web shop"');
    const executionId = /Started drill (shop-drill-\S+) through the start-recovery function/.exec(
      stdout,
    )?.[1];
    expect(executionId).toBeDefined();

    // Not a terminal: one stamped line per change, no control characters, in simulated-time order.
    expect(stdout).not.toContain("\u001b");
    const changes = [...stdout.matchAll(/^\[(\w+)\] (.*)$/gm)].map((match) => ({
      seconds: stampSeconds(match[1] as string),
      text: match[2] as string,
    }));
    const times = changes.map((change) => change.seconds);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const texts = changes.map((change) => change.text);
    for (const [wave, group] of [
      [1, "db"],
      [2, "app"],
      [3, "web"],
    ] as const) {
      const prefix = `wave ${wave}/3 (${group})`;
      expect(texts).toContain(`${prefix} LAUNCHING: pending 0, launching 3, launched 0, healthy 0, failed 0`);
      expect(texts.some((text) => text.startsWith(`${prefix} CHECKING_HEALTH:`))).toBe(true);
      expect(texts).toContain(`${prefix} COMPLETED: pending 0, launching 0, launched 0, healthy 3, failed 0`);
    }
    // Waves run one after another: the app tier launches only once the databases are healthy.
    expect(
      texts.indexOf("wave 1/3 (db) COMPLETED: pending 0, launching 0, launched 0, healthy 3, failed 0"),
    ).toBeLessThan(texts.findIndex((text) => text.startsWith("wave 2/3 (app) LAUNCHING")));
    expect(texts.at(-1)).toBe("execution SUCCEEDED");
    // The web tier's approval gate stops the drill; the demo approves it itself and says so, before
    // the web tier launches.
    const approval = "Wave 3 waits for approval (Approval Required): auto-approved by the demo";
    expect(stdout).toContain(approval);
    expect(stdout.indexOf(approval)).toBeLessThan(stdout.indexOf("wave 3/3 (web) LAUNCHING"));
    // The plan's hooks call the incident MCP server for real, as they run.
    expect(stdout).toMatch(
      /^Hook "open incident" \(beforeRecovery\): mcp incidents\/open_incident SUCCEEDED in \d+ ms$/m,
    );
    for (const wave of [1, 2, 3]) {
      expect(stdout).toMatch(
        new RegExp(
          `^Hook "note wave" \\(afterWave ${wave}\\): mcp incidents/add_note SUCCEEDED in \\d+ ms$`,
          "m",
        ),
      );
    }
    const [last] = changes.slice(-1);
    // The drill takes tens of simulated minutes, whatever the real time.
    expect(last?.seconds).toBeGreaterThan(20 * 60);

    const summary = stdout.slice(stdout.indexOf(`Drill ${executionId} of plan shop v1 SUCCEEDED in `));
    expect(summary).toMatch(/RTO: \w+ achieved, target 45m: met/);
    expect(summary).toMatch(/^RPO: 0s data loss achieved \(s-\w+\), target 5m: met; points in time /m);
    expect(summary).toContain("Servers: 9 servers, 9 launched, 9 healthy, 0 failed");
    expect(summary).toMatch(/^Wave 3 approval: APPROVED by drs-orchestrator demo after \w+$/m);
    expect(summary).toMatch(/^1 +db +COMPLETED +3 +3 +0 +1 +\w+ +\w+ +\w+$/m);
    expect(summary).toMatch(/^3 +web +COMPLETED +3 +3 +0 +1 +\w+ +\w+ +\w+$/m);

    // One row per server: its recovery instance with the type and subnet the plan gives its tier.
    const subnets = new Map(fleet.subnets.map((subnet) => [subnet.subnetId, subnet.cidrBlock]));
    expect(subnets.get("subnet-0a1b2c3d4e5f60002")).toBe("10.10.16.0/20");
    const expected = {
      db: ["r6i.xlarge", /^10\.10\.1[6-9]\./],
      web: ["c6i.large", /^10\.10\.3[2-9]\./],
    } as const;
    const shop = fleet.sourceServers.filter((server) => server.tags.app === "shop");
    for (const server of shop) {
      const hostname = server.sourceProperties?.identificationHints?.hostname as string;
      const row = new RegExp(
        `^${hostname} +${server.sourceServerID} +(\\d) +(i-[0-9a-f]{17}) +(\\S+) +(\\S+) +HEALTHY +1 +(\\S+) +(\\S+)$`,
        "m",
      ).exec(summary);
      expect(row, `the row of ${hostname}`).not.toBeNull();
      // A drill of healthy sources launches from a fresh snapshot: its point in time, no data lost.
      expect(row?.[5]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(row?.[6]).toBe("0s");
      const tier = server.tags.tier as keyof typeof expected | "app";
      if (tier !== "app") {
        expect(row?.[3]).toBe(expected[tier][0]);
        expect(row?.[4]).toMatch(expected[tier][1]);
      }
    }

    // The timeline the hooks wrote, read back from the incident server.
    const cleaningUp = `Cleaning up drill ${executionId}: terminating its recovery instances, restoring launch settings`;
    expect(stdout).toContain(cleaningUp);
    expect(stdout.slice(stdout.indexOf("Incident timeline"), stdout.indexOf(cleaningUp)).split("\n")).toEqual(
      [
        'Incident timeline the hooks kept on the "incidents" MCP server:',
        `INC-0001 DRILL of Three-tier web shop (${executionId}), severity 3`,
        "  1. wave 1/3 (db) recovered: 3 of 3 servers healthy",
        "  2. wave 2/3 (app) recovered: 3 of 3 servers healthy",
        "  3. wave 3/3 (web) recovered: 3 of 3 servers healthy",
        "  4. DRILL complete: 9 of 9 servers healthy",
        "",
        "",
      ],
    );

    // The cleanup, as `recover cleanup` starts it: it ends the plan's 2h drill.cleanupAfter hold (or
    // starts the cleanup before the hold began), then terminates the nine instances and restores the settings.
    const cleanup = stdout.slice(stdout.indexOf(cleaningUp));
    expect(cleanup).toMatch(
      new RegExp(
        `^(Ended the 2h hold of the plan's drill\\.cleanupAfter|Started cleanup): arn:aws:states:[^:]+:\\d+:execution:[^:]+:cleanup-${executionId}$`,
        "m",
      ),
    );
    const progress = [
      ...cleanup.matchAll(
        /^Cleanup (\w+): (\d+) instances terminating, (\d+) terminated, (\d+) servers restored$/gm,
      ),
    ];
    expect(progress.some((line) => line[1] === "RUNNING")).toBe(true);
    expect(progress.at(-1)?.slice(1)).toEqual(["SUCCEEDED", "0", "9", "9"]);
    expect(cleanup).toMatch(/^Cleanup SUCCEEDED in \w+$/m);
    const terminated = /^Instances terminated: (\d+) \((.*)\)$/m.exec(cleanup);
    expect(terminated?.[1]).toBe("9");
    // Exactly the drill's recovery instances, each once.
    const drilled = [...summary.matchAll(/ (i-[0-9a-f]{17}) /g)].map((match) => match[1]);
    expect(terminated?.[2]?.split(", ").sort()).toEqual([...new Set(drilled)].sort());
    expect(drilled).toHaveLength(9);
    expect(cleanup).toMatch(/^Launch templates restored: 9, launch configurations restored: 9$/m);
  }, 120_000);

  it("exits 1 with the error when the drill fails: a group that selects no server", async () => {
    const planFile = join(directory, "nothing.yaml");
    await writeFile(
      planFile,
      [
        "id: nothing",
        "name: Selects nothing",
        "rto: 30m",
        "rpo: 5m",
        "groups:",
        "  - id: ghosts",
        "    select: { tags: { app: no-such-app } }",
      ].join("\n"),
    );
    const { output, exited } = run(process.execPath, [BIN, "demo", "--plan", planFile]);
    expect(await exited).toBe(1);
    expect(output.stdout).toMatch(
      /^Drill nothing-drill-\S+ FAILED before it recorded anything: GroupResolutionError: .*ghosts/m,
    );
  }, 60_000);

  it("stops the runtime cleanly on Ctrl-C and exits 130", async () => {
    const child = spawn(process.execPath, [BIN, "demo", "--faults", "examples/faults/wave-failure.json"], {
      cwd: ROOT,
    });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = performance.now() + 30_000;
    while (!stdout.includes("through the start-recovery function")) {
      if (performance.now() > deadline) throw new Error(`the drill did not start:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The faults the runtime started with are said before the drill starts.
    expect(stdout).toContain(
      "Faults from examples/faults/wave-failure.json:\n  failLaunch: s-0e48735c54a35281b fails its first launch\n",
    );
    child.kill("SIGINT");
    const interruptedAt = performance.now();
    expect(await exited).toBe(130);
    expect(performance.now() - interruptedAt).toBeLessThan(5_000);
    expect(stderr).toContain("interrupted: stopping the local runtime");
    expect(stdout).not.toContain("SUCCEEDED");
  }, 60_000);

  it("names every problem of an invalid plan and a bad option without starting anything", async () => {
    const planFile = join(directory, "invalid.yaml");
    await writeFile(planFile, "id: Bad Id\nname: x\nrpo: 5m\ngroups: []\n");
    const invalid = run(process.execPath, [BIN, "demo", "--plan", planFile]);
    expect(await invalid.exited).toBe(1);
    expect(invalid.output.stdout).toBe("");
    expect(invalid.output.stderr).toContain(`${planFile}: id:`);
    expect(invalid.output.stderr).toContain(`${planFile}: rto:`);

    const faultsFile = join(directory, "faults.json");
    await writeFile(
      faultsFile,
      JSON.stringify({ failLaunch: { "s-0000000000000dead": 1 }, throttlePercent: -5 }),
    );
    const badFaults = run(process.execPath, [BIN, "demo", "--faults", faultsFile]);
    expect(await badFaults.exited).toBe(1);
    expect(badFaults.output.stdout).toBe("");
    expect(badFaults.output.stderr).toContain(
      `${faultsFile}: throttlePercent: -5 is below the minimum of 0 (fix: use a value of 0 or more)`,
    );
    await writeFile(faultsFile, JSON.stringify({ failLaunch: { "s-0000000000000dead": 1 } }));
    const unknownServer = run(process.execPath, [BIN, "demo", "--faults", faultsFile]);
    expect(await unknownServer.exited).toBe(1);
    expect(unknownServer.output.stderr).toContain(
      `${faultsFile}: failLaunch.s-0000000000000dead: source server "s-0000000000000dead" is not in the fleet`,
    );

    const badSpeed = run(process.execPath, [BIN, "demo", "--speed", "0"]);
    expect(await badSpeed.exited).toBe(2);
    expect(badSpeed.output.stderr).toContain("--speed 0 is not valid");
  }, 30_000);
});
