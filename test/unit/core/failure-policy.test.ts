import {
  decideFailurePolicy,
  formatDuration,
  judgeInstanceHealth,
  type PolicyServer,
  type ServerRecordStatus,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

function server(n: number, status: ServerRecordStatus, extra: Partial<PolicyServer> = {}): PolicyServer {
  return { sourceServerId: sid(n), groupId: "app", critical: false, status, ...extra };
}

const terminalStatus = fc.constantFrom<ServerRecordStatus>("HEALTHY", "FAILED", "UNHEALTHY");
const waveServers = fc
  .array(
    fc.record({ status: terminalStatus, critical: fc.boolean(), group: fc.constantFrom("db", "app", "web") }),
    {
      minLength: 1,
      maxLength: 60,
    },
  )
  .map((rows) =>
    rows.map((row, i) =>
      server(i, row.status, {
        groupId: row.group,
        // Criticality belongs to the group, as in a plan.
        critical: row.group === "db" ? row.critical : false,
        failureReason: row.status === "FAILED" ? "launch failed: InsufficientInstanceCapacity" : undefined,
      }),
    ),
  );
const policy = fc.record({
  retries: fc.integer({ min: 0, max: 5 }),
  maxFailedPercent: fc.integer({ min: 0, max: 100 }),
});

describe("decideFailurePolicy", () => {
  it("continues when no server failed, whatever the policy", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        policy,
        fc.integer({ min: 0, max: 5 }),
        (count, settings, attempt) => {
          const servers = Array.from({ length: count }, (_, i) => server(i, "HEALTHY"));
          const decision = decideFailurePolicy({ wave: 2, attempt, servers, policy: settings });
          expect(decision.action).toBe("CONTINUE");
          expect(decision.failedServerIds).toEqual([]);
          expect(decision.reason).toBe(`wave 2: all ${count} server${count === 1 ? "" : "s"} recovered`);
        },
      ),
    );
  });

  it("retries exactly the failed servers while the wave has retries left", () => {
    fc.assert(
      fc.property(waveServers, policy, fc.integer({ min: 0, max: 5 }), (servers, settings, attempt) => {
        const failed = servers.filter((s) => s.status !== "HEALTHY").map((s) => s.sourceServerId);
        fc.pre(failed.length > 0 && attempt < settings.retries);
        const decision = decideFailurePolicy({ wave: 1, attempt, servers, policy: settings });
        expect(decision.action).toBe("RETRY");
        expect(decision.failedServerIds).toEqual(failed);
        expect(decision.reason).toContain(`retry ${attempt + 1} of ${settings.retries}`);
      }),
    );
  });

  it("once retries are spent: aborts on a critical failure, else compares the failed share with the limit", () => {
    fc.assert(
      fc.property(waveServers, policy, (servers, settings) => {
        const attempt = settings.retries;
        const failed = servers.filter((s) => s.status !== "HEALTHY");
        const decision = decideFailurePolicy({ wave: 3, attempt, servers, policy: settings });
        expect(decision.failedServerIds).toEqual(failed.map((s) => s.sourceServerId));
        if (failed.length === 0) expect(decision.action).toBe("CONTINUE");
        else if (failed.some((s) => s.critical)) {
          expect(decision.action).toBe("ABORT");
          expect(decision.reason).toMatch(/in critical group db failed/);
        } else {
          const share = (failed.length / servers.length) * 100;
          expect(decision.action).toBe(share > settings.maxFailedPercent + 1e-9 ? "ABORT" : "CONTINUE");
          expect(decision.reason).toContain(`${failed.length} of ${servers.length} server`);
        }
      }),
    );
  });

  it("allows exactly maxFailedPercent and aborts one server above it", () => {
    const wave = (failedCount: number) =>
      Array.from({ length: 20 }, (_, i) => server(i, i < failedCount ? "FAILED" : "HEALTHY"));
    const settings = { retries: 0, maxFailedPercent: 10 };
    const atLimit = decideFailurePolicy({ wave: 1, attempt: 0, servers: wave(2), policy: settings });
    expect(atLimit.action).toBe("CONTINUE");
    expect(atLimit.reason).toMatch(
      /^2 of 20 servers of wave 1 failed \(10%\), within the 10% failure\.maxFailedPercent/,
    );
    const above = decideFailurePolicy({ wave: 1, attempt: 0, servers: wave(3), policy: settings });
    expect(above.action).toBe("ABORT");
    expect(above.reason).toMatch(/^3 of 20 servers of wave 1 failed \(15%\), more than the 10%/);
  });

  it("holds the boundary for shares that are not exact in floating point", () => {
    // 1 of 3 is 33.33…%: a limit of 33 aborts, 34 continues.
    const servers = [server(0, "UNHEALTHY"), server(1, "HEALTHY"), server(2, "HEALTHY")];
    expect(
      decideFailurePolicy({ wave: 1, attempt: 0, servers, policy: { retries: 0, maxFailedPercent: 33 } })
        .action,
    ).toBe("ABORT");
    expect(
      decideFailurePolicy({ wave: 1, attempt: 0, servers, policy: { retries: 0, maxFailedPercent: 34 } })
        .action,
    ).toBe("CONTINUE");
  });

  it("names the critical group, the figures and each failed server with its reason", () => {
    const servers = [
      server(1, "FAILED", {
        groupId: "db",
        critical: true,
        failureReason: "launch failed: InsufficientInstanceCapacity",
      }),
      server(2, "UNHEALTHY", {
        groupId: "db",
        critical: true,
        failureReason: "status checks not passed within 15m",
      }),
      server(3, "HEALTHY", { groupId: "db", critical: true }),
      server(4, "FAILED", { groupId: "app" }),
    ];
    const decision = decideFailurePolicy({
      wave: 1,
      attempt: 1,
      servers,
      policy: { retries: 1, maxFailedPercent: 100 },
    });
    expect(decision.action).toBe("ABORT");
    expect(decision.reason).toBe(
      `2 of 3 servers in critical group db failed after 1 retry: ${sid(1)} (launch failed: InsufficientInstanceCapacity), ${sid(2)} (status checks not passed within 15m)`,
    );
  });

  it("keeps the reason short for a large wave: five servers named, the rest counted", () => {
    const servers = Array.from({ length: 500 }, (_, i) =>
      server(i, "FAILED", { failureReason: `launch failed: ${"x".repeat(400)}` }),
    );
    const decision = decideFailurePolicy({
      wave: 4,
      attempt: 0,
      servers,
      policy: { retries: 0, maxFailedPercent: 0 },
    });
    expect(decision.reason).toMatch(/and 495 more$/);
    expect(decision.reason.length).toBeLessThan(1200);
    expect(decision.failedServerIds).toHaveLength(500);
  });
});

describe("decideFailurePolicy after a resume that skips failed servers", () => {
  it("continues with the failed servers left failed, whatever the retries, the limit or a critical group", () => {
    fc.assert(
      fc.property(waveServers, policy, fc.integer({ min: 0, max: 5 }), (servers, settings, attempt) => {
        const decision = decideFailurePolicy({
          wave: 2,
          attempt,
          servers,
          policy: settings,
          acceptFailed: true,
        });
        const failed = servers.filter((s) => s.status !== "HEALTHY").map((s) => s.sourceServerId);
        expect(decision.action).toBe("CONTINUE");
        expect(decision.failedServerIds).toEqual(failed);
        if (failed.length > 0) {
          expect(decision.reason).toMatch(/accepted them as failed \(skip failed\)/);
          expect(decision.reason).toContain(failed[0]);
        }
      }),
    );
  });

  it("decides as without it when nothing is accepted", () => {
    fc.assert(
      fc.property(waveServers, policy, fc.integer({ min: 0, max: 5 }), (servers, settings, attempt) => {
        const input = { wave: 2, attempt, servers, policy: settings };
        expect(decideFailurePolicy({ ...input, acceptFailed: false })).toEqual(decideFailurePolicy(input));
      }),
    );
  });
});

describe("judgeInstanceHealth", () => {
  const launchedAt = "2026-11-21T10:00:00.000Z";
  const at = (seconds: number) => new Date(Date.parse(launchedAt) + seconds * 1000).toISOString();
  const running = (systemStatus: string, instanceStatus: string) => ({
    instanceId: "i-0123456789abcdef0",
    state: "running",
    systemStatus,
    instanceStatus,
  });

  it("is healthy when both checks are ok and unhealthy when either is impaired, at any time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7200 }),
        fc.integer({ min: 60, max: 3600 }),
        (elapsed, timeout) => {
          const judge = (observation: ReturnType<typeof running>) =>
            judgeInstanceHealth({ observation, launchedAt, now: at(elapsed), timeoutSeconds: timeout });
          expect(judge(running("ok", "ok"))).toEqual({ verdict: "HEALTHY", checked: true });
          expect(judge(running("impaired", "ok"))).toMatchObject({
            verdict: "UNHEALTHY",
            reason: "instance i-0123456789abcdef0 system status check impaired",
          });
          expect(judge(running("ok", "impaired"))).toMatchObject({ verdict: "UNHEALTHY" });
        },
      ),
    );
  });

  it("waits for undecided checks until the timeout, then is unhealthy from then on", () => {
    const states = fc.constantFrom(
      undefined,
      { instanceId: "i-0123456789abcdef0", state: "pending" },
      running("initializing", "initializing"),
      running("ok", "insufficient-data"),
    );
    fc.assert(
      fc.property(
        states,
        fc.integer({ min: 0, max: 7200 }),
        fc.integer({ min: 60, max: 3600 }),
        (obs, elapsed, timeout) => {
          const verdict = judgeInstanceHealth({
            ...(obs && { observation: obs }),
            launchedAt,
            now: at(elapsed),
            timeoutSeconds: timeout,
          });
          if (elapsed < timeout) expect(verdict.verdict).toBe("PENDING");
          else {
            expect(verdict.verdict).toBe("UNHEALTHY");
            expect(verdict).toMatchObject({
              reason: expect.stringMatching(
                new RegExp(`^status checks not passed within ${formatDuration(timeout)} \\(`),
              ),
            });
          }
        },
      ),
    );
  });

  it("counts a stopped instance as launched unless the plan launches it STARTED", () => {
    const stopped = { instanceId: "i-0123456789abcdef0", state: "stopped" };
    const judge = (launchDisposition?: "STARTED" | "STOPPED") =>
      judgeInstanceHealth({
        observation: stopped,
        launchedAt,
        now: at(5),
        timeoutSeconds: 900,
        launchDisposition,
      });
    expect(judge("STOPPED")).toEqual({ verdict: "HEALTHY", checked: false });
    expect(judge(undefined)).toEqual({ verdict: "HEALTHY", checked: false });
    expect(judge("STARTED")).toEqual({
      verdict: "UNHEALTHY",
      reason: "instance i-0123456789abcdef0 is stopped but the plan launches it STARTED",
    });
  });

  it("reports a terminated instance, and the impairment details with their start", () => {
    expect(
      judgeInstanceHealth({
        observation: { instanceId: "i-0123456789abcdef0", state: "terminated" },
        launchedAt,
        now: at(10),
        timeoutSeconds: 900,
      }),
    ).toEqual({ verdict: "UNHEALTHY", reason: "instance i-0123456789abcdef0 is terminated" });
    expect(
      judgeInstanceHealth({
        observation: {
          ...running("ok", "impaired"),
          impairments: ["instance reachability failed"],
          impairedSince: at(120),
        },
        launchedAt,
        now: at(200),
        timeoutSeconds: 900,
      }),
    ).toEqual({
      verdict: "UNHEALTHY",
      reason: "instance i-0123456789abcdef0 instance status check impaired: instance reachability failed",
      since: at(120),
    });
  });
});
