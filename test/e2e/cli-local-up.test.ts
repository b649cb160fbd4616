import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { DescribeJobsCommand, DescribeSourceServersCommand, DrsClient } from "@aws-sdk/client-drs";
import { type Fleet, loadFleetFile } from "@drs-orchestrator/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;

let child: ChildProcessWithoutNullStreams | undefined;
let fleet: Fleet;

beforeAll(async () => {
  const loaded = await loadFleetFile(`${ROOT}examples/fleet.json`);
  if (!loaded.ok) throw new Error("examples/fleet.json does not parse");
  fleet = loaded.fleet;
});

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

function run(args: string[]) {
  const started = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
  child = started;
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

async function until(what: string, condition: () => boolean, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
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

describe("drs-orchestrator local up", () => {
  it("serves the fleet to the official DRS client until SIGINT, then exits cleanly", async () => {
    const {
      process: cli,
      output,
      exited,
    } = run(["local", "up", "--fleet", "examples/fleet.json", "--speed", "60"]);
    await until("the endpoint to be printed", () => /^export AWS_ENDPOINT_URL=/m.test(output.stdout));
    await until("the summary", () => output.stderr.includes("Ctrl-C stops it"));

    const env = exportedEnv(output.stdout);
    expect(Object.keys(env).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL",
      "AWS_REGION",
      "AWS_SECRET_ACCESS_KEY",
    ]);
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
      const ids: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await drs.send(new DescribeSourceServersCommand({ nextToken }));
        ids.push(...(page.items ?? []).map((server) => server.sourceServerID as string));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(ids.sort()).toEqual(fleet.sourceServers.map((server) => server.sourceServerID).sort());
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

  it("explains a bad option value and a busy port", async () => {
    const badSpeed = run(["local", "up", "--speed", "fast"]);
    expect((await badSpeed.exited).code).toBe(2);
    expect(badSpeed.output.stderr).toContain("--speed fast is not valid");

    const first = run(["local", "up"]);
    await until("the first runtime", () => /^export AWS_ENDPOINT_URL=/m.test(first.output.stdout));
    const port = /127\.0\.0\.1:(\d+)/.exec(first.output.stdout)?.[1] as string;
    const second = spawn(process.execPath, [BIN, "local", "up", "--port", port], { cwd: ROOT });
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
