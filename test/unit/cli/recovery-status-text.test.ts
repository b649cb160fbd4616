import type { RecoveryStatusView, WaveStatusView } from "@drs-orchestrator/engine";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../../../packages/cli/src/command";
import { barLegend, progressBar } from "../../../packages/cli/src/output/progress-bar";
import {
  attemptLines,
  renderRecoveryStatus,
  rtoLine,
  waveLines,
} from "../../../packages/cli/src/output/recovery-status-text";
import { StatusWatch } from "../../../packages/cli/src/output/status-watch";
import {
  fitToWidth,
  terminalStyle,
  visibleText,
  wantsColour,
} from "../../../packages/cli/src/output/terminal-style";

const plain = terminalStyle(false);
const colour = terminalStyle(true);
const ID = "shop-drill-0123456789abcdef";

function wave(
  overrides: Partial<WaveStatusView> & Pick<WaveStatusView, "wave" | "groupIds">,
): WaveStatusView {
  return {
    status: "PENDING",
    attempt: 0,
    servers: 3,
    pending: 3,
    launching: 0,
    launched: 0,
    healthy: 0,
    failed: 0,
    awaitingApproval: false,
    ...overrides,
  };
}

function view(overrides: Partial<RecoveryStatusView> = {}): RecoveryStatusView {
  return {
    executionId: ID,
    executionArn: `arn:aws:states:us-east-1:111122223333:execution:drs-orchestrator-local-recovery:${ID}`,
    attempt: 1,
    planId: "shop",
    planVersion: 2,
    planName: "Three-tier web shop",
    mode: "DRILL",
    status: "RUNNING",
    workflowStatus: "RUNNING",
    requestedBy: "cli:alice",
    reason: "quarterly drill",
    startedAt: "2026-11-21T10:00:00.000Z",
    elapsedSeconds: 750,
    rto: { targetSeconds: 2700, elapsedSeconds: 750, remainingSeconds: 1950, breached: false },
    skipped: [],
    skippedCount: 0,
    counts: { servers: 9, pending: 4, launching: 1, launched: 1, healthy: 3, failed: 0 },
    waves: [
      wave({ wave: 1, groupIds: ["db"], status: "COMPLETED", pending: 0, healthy: 3 }),
      wave({
        wave: 2,
        groupIds: ["app", "cache"],
        status: "LAUNCHING",
        pending: 1,
        launching: 1,
        launched: 1,
      }),
      wave({ wave: 3, groupIds: ["web"] }),
    ],
    pendingApprovals: [],
    ...overrides,
  };
}

describe("progressBar", () => {
  it("fills one segment per state in proportion, done first, pending last, always the full width", () => {
    const counts = { servers: 12, healthy: 6, launched: 2, launching: 1, failed: 1, pending: 2 };
    expect(progressBar(counts, 12, plain)).toBe("██████▓▓▒✗░░");
    expect(progressBar(counts, 24, plain)).toBe("████████████▓▓▓▓▒▒✗✗░░░░");
    // Shares that do not divide the width still add up to it.
    const thirds = { servers: 3, healthy: 1, launched: 1, launching: 0, failed: 0, pending: 1 };
    expect(progressBar(thirds, 10, plain)).toBe("███▓▓▓▓░░░");
    expect([...progressBar({ ...counts, servers: 7, healthy: 7 }, 10, plain)]).toHaveLength(10);
  });

  it("shows a wave without servers as all pending", () => {
    const none = { servers: 0, healthy: 0, launched: 0, launching: 0, failed: 0, pending: 0 };
    expect(progressBar(none, 8, plain)).toBe("░░░░░░░░");
  });

  it("colours each segment by its state on a terminal, and the legend explains glyph and colour", () => {
    const counts = { servers: 2, healthy: 1, launched: 0, launching: 0, failed: 1, pending: 0 };
    expect(progressBar(counts, 4, colour)).toBe("\u001b[32m██\u001b[0m\u001b[31m✗✗\u001b[0m");
    expect(barLegend(plain)).toBe("█ healthy  ▓ launched  ▒ launching  ✗ failed  ░ pending");
    expect(visibleText(barLegend(colour))).toBe(barLegend(plain));
  });
});

describe("waveLines", () => {
  it("lines the waves up: place, groups, bar, healthy of all, failures, status", () => {
    const lines = waveLines(
      [
        wave({ wave: 1, groupIds: ["db"], status: "COMPLETED", pending: 0, healthy: 3 }),
        wave({
          wave: 2,
          groupIds: ["app", "cache"],
          status: "LAUNCHING",
          servers: 12,
          pending: 1,
          healthy: 8,
          launched: 2,
          failed: 1,
        }),
        wave({ wave: 3, groupIds: ["web"], awaitingApproval: true, attempt: 0 }),
      ],
      plain,
      12,
    );
    expect(lines).toEqual([
      "wave 1/3  db          ████████████   3/3 healthy            COMPLETED",
      "wave 2/3  app, cache  ████████▓▓✗░  8/12 healthy  1 failed  LAUNCHING",
      "wave 3/3  web         ░░░░░░░░░░░░   0/3 healthy            AWAITING APPROVAL",
    ]);
  });

  it("names a relaunch round", () => {
    const [line] = waveLines(
      [wave({ wave: 1, groupIds: ["db"], status: "LAUNCHING", attempt: 1 })],
      plain,
      4,
    );
    expect(line).toBe("wave 1/1  db  ░░░░  0/3 healthy  LAUNCHING (retry 1)");
  });
});

describe("rtoLine", () => {
  it("while running: the time so far against the target and what is left, or by how much it is breached", () => {
    expect(rtoLine(view(), plain)).toBe("RTO 12m30s so far of 45m target, 32m30s left");
    const late = view({
      rto: { targetSeconds: 2700, elapsedSeconds: 3000, remainingSeconds: 0, breached: true },
    });
    expect(rtoLine(late, plain)).toBe("RTO 50m so far of 45m target: breached by 5m");
    const noTarget = view({ rto: { elapsedSeconds: 90, breached: false } });
    expect(rtoLine(noTarget, plain)).toBe("RTO 1m30s so far (the plan sets no RTO target)");
  });

  it("once ended: the RTO achieved and whether it met the target, or that none was achieved", () => {
    const met = view({
      status: "SUCCEEDED",
      rto: { targetSeconds: 2700, elapsedSeconds: 1900, achievedSeconds: 1900, breached: false },
    });
    expect(rtoLine(met, plain)).toBe("RTO 31m40s achieved of 45m target: met");
    expect(rtoLine(met, colour)).toBe("RTO 31m40s achieved of 45m target: \u001b[32mmet\u001b[0m");
    const breached = view({
      status: "SUCCEEDED",
      rto: { targetSeconds: 2700, elapsedSeconds: 3000, achievedSeconds: 3000, breached: true },
    });
    expect(rtoLine(breached, plain)).toBe("RTO 50m achieved of 45m target: breached by 5m");
    const failed = view({
      status: "FAILED",
      rto: { targetSeconds: 2700, elapsedSeconds: 600, breached: true },
    });
    expect(rtoLine(failed, plain)).toBe("RTO not achieved: FAILED after 10m of 45m target");
  });
});

describe("attemptLines", () => {
  const first = {
    number: 1,
    executionArn: "arn:aws:states:us-east-1:111122223333:execution:recovery:shop-drill-1",
    startedAt: "2026-11-21T10:00:00.000Z",
    requestedBy: "cli:alice",
    reason: "quarterly drill",
    skipFailed: false,
    firstWave: 1,
    endedAt: "2026-11-21T10:12:00.000Z",
    status: "ABORTED" as const,
  };
  const second = {
    number: 2,
    executionArn: "arn:aws:states:us-east-1:111122223333:execution:recovery:shop-drill-1-r2",
    startedAt: "2026-11-21T10:20:00.000Z",
    requestedBy: "cli:bob",
    reason: "capacity is back",
    skipFailed: true,
    firstWave: 2,
  };

  it("shows each attempt of a resumed execution: who, when, from which wave, how it ended", () => {
    expect(attemptLines({ attempts: [first, second] })).toEqual([
      "Attempt 1 of 2: started 2026-11-21 10:00:00 UTC by cli:alice; ended ABORTED 2026-11-21 10:12:00 UTC",
      "Attempt 2 of 2: resumed 2026-11-21 10:20:00 UTC by cli:bob, skipping failed servers, from wave 2: capacity is back",
    ]);
    const lines = renderRecoveryStatus(view({ attempt: 2, attempts: [first, second] }), {
      style: plain,
      targetFlag: "",
    });
    expect(lines.slice(1, 4)).toEqual([
      "Started 2026-11-21 10:00:00 UTC by cli:alice: quarterly drill",
      ...attemptLines({ attempts: [first, second] }),
    ]);
  });

  it("shows nothing for an execution that was never resumed", () => {
    expect(attemptLines({})).toEqual([]);
    expect(attemptLines({ attempts: [first] })).toEqual([]);
  });
});

describe("renderRecoveryStatus", () => {
  it("shows the outcome first, who and why, the RTO, a bar per wave with a legend", () => {
    expect(renderRecoveryStatus(view(), { style: plain, targetFlag: "--local", barWidth: 6 })).toEqual([
      `RUNNING  Drill ${ID} of plan shop v2 (Three-tier web shop)`,
      "Started 2026-11-21 10:00:00 UTC by cli:alice: quarterly drill",
      "RTO 12m30s so far of 45m target, 32m30s left",
      "",
      "wave 1/3  db          ██████  3/3 healthy  COMPLETED",
      "wave 2/3  app, cache  ▓▓▒▒░░  0/3 healthy  LAUNCHING",
      "wave 3/3  web         ░░░░░░  0/3 healthy  PENDING",
      "█ healthy  ▓ launched  ▒ launching  ✗ failed  ░ pending",
    ]);
  });

  it("gives the command that decides a waiting gate, on the same target", () => {
    const waiting = view({
      waves: [wave({ wave: 1, groupIds: ["web"], awaitingApproval: true })],
      pendingApprovals: [{ wave: 1, approvers: ["ops-lead", "sre"], expiresAt: "2026-11-21T12:00:00Z" }],
    });
    const lines = renderRecoveryStatus(waiting, { style: plain, targetFlag: "--stage prod" });
    expect(lines.slice(-2)).toEqual([
      "",
      `Wave 1 waits for approval (approvers: ops-lead, sre): drs-orchestrator recover approve ${ID} --wave 1 --stage prod (or recover reject to abort)`,
    ]);
    const anyone = view({
      pendingApprovals: [{ wave: 3, approvers: [], expiresAt: "2026-11-21T12:00:00Z" }],
    });
    expect(renderRecoveryStatus(anyone, { style: plain, targetFlag: "" }).at(-1)).toBe(
      `Wave 3 waits for approval (any operator): drs-orchestrator recover approve ${ID} --wave 3 (or recover reject to abort)`,
    );
  });

  it("ends with why it failed, and lists the servers with times from the start when it has them", () => {
    const failed = view({
      status: "FAILED",
      endedAt: "2026-11-21T10:20:00.000Z",
      elapsedSeconds: 1200,
      rto: { targetSeconds: 2700, elapsedSeconds: 1200, breached: true },
      error: "RecoveryAborted",
      cause: "critical group db failed",
      waves: [wave({ wave: 1, groupIds: ["db"], status: "FAILED", pending: 0, healthy: 1, failed: 2 })],
      servers: [
        {
          sourceServerId: "s-2",
          hostname: "db-02",
          wave: 1,
          groupId: "db",
          status: "FAILED",
          attempts: 2,
          failureReason: "LAUNCH_FAILED",
        },
        {
          sourceServerId: "s-1",
          hostname: "db-01",
          wave: 1,
          groupId: "db",
          status: "HEALTHY",
          attempts: 1,
          ec2InstanceId: "i-0abc",
          privateIp: "10.0.0.5",
          launchedAt: "2026-11-21T10:08:00.000Z",
          healthyAt: "2026-11-21T10:12:30.000Z",
          replication: { state: "DISCONNECTED", lagSeconds: 10800 },
          pointInTime: "2026-11-21T07:00:00.000Z",
          dataLossSeconds: 10800,
        },
      ],
    });
    const lines = renderRecoveryStatus(failed, { style: plain, targetFlag: "", barWidth: 3 });
    expect(lines.slice(0, 4)).toEqual([
      `FAILED  Drill ${ID} of plan shop v2 (Three-tier web shop)`,
      "Started 2026-11-21 10:00:00 UTC by cli:alice: quarterly drill",
      "Ended 2026-11-21 10:20:00 UTC after 20m",
      "RTO not achieved: FAILED after 20m of 45m target",
    ]);
    expect(lines).toContain("Error: RecoveryAborted — critical group db failed");
    expect(lines.slice(-3)).toEqual([
      "SOURCE SERVER  HOST   WAVE  GROUP  STATUS   ATTEMPTS  INSTANCE  PRIVATE IP  LAUNCHED  HEALTHY  REPLICATION      DATA LOSS  FAILURE",
      "s-1            db-01     1  db     HEALTHY         1  i-0abc    10.0.0.5         +8m  +12m30s  DISCONNECTED 3h         3h",
      "s-2            db-02     1  db     FAILED          2  -         -                  -        -  -                        -  LAUNCH_FAILED",
    ]);
  });

  it("says what happens while the workflow has not written its waves yet", () => {
    const starting = view({ status: "STARTING", waves: [] });
    expect(renderRecoveryStatus(starting, { style: plain, targetFlag: "" }).at(-1)).toBe(
      "The workflow is preparing the execution: resolving groups and checking readiness",
    );
  });
});

describe("terminal style", () => {
  it("colours only on a terminal and never with NO_COLOR set", () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
  });

  it("cuts a line to the visible width, keeping escape sequences whole and closing a cut colour", () => {
    const line = `ab${colour.failed("cdef")}gh`;
    expect(fitToWidth(line, 8)).toBe(line);
    expect(fitToWidth(line, 4)).toBe("ab\u001b[31mcd\u001b[0m");
    expect(visibleText(fitToWidth(line, 4))).toBe("abcd");
    expect(fitToWidth("plain text", 5)).toBe("plain");
    expect(fitToWidth("█▓▒░ bars", 3)).toBe("█▓▒");
  });
});

function capture(): CommandIo & { written: string[] } {
  const written: string[] = [];
  return { written, out: (text) => written.push(text), err: (text) => written.push(`ERR ${text}`) };
}

describe("StatusWatch", () => {
  it("without a terminal: one stamped line per change, the gate once with its command, the RTO at the end", () => {
    const io = capture();
    const watch = new StatusWatch(io, undefined, { style: plain, targetFlag: "--local" });
    const gated = view({
      waves: [
        wave({ wave: 1, groupIds: ["db"], status: "COMPLETED", pending: 0, healthy: 3 }),
        wave({ wave: 2, groupIds: ["web"], awaitingApproval: true }),
      ],
      pendingApprovals: [{ wave: 2, approvers: [], expiresAt: "2026-11-21T12:00:00Z" }],
    });
    watch.update(gated);
    watch.update({ ...gated, elapsedSeconds: 800 });
    const done = view({
      status: "SUCCEEDED",
      elapsedSeconds: 1500,
      endedAt: "2026-11-21T10:25:00.000Z",
      rto: { targetSeconds: 2700, elapsedSeconds: 1500, achievedSeconds: 1490, breached: false },
      waves: [
        wave({ wave: 1, groupIds: ["db"], status: "COMPLETED", pending: 0, healthy: 3 }),
        wave({ wave: 2, groupIds: ["web"], status: "COMPLETED", pending: 0, healthy: 3 }),
      ],
    });
    watch.update(done);
    watch.update(done);
    expect(io.written).toEqual([
      "[12m30s] wave 1/2 (db) COMPLETED: pending 0, launching 0, launched 0, healthy 3, failed 0",
      "[12m30s] wave 2/2 (web) PENDING: pending 3, launching 0, launched 0, healthy 0, failed 0",
      "[12m30s] execution RUNNING",
      `[12m30s] Wave 2 waits for approval (any operator): drs-orchestrator recover approve ${ID} --wave 2 --local (or recover reject to abort)`,
      "[25m] wave 2/2 (web) COMPLETED: pending 0, launching 0, launched 0, healthy 3, failed 0",
      "[25m] execution SUCCEEDED",
      "RTO 24m50s achieved of 45m target: met",
    ]);
  });

  it("on a terminal: redraws the status screen in place, each line cut to the terminal's width", () => {
    const io = capture();
    const watch = new StatusWatch(io, { columns: 30 }, { style: colour, targetFlag: "--local", barWidth: 4 });
    watch.update(view());
    watch.update(view({ elapsedSeconds: 800 }));
    const [first, second] = io.written as [string, string];
    expect(first.startsWith("\u001b[J")).toBe(true);
    const frame = first.slice("\u001b[J".length).split("\n");
    expect(frame).toHaveLength(8);
    for (const line of frame) expect([...visibleText(line)].length).toBeLessThanOrEqual(30);
    expect(visibleText(frame[0] as string)).toBe(`RUNNING  Drill ${ID}`.slice(0, 30));
    // The second frame starts by moving up over the 8 lines of the first.
    expect(second.startsWith("\u001b[8F\u001b[J")).toBe(true);
  });
});
