import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type LocalState,
  localStatePath,
  readLocalState,
  removeLocalState,
  simulatedNow,
  stateHome,
  writeLocalState,
} from "../../../packages/cli/src/local-state";

let home: string;
let path: string;

function state(overrides: Partial<LocalState> = {}): LocalState {
  return {
    endpoint: "http://127.0.0.1:4566",
    env: { AWS_ENDPOINT_URL: "http://127.0.0.1:4566", PLANS_TABLE: "drs-orchestrator-local-plans" },
    pid: process.pid,
    startedAt: "2026-11-21T10:00:00.000Z",
    clock: { speed: 60, simulatedAt: "2026-11-21T10:00:00.000Z", realAt: 1_000_000 },
    ...overrides,
  };
}

/** The ID of a process that has ended. */
function endedPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid as number;
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "local-state-"));
  path = join(home, "nested", "local.json");
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("the local runtime's state file", () => {
  it("lives in DRS_ORCHESTRATOR_HOME, else in ~/.drs-orchestrator", () => {
    expect(localStatePath({ DRS_ORCHESTRATOR_HOME: "/srv/drs" })).toBe("/srv/drs/local.json");
    expect(stateHome({ HOME: "/home/alice" })).toMatch(/\.drs-orchestrator$/);
  });

  it("is written readable by its owner only and read back with whether its process still runs", async () => {
    await writeLocalState(state(), path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "nested"))).mode & 0o777).toBe(0o700);
    expect(await readLocalState(path)).toEqual({ found: true, path, state: state(), running: true });

    await writeLocalState(state({ pid: endedPid() }), path);
    expect(await readLocalState(path)).toMatchObject({ found: true, running: false });
  });

  it("says what is wrong with a file that is absent, not JSON or missing fields", async () => {
    expect(await readLocalState(path)).toEqual({ found: false, path });
    await writeLocalState(state(), path);
    await writeFile(path, "{ endpoint");
    expect(await readLocalState(path)).toMatchObject({
      found: true,
      problem: expect.stringMatching(/^not JSON/),
    });
    const { pid: _pid, ...withoutPid } = state();
    await writeFile(path, JSON.stringify({ ...withoutPid, endpoint: "nowhere" }));
    const read = await readLocalState(path);
    expect(read).toMatchObject({ found: true, problem: expect.stringContaining("endpoint:") });
    expect(read).toMatchObject({ problem: expect.stringContaining("pid:") });
  });

  it("is removed by the process that wrote it, not by one whose file was taken over", async () => {
    await writeLocalState(state(), path);
    await removeLocalState(process.pid + 1, path);
    expect(JSON.parse(await readFile(path, "utf8")).pid).toBe(process.pid);
    await removeLocalState(process.pid, path);
    expect(await readLocalState(path)).toEqual({ found: false, path });
    await removeLocalState(process.pid, path);
  });

  it("tells the runtime's simulated time from one reading of its clock", () => {
    const clock = { speed: 60, simulatedAt: "2026-11-21T10:00:00.000Z", realAt: 1_000_000 };
    expect(simulatedNow(clock, 1_000_000).toISOString()).toBe("2026-11-21T10:00:00.000Z");
    expect(simulatedNow(clock, 1_010_000).toISOString()).toBe("2026-11-21T10:10:00.000Z");
  });
});
