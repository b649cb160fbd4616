import { executionProgress } from "@drs-orchestrator/engine";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../../../packages/cli/src/command";
import { LiveProgress, redrawFrame } from "../../../packages/cli/src/output/live-progress";
import {
  hookNote,
  type ProgressSnapshot,
  progressChanges,
  renderProgress,
} from "../../../packages/cli/src/output/progress-view";

const START = "2026-11-21T10:00:00Z";

type ServerStatus = ProgressSnapshot["servers"][number]["status"];

function servers(wave: number, ...statuses: ServerStatus[]) {
  return statuses.map((status) => ({ wave, status }));
}

function snapshot(overrides: Partial<ProgressSnapshot> = {}): ProgressSnapshot {
  return {
    meta: { executionId: "shop-drill-1", planId: "shop", mode: "DRILL", status: "RUNNING", startedAt: START },
    waves: [
      { wave: 2, groupIds: ["app", "cache"], status: "PENDING", attempt: 0, serverCount: 2 },
      { wave: 1, groupIds: ["db"], status: "LAUNCHING", attempt: 0, serverCount: 6 },
    ],
    servers: [
      ...servers(1, "PENDING", "LAUNCHING", "LAUNCHING", "LAUNCHED", "HEALTHY", "FAILED"),
      ...servers(2, "PENDING", "PENDING"),
    ],
    now: "2026-11-21T10:12:30Z",
    ...overrides,
  };
}

describe("executionProgress", () => {
  it("counts each wave's servers by status, in wave order, with the elapsed simulated time", () => {
    expect(executionProgress(snapshot())).toEqual({
      status: "RUNNING",
      elapsedSeconds: 750,
      waves: [
        {
          wave: 1,
          groupIds: ["db"],
          status: "LAUNCHING",
          attempt: 0,
          servers: 6,
          pending: 1,
          launching: 2,
          launched: 1,
          healthy: 1,
          failed: 1,
        },
        {
          wave: 2,
          groupIds: ["app", "cache"],
          status: "PENDING",
          attempt: 0,
          servers: 2,
          pending: 2,
          launching: 0,
          launched: 0,
          healthy: 0,
          failed: 0,
        },
      ],
    });
  });

  it("counts servers that failed their health checks as failed", () => {
    const progress = executionProgress(
      snapshot({
        waves: [{ wave: 1, groupIds: ["db"], status: "CHECKING_HEALTH", attempt: 0, serverCount: 3 }],
        servers: servers(1, "UNHEALTHY", "FAILED", "HEALTHY"),
      }),
    );
    expect(progress.waves[0]).toMatchObject({ failed: 2, healthy: 1 });
  });

  it("stops the elapsed time at the execution's end", () => {
    const meta = { ...(snapshot().meta as NonNullable<ProgressSnapshot["meta"]>) };
    const ended = executionProgress(
      snapshot({ meta: { ...meta, status: "SUCCEEDED", endedAt: "2026-11-21T10:31:05Z" } }),
    );
    expect(ended).toMatchObject({ status: "SUCCEEDED", elapsedSeconds: 1865 });
  });

  it("shows nothing elapsed and no status before the execution is written", () => {
    const { meta: _, ...rest } = snapshot({ waves: [], servers: [] });
    expect(executionProgress(rest)).toEqual({ elapsedSeconds: 0, waves: [] });
  });
});

describe("renderProgress", () => {
  it("prints the status and elapsed time, then one aligned row per wave", () => {
    expect(renderProgress(executionProgress(snapshot()))).toEqual([
      "RUNNING · 12m30s elapsed",
      "WAVE  GROUPS      STATUS     PENDING  LAUNCHING  LAUNCHED  HEALTHY  FAILED",
      "1/2   db          LAUNCHING        1          2         1        1       1",
      "2/2   app, cache  PENDING          2          0         0        0       0",
    ]);
  });

  it("names a retry round and says STARTING before the execution exists", () => {
    const retried = executionProgress(
      snapshot({
        waves: [{ wave: 1, groupIds: ["db"], status: "LAUNCHING", attempt: 1, serverCount: 1 }],
        servers: servers(1, "LAUNCHING"),
      }),
    );
    expect(renderProgress(retried)[2]).toContain("LAUNCHING (retry 1)");
    expect(renderProgress({ elapsedSeconds: 0, waves: [] })).toEqual(["STARTING · 0s elapsed"]);
  });
});

describe("progressChanges", () => {
  it("prints every wave, then the execution's status, the first time", () => {
    expect(progressChanges(undefined, executionProgress(snapshot()))).toEqual([
      "[12m30s] wave 1/2 (db) LAUNCHING: pending 1, launching 2, launched 1, healthy 1, failed 1",
      "[12m30s] wave 2/2 (app, cache) PENDING: pending 2, launching 0, launched 0, healthy 0, failed 0",
      "[12m30s] execution RUNNING",
    ]);
  });

  it("prints only what changed: time passing alone prints nothing", () => {
    const first = executionProgress(snapshot());
    const later = executionProgress(snapshot({ now: "2026-11-21T10:13:00Z" }));
    expect(progressChanges(first, later)).toEqual([]);

    const launched = executionProgress(
      snapshot({
        now: "2026-11-21T10:14:00Z",
        servers: [
          ...servers(1, "PENDING", "LAUNCHING", "LAUNCHED", "LAUNCHED", "HEALTHY", "FAILED"),
          ...servers(2, "PENDING", "PENDING"),
        ],
      }),
    );
    expect(progressChanges(later, launched)).toEqual([
      "[14m] wave 1/2 (db) LAUNCHING: pending 1, launching 1, launched 2, healthy 1, failed 1",
    ]);
  });

  it("prints the execution's end", () => {
    const running = executionProgress(snapshot());
    const meta = snapshot().meta as NonNullable<ProgressSnapshot["meta"]>;
    const failed = executionProgress(
      snapshot({ meta: { ...meta, status: "ABORTED", endedAt: "2026-11-21T10:20:00Z" } }),
    );
    expect(progressChanges(running, failed)).toEqual(["[20m] execution ABORTED"]);
  });
});

describe("LiveProgress", () => {
  function capture(): { io: CommandIo; out: string[] } {
    const out: string[] = [];
    return { io: { out: (text) => out.push(text), err: () => {} }, out };
  }

  it("redraws the frame in place on a terminal, cut to its width", () => {
    const { io, out } = capture();
    const live = new LiveProgress(io, { columns: 30 });
    live.update(executionProgress(snapshot()));
    live.update(executionProgress(snapshot({ now: "2026-11-21T10:13:00Z" })));
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(redrawFrame(0, renderProgress(executionProgress(snapshot())), 30));
    // The second frame goes back up the four lines of the first before it draws.
    expect(out[1]?.startsWith("\u001b[4F\u001b[J")).toBe(true);
    expect(out[1]?.replace("\u001b[4F\u001b[J", "").split("\n")).toEqual([
      "RUNNING · 13m elapsed",
      "WAVE  GROUPS      STATUS     P",
      "1/2   db          LAUNCHING   ",
      "2/2   app, cache  PENDING     ",
    ]);
  });

  it("keeps a note above the frame on a terminal and draws the frame again below it", () => {
    const { io, out } = capture();
    const live = new LiveProgress(io, { columns: 80 });
    const progress = executionProgress(snapshot());
    live.update(progress);
    live.note("Wave 2 waits for approval: auto-approved");
    // The note replaces the frame (four lines up), then the frame starts afresh below it.
    expect(out.slice(1)).toEqual([
      "\u001b[4F\u001b[JWave 2 waits for approval: auto-approved",
      redrawFrame(0, renderProgress(progress), 80),
    ]);
    live.update(progress);
    expect(out[3]?.startsWith("\u001b[4F\u001b[J")).toBe(true);
  });

  it("prints a note as its own line when the output is not a terminal", () => {
    const { io, out } = capture();
    const live = new LiveProgress(io, undefined);
    live.note("Wave 2 waits for approval: auto-approved");
    expect(out).toEqual(["Wave 2 waits for approval: auto-approved"]);
  });

  it("prints change lines, free of control characters, when the output is not a terminal", () => {
    const { io, out } = capture();
    const live = new LiveProgress(io, undefined);
    live.update(executionProgress(snapshot()));
    live.update(executionProgress(snapshot({ now: "2026-11-21T10:13:00Z" })));
    expect(out).toHaveLength(3);
    expect(out.join("")).not.toContain("\u001b");
  });
});

describe("redrawFrame", () => {
  it("draws the first frame where the cursor is and erases what a longer frame left below", () => {
    expect(redrawFrame(0, ["a", "b"])).toBe("\u001b[Ja\nb");
    expect(redrawFrame(3, ["a"])).toBe("\u001b[3F\u001b[Ja");
  });
});

describe("hookNote", () => {
  const hook = {
    name: "note wave",
    phase: "afterWave" as const,
    wave: 2,
    kind: "mcp" as const,
    target: "incidents/add_note",
    onFailure: "continue" as const,
    status: "SUCCEEDED" as const,
    durationMs: 15.6,
  };

  it("names the hook, its phase and wave, what it called and how it ended", () => {
    expect(hookNote(hook)).toBe('Hook "note wave" (afterWave 2): mcp incidents/add_note SUCCEEDED in 16 ms');
    const { wave: _, ...beforeRecovery } = {
      ...hook,
      phase: "beforeRecovery" as const,
      name: "open incident",
    };
    expect(hookNote(beforeRecovery)).toBe(
      'Hook "open incident" (beforeRecovery): mcp incidents/add_note SUCCEEDED in 16 ms',
    );
  });

  it("says why a hook failed and whether the recovery goes on past it", () => {
    const failed = { ...hook, status: "FAILED" as const, error: "HookTimeoutError: no answer in 30s" };
    expect(hookNote(failed)).toBe(
      'Hook "note wave" (afterWave 2): mcp incidents/add_note FAILED in 16 ms, the recovery goes on: HookTimeoutError: no answer in 30s',
    );
    expect(hookNote({ ...failed, onFailure: "abort" })).toBe(
      'Hook "note wave" (afterWave 2): mcp incidents/add_note FAILED in 16 ms: HookTimeoutError: no answer in 30s',
    );
  });
});
