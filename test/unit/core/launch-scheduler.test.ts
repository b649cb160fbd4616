import {
  type ActiveJob,
  batchWave,
  DEFAULT_LAUNCH_QUOTAS,
  InvalidBatchError,
  InvalidQuotaError,
  type LaunchBatch,
  type LaunchQuotas,
  schedulableBatches,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => sid(from + i));
const batch = (id: string, sourceServerIds: string[]): LaunchBatch => ({ id, waveIndex: 1, sourceServerIds });
const ids = (batches: readonly LaunchBatch[]) => batches.map((b) => b.id);

/** Everything a scheduling decision must keep, checked against the jobs in progress after it. */
function expectWithinQuotas(jobs: readonly ActiveJob[], quotas: LaunchQuotas): void {
  expect(jobs.length).toBeLessThanOrEqual(quotas.maxConcurrentJobs);
  const servers = jobs.flatMap((job) => job.sourceServerIds);
  expect(servers.length).toBeLessThanOrEqual(quotas.maxServersInActiveJobs);
  expect(new Set(servers).size).toBe(servers.length);
  for (const job of jobs) expect(job.sourceServerIds.length).toBeLessThanOrEqual(quotas.maxServersPerJob);
}

function expectInOrderSubset(chosen: readonly LaunchBatch[], pending: readonly LaunchBatch[]): void {
  const positions = chosen.map((b) => pending.indexOf(b));
  expect(positions.every((p) => p >= 0)).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect(new Set(positions).size).toBe(positions.length);
}

describe("schedulableBatches", () => {
  it("starts batches in order up to the concurrent job quota", () => {
    const pending = Array.from({ length: 25 }, (_, i) => batch(`w1-b${i + 1}`, range(i * 10, 10)));
    expect(ids(schedulableBatches(pending, []))).toEqual(ids(pending.slice(0, 20)));
  });

  it("starts nothing while the concurrent job quota is used up", () => {
    const active = Array.from({ length: 20 }, (_, i) => ({
      jobId: `drsjob-${i}`,
      sourceServerIds: [sid(1000 + i)],
    }));
    expect(schedulableBatches([batch("w1-b1", [sid(1)])], active)).toEqual([]);
  });

  it("holds back every batch behind one that does not fit the servers left, so it is not starved", () => {
    const active = [{ jobId: "drsjob-a", sourceServerIds: range(1000, 450) }];
    const pending = [batch("w1-b1", range(0, 100)), batch("w1-b2", range(100, 40))];
    expect(schedulableBatches(pending, active)).toEqual([]);
    expect(
      ids(schedulableBatches(pending, [{ jobId: "drsjob-a", sourceServerIds: range(1000, 400) }])),
    ).toEqual(["w1-b1"]);
  });

  it("lets batches behind one whose server is still in a job in progress start", () => {
    const active = [{ jobId: "drsjob-a", sourceServerIds: [sid(1), sid(2)] }];
    const pending = [batch("w2-b1", [sid(2), sid(3)]), batch("w2-b2", [sid(4)]), batch("w2-b3", [sid(5)])];
    expect(ids(schedulableBatches(pending, active))).toEqual(["w2-b2", "w2-b3"]);
  });

  it("never starts two batches sharing a server together", () => {
    const pending = [
      batch("w1-b1", [sid(1), sid(2)]),
      batch("w2-b1", [sid(2), sid(3)]),
      batch("w2-b2", [sid(4)]),
    ];
    expect(ids(schedulableBatches(pending, []))).toEqual(["w1-b1", "w2-b2"]);
  });

  it("fills the servers quota exactly", () => {
    const quotas = { maxServersPerJob: 10, maxConcurrentJobs: 20, maxServersInActiveJobs: 25 };
    const pending = [
      batch("a", range(0, 10)),
      batch("b", range(10, 10)),
      batch("c", range(20, 5)),
      batch("d", [sid(99)]),
    ];
    expect(ids(schedulableBatches(pending, [], quotas))).toEqual(["a", "b", "c"]);
  });

  it("rejects batches that could never start", () => {
    expect(() => schedulableBatches([batch("w1-b1", [])], [])).toThrow(InvalidBatchError);
    expect(() => schedulableBatches([batch("w1-b1", range(0, 101))], [])).toThrow(
      "launch batch w1-b1 can never start: it has 101 servers and a job may take at most 100",
    );
    expect(() => schedulableBatches([batch("w1-b1", [sid(1), sid(1)])], [])).toThrow("lists a server twice");
    const quotas = { maxServersPerJob: 100, maxConcurrentJobs: 5, maxServersInActiveJobs: 10 };
    expect(() => schedulableBatches([batch("w1-b1", range(0, 11))], [], quotas)).toThrow(InvalidBatchError);
  });

  it("rejects invalid quotas", () => {
    expect(() => schedulableBatches([], [], { ...DEFAULT_LAUNCH_QUOTAS, maxConcurrentJobs: 0 })).toThrow(
      InvalidQuotaError,
    );
  });

  const quotasArb = fc.record({
    maxServersPerJob: fc.integer({ min: 1, max: 20 }),
    maxConcurrentJobs: fc.integer({ min: 1, max: 6 }),
    maxServersInActiveJobs: fc.integer({ min: 1, max: 45 }),
  });
  /** Waves over a small server pool, so the same server comes back in later waves as in relaunches. */
  const wavesArb = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 50 }), {
    minLength: 1,
    maxLength: 5,
  });
  const toBatches = (waves: number[][], quotas: LaunchQuotas) =>
    waves.flatMap((servers, w) => batchWave(w + 1, servers.map(sid), quotas));

  it("never exceeds a quota nor puts a server in two active jobs, whatever is in progress", () => {
    fc.assert(
      fc.property(
        quotasArb,
        wavesArb,
        fc.array(fc.nat(), { maxLength: 30 }),
        (quotas, waves, activePicks) => {
          const pending = toBatches(waves, quotas);
          // Jobs in progress: a quota-respecting prefix of the batches picked at random.
          const active: ActiveJob[] = [];
          for (const pick of activePicks) {
            const candidate = pending[pick % Math.max(1, pending.length)];
            if (!candidate) break;
            const next = [
              ...active,
              { jobId: `job-${active.length}`, sourceServerIds: candidate.sourceServerIds },
            ];
            const servers = next.flatMap((job) => job.sourceServerIds);
            if (
              next.length > quotas.maxConcurrentJobs ||
              servers.length > quotas.maxServersInActiveJobs ||
              new Set(servers).size !== servers.length
            ) {
              continue;
            }
            active.push(next[next.length - 1] as ActiveJob);
          }
          const started = schedulableBatches(pending, active, quotas);
          expectInOrderSubset(started, pending);
          expectWithinQuotas(
            [...active, ...started.map((b) => ({ jobId: b.id, sourceServerIds: b.sourceServerIds }))],
            quotas,
          );
          expect(schedulableBatches(pending, active, quotas)).toEqual(started);
        },
      ),
    );
  });

  it("launches every batch exactly once when run to completion, jobs finishing in random order", () => {
    fc.assert(
      fc.property(
        quotasArb,
        wavesArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (quotas, waves, finishPicks) => {
          const batches = toBatches(waves, quotas);
          let pending = [...batches];
          let active: ActiveJob[] = [];
          const launched: string[] = [];
          for (let step = 0; pending.length > 0 || active.length > 0; step++) {
            expect(step).toBeLessThan(10_000);
            const started = schedulableBatches(pending, active, quotas);
            expectInOrderSubset(started, pending);
            active = [
              ...active,
              ...started.map((b) => ({ jobId: b.id, sourceServerIds: b.sourceServerIds })),
            ];
            expectWithinQuotas(active, quotas);
            launched.push(...ids(started));
            pending = pending.filter((b) => !started.includes(b));
            // No deadlock: while batches wait, at least one job must be in progress to make room.
            if (pending.length > 0) expect(active.length).toBeGreaterThan(0);
            if (active.length === 0) break;
            // Finish one or more jobs in progress, chosen at random.
            const pick = finishPicks[step % finishPicks.length] as number;
            const finishing = 1 + (pick % active.length);
            const first = (pick * 7) % active.length;
            const done = new Set(
              Array.from({ length: finishing }, (_, k) => active[(first + k) % active.length]?.jobId),
            );
            active = active.filter((job) => !done.has(job.jobId));
          }
          expect(pending).toEqual([]);
          expect([...launched].sort()).toEqual(ids(batches).sort());
          expect(new Set(launched).size).toBe(batches.length);
        },
      ),
    );
  });
});
