import {
  batchWave,
  DEFAULT_LAUNCH_QUOTAS,
  DuplicateSourceServerError,
  InvalidQuotaError,
  type LaunchQuotas,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const servers = (count: number) => Array.from({ length: count }, (_, i) => sid(i));
const sizes = (batches: { sourceServerIds: string[] }[]) => batches.map((b) => b.sourceServerIds.length);

describe("DEFAULT_LAUNCH_QUOTAS", () => {
  it("holds the DRS user guide figures", () => {
    expect(DEFAULT_LAUNCH_QUOTAS).toEqual({
      maxServersPerJob: 100,
      maxConcurrentJobs: 20,
      maxServersInActiveJobs: 500,
    });
  });
});

describe("batchWave", () => {
  it("balances 250 servers into 84/83/83 rather than 100/100/50", () => {
    const batches = batchWave(1, servers(250));
    expect(sizes(batches)).toEqual([84, 83, 83]);
    expect(batches.map((b) => b.id)).toEqual(["w1-b1", "w1-b2", "w1-b3"]);
    expect(batches.every((b) => b.waveIndex === 1)).toBe(true);
  });

  it("keeps servers in order, each in exactly one batch", () => {
    const ids = servers(205);
    const batches = batchWave(3, ids);
    expect(sizes(batches)).toEqual([69, 68, 68]);
    expect(batches.flatMap((b) => b.sourceServerIds)).toEqual(ids);
    expect(batches[0]?.id).toBe("w3-b1");
  });

  it("uses one batch when the wave fits in a job, and none for an empty wave", () => {
    expect(sizes(batchWave(2, servers(100)))).toEqual([100]);
    expect(sizes(batchWave(2, servers(101)))).toEqual([51, 50]);
    expect(batchWave(2, [])).toEqual([]);
  });

  it("never makes a job larger than the servers allowed in all active jobs", () => {
    const quotas = { maxServersPerJob: 100, maxConcurrentJobs: 20, maxServersInActiveJobs: 30 };
    expect(sizes(batchWave(1, servers(70), quotas))).toEqual([24, 23, 23]);
  });

  it.each([
    ["maxServersPerJob", 0],
    ["maxConcurrentJobs", -1],
    ["maxServersInActiveJobs", 2.5],
    ["maxServersPerJob", Number.NaN],
    ["maxConcurrentJobs", Number.POSITIVE_INFINITY],
  ] as const)("rejects %s = %s with InvalidQuotaError naming the quota", (quota, value) => {
    const quotas: LaunchQuotas = { ...DEFAULT_LAUNCH_QUOTAS, [quota]: value };
    expect(() => batchWave(1, servers(3), quotas)).toThrow(InvalidQuotaError);
    expect(() => batchWave(1, servers(3), quotas)).toThrow(
      `launch quota ${quota} must be a positive integer`,
    );
  });

  it("rejects a server listed twice", () => {
    expect(() => batchWave(4, [sid(1), sid(2), sid(1)])).toThrow(DuplicateSourceServerError);
    expect(() => batchWave(4, [sid(1), sid(2), sid(1)])).toThrow(`${sid(1)} is listed twice in wave 4`);
  });

  it("puts every server in exactly one batch, in as few balanced batches as the quotas allow", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1200 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 9 }),
        (count, maxServersPerJob, maxConcurrentJobs, maxServersInActiveJobs, wave) => {
          const quotas = { maxServersPerJob, maxConcurrentJobs, maxServersInActiveJobs };
          const ids = servers(count);
          const batches = batchWave(wave, ids, quotas);
          const limit = Math.min(maxServersPerJob, maxServersInActiveJobs);
          expect(batches.flatMap((b) => b.sourceServerIds)).toEqual(ids);
          expect(batches).toHaveLength(Math.ceil(count / limit));
          for (const size of sizes(batches)) {
            expect(size).toBeGreaterThan(0);
            expect(size).toBeLessThanOrEqual(limit);
          }
          if (batches.length > 0)
            expect(Math.max(...sizes(batches)) - Math.min(...sizes(batches))).toBeLessThanOrEqual(1);
          expect(batches.map((b) => b.id)).toEqual(batches.map((_, i) => `w${wave}-b${i + 1}`));
          expect(batchWave(wave, ids, quotas)).toEqual(batches);
        },
      ),
    );
  });
});
