import {
  type BatchProgress,
  batchFinishedAtMs,
  pendingServerCount,
  type ServerProgress,
  type ServerProgressStatus,
  waveNeedsWorkflow,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const T0 = Date.parse("2026-11-21T10:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

const ENDED: ServerProgressStatus[] = ["LAUNCHED", "FAILED", "HEALTHY", "UNHEALTHY"];

interface Scenario {
  servers: ServerProgress[];
  batches: BatchProgress[];
  lastLaunchAttemptAt?: string;
}

/**
 * A wave as the engine leaves it: servers split into batches; servers of batches not started are
 * PENDING; servers of started batches are launching or have a result (with its time) from the job.
 */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    batches: fc.array(
      fc.record({
        size: fc.integer({ min: 1, max: 5 }),
        status: fc.constantFrom<BatchProgress["status"]>("PENDING", "STARTING", "STARTED"),
        servers: fc.array(
          fc.record({
            status: fc.constantFrom<ServerProgressStatus>("LAUNCHING", ...ENDED),
            minute: fc.integer({ min: 0, max: 120 }),
          }),
          { minLength: 5, maxLength: 5 },
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    lastRound: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
  })
  .map(({ batches, lastRound }) => {
    const servers: ServerProgress[] = [];
    const out: BatchProgress[] = batches.map((spec, b) => {
      const jobId = spec.status === "STARTED" ? `drsjob-${String(b).padStart(17, "0")}` : undefined;
      const ids: string[] = [];
      for (let i = 0; i < spec.size; i++) {
        const sourceServerId = sid(servers.length);
        ids.push(sourceServerId);
        const drawn = spec.servers[i] as { status: ServerProgressStatus; minute: number };
        if (!jobId) {
          servers.push({ sourceServerId, status: "PENDING" });
        } else if (drawn.status === "LAUNCHING") {
          servers.push({ sourceServerId, status: "LAUNCHING", jobId });
        } else {
          const time =
            drawn.status === "FAILED" ? { failedAt: at(drawn.minute) } : { launchedAt: at(drawn.minute) };
          servers.push({ sourceServerId, status: drawn.status, jobId, ...time });
        }
      }
      return { batchId: `w1-b${b + 1}`, status: spec.status, sourceServerIds: ids, ...(jobId && { jobId }) };
    });
    return { servers, batches: out, ...(lastRound !== undefined && { lastLaunchAttemptAt: at(lastRound) }) };
  });

/** An independent statement of the rule, to compare the decision with. */
function oracle({ servers, batches, lastLaunchAttemptAt }: Scenario): boolean {
  const pending = servers.filter((s) => s.status === "PENDING" || s.status === "LAUNCHING");
  if (pending.length === 0) return true;
  if (!batches.some((b) => b.status === "PENDING" || b.status === "STARTING")) return false;
  return batches.some((b) => {
    if (b.status !== "STARTED") return false;
    const members = servers.filter((s) => b.sourceServerIds.includes(s.sourceServerId));
    if (members.some((s) => s.status === "LAUNCHING" || s.jobId !== b.jobId)) return false;
    const last = Math.max(...members.map((s) => Date.parse((s.launchedAt ?? s.failedAt) as string)));
    return lastLaunchAttemptAt === undefined || last > Date.parse(lastLaunchAttemptAt);
  });
}

describe("wave progress", () => {
  it("counts servers without a launch result as pending", () => {
    fc.assert(
      fc.property(scenario, ({ servers }) => {
        expect(pendingServerCount(servers)).toBe(
          servers.filter((s) => s.status === "PENDING" || s.status === "LAUNCHING").length,
        );
      }),
    );
  });

  it("wakes the workflow exactly when the rule says so", () => {
    fc.assert(
      fc.property(scenario, (wave) => {
        const decision = waveNeedsWorkflow(wave);
        expect(decision.wake).toBe(oracle(wave));
        expect(decision.reason.length).toBeGreaterThan(0);
        if (pendingServerCount(wave.servers) === 0) expect(decision.wake).toBe(true);
      }),
    );
  });

  it("never wakes for batches that only wait for capacity when nothing of the wave finished since the last round", () => {
    fc.assert(
      fc.property(scenario, (wave) => {
        const afterEverything = { ...wave, lastLaunchAttemptAt: at(121) };
        if (pendingServerCount(wave.servers) > 0) expect(waveNeedsWorkflow(afterEverything).wake).toBe(false);
      }),
    );
  });

  it("a wake for a later launch round implies a wake for any earlier one", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        (wave, a, b) => {
          const [earlier, later] = a <= b ? [a, b] : [b, a];
          if (waveNeedsWorkflow({ ...wave, lastLaunchAttemptAt: at(later) }).wake) {
            expect(waveNeedsWorkflow({ ...wave, lastLaunchAttemptAt: at(earlier) }).wake).toBe(true);
          }
        },
      ),
    );
  });

  it("does not depend on the order the items were read in", () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), (wave, flip) => {
        const reordered = {
          ...wave,
          servers: flip ? [...wave.servers].reverse() : wave.servers,
          batches: [...wave.batches].reverse(),
        };
        expect(waveNeedsWorkflow(reordered).wake).toBe(waveNeedsWorkflow(wave).wake);
      }),
    );
  });

  it("wakes when a batch frees its capacity after the last round, not when it had done so before", () => {
    const servers: ServerProgress[] = [
      { sourceServerId: sid(1), status: "LAUNCHED", jobId: "j1", launchedAt: at(10) },
      { sourceServerId: sid(2), status: "FAILED", jobId: "j1", failedAt: at(12) },
      { sourceServerId: sid(3), status: "PENDING" },
    ];
    const batches: BatchProgress[] = [
      { batchId: "w1-b1", status: "STARTED", jobId: "j1", sourceServerIds: [sid(1), sid(2)] },
      { batchId: "w1-b2", status: "PENDING", sourceServerIds: [sid(3)] },
    ];
    expect(waveNeedsWorkflow({ servers, batches, lastLaunchAttemptAt: at(5) })).toMatchObject({ wake: true });
    expect(waveNeedsWorkflow({ servers, batches, lastLaunchAttemptAt: at(12) })).toMatchObject({
      wake: false,
    });
    expect(
      batchFinishedAtMs(batches[0] as BatchProgress, new Map(servers.map((s) => [s.sourceServerId, s]))),
    ).toBe(Date.parse(at(12)));
  });

  it("keeps waiting while a started batch still launches, and wakes once every server has a result", () => {
    const batches: BatchProgress[] = [
      { batchId: "w1-b1", status: "STARTED", jobId: "j1", sourceServerIds: [sid(1), sid(2)] },
    ];
    const launching: ServerProgress[] = [
      { sourceServerId: sid(1), status: "LAUNCHED", jobId: "j1", launchedAt: at(3) },
      { sourceServerId: sid(2), status: "LAUNCHING", jobId: "j1" },
    ];
    expect(waveNeedsWorkflow({ servers: launching, batches })).toEqual({
      wake: false,
      reason: "1 server(s) still launching",
    });
    const done = [
      launching[0] as ServerProgress,
      { ...(launching[1] as ServerProgress), status: "FAILED" as const },
    ];
    expect(waveNeedsWorkflow({ servers: done, batches }).wake).toBe(true);
  });
});
