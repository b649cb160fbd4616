import {
  type ExecutionRecord,
  type RecoveryStatus,
  recoveryMetrics,
  type ServerRecord,
  type ServerRecordStatus,
  summarizeRecovery,
  type WaveRecord,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const START = Date.parse("2026-11-21T10:00:00.000Z");
const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

const execution: ExecutionRecord = {
  executionId: "payments-drill-1",
  planId: "payments",
  planVersion: 3,
  planName: "Payments platform",
  mode: "DRILL",
  startedAt: at(0),
  rtoSeconds: 2700,
  skipped: [{ sourceServerId: sid(99), reason: "replication lag 20m exceeds the plan rpo 5m" }],
};

function server(
  n: number,
  wave: number,
  status: ServerRecordStatus,
  extra: Partial<ServerRecord> = {},
): ServerRecord {
  return {
    sourceServerId: sid(n),
    wave,
    groupId: `g${wave}`,
    critical: false,
    status,
    attempts: 1,
    ...extra,
  };
}

/** Two waves of a drill that succeeded: wave 2 relaunched one server once. */
function drill() {
  const waves: WaveRecord[] = [
    {
      wave: 1,
      groupIds: ["db"],
      status: "COMPLETED",
      attempt: 0,
      startedAt: at(30),
      healthCheckedAt: at(900),
      completedAt: at(905),
    },
    {
      wave: 2,
      groupIds: ["app", "web"],
      status: "FAILED",
      attempt: 1,
      startedAt: at(910),
      healthCheckedAt: at(2400),
      completedAt: at(2410),
    },
  ];
  const servers: ServerRecord[] = [
    server(2, 1, "HEALTHY", {
      launchStartedAt: at(40),
      launchedAt: at(600),
      healthyAt: at(900),
      ec2InstanceId: "i-00000000000000002",
      privateIp: "10.0.1.2",
      instanceType: "r6i.xlarge",
    }),
    server(1, 1, "HEALTHY", { launchStartedAt: at(40), launchedAt: at(500), healthyAt: at(800) }),
    server(3, 2, "HEALTHY", { launchStartedAt: at(920), launchedAt: at(1500), healthyAt: at(1700) }),
    server(4, 2, "FAILED", {
      attempts: 2,
      launchStartedAt: at(1720),
      failedAt: at(2300),
      failureReason: "launch failed: InsufficientInstanceCapacity",
      attemptHistory: [
        {
          attempt: 0,
          status: "UNHEALTHY",
          launchStartedAt: at(920),
          failedAt: at(1710),
          failureReason: "status checks not passed within 15m",
        },
      ],
    }),
  ];
  return { waves, servers };
}

describe("summarizeRecovery", () => {
  it("builds per-server timelines, per-wave durations, RTO against the target and counts", () => {
    const { waves, servers } = drill();
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "SUCCEEDED", endedAt: at(2420) },
      waves,
      servers,
    });
    expect(summary).toMatchObject({
      executionId: "payments-drill-1",
      planId: "payments",
      mode: "DRILL",
      status: "SUCCEEDED",
      startedAt: at(0),
      endedAt: at(2420),
      durationSeconds: 2420,
      rto: { targetSeconds: 2700, achievedSeconds: 2400, recoveredAt: at(2400), breached: false },
      counts: { servers: 4, launched: 3, healthy: 3, failed: 1, notLaunched: 0, skipped: 1, relaunched: 1 },
    });
    expect(summary.waves).toEqual([
      {
        wave: 1,
        groupIds: ["db"],
        status: "COMPLETED",
        rounds: 1,
        servers: 2,
        healthy: 2,
        failed: 0,
        startedAt: at(30),
        launchedAt: at(600),
        healthyAt: at(900),
        completedAt: at(905),
        launchSeconds: 570,
        healthSeconds: 300,
        durationSeconds: 870,
      },
      expect.objectContaining({
        wave: 2,
        rounds: 2,
        servers: 2,
        healthy: 1,
        failed: 1,
        launchedAt: at(1500),
        durationSeconds: 1490,
      }),
    ]);
    expect(summary.servers.map((s) => s.sourceServerId)).toEqual([sid(1), sid(2), sid(3), sid(4)]);
    expect(summary.servers[1]).toEqual({
      sourceServerId: sid(2),
      wave: 1,
      groupId: "g1",
      critical: false,
      status: "HEALTHY",
      attempts: 1,
      launchStartedAt: at(40),
      launchedAt: at(600),
      healthyAt: at(900),
      ec2InstanceId: "i-00000000000000002",
      privateIp: "10.0.1.2",
      instanceType: "r6i.xlarge",
      previousAttempts: [],
    });
    expect(summary.servers[3]).toMatchObject({
      status: "FAILED",
      attempts: 2,
      failedAt: at(2300),
      failureReason: "launch failed: InsufficientInstanceCapacity",
      previousAttempts: [
        { attempt: 0, status: "UNHEALTHY", failureReason: "status checks not passed within 15m" },
      ],
    });
    expect(summary.skipped).toEqual(execution.skipped);
  });

  it("flags an RTO breach when the last wave came up after the target", () => {
    const { waves, servers } = drill();
    const summary = summarizeRecovery({
      execution: { ...execution, rtoSeconds: 2399 },
      outcome: { status: "SUCCEEDED", endedAt: at(2420) },
      waves,
      servers,
    });
    expect(summary.rto).toMatchObject({ targetSeconds: 2399, achievedSeconds: 2400, breached: true });
  });

  it("achieves no RTO for an aborted or failed recovery, and reports what ended it", () => {
    const { waves, servers } = drill();
    const aborted = summarizeRecovery({
      execution,
      outcome: {
        status: "ABORTED",
        endedAt: at(1000),
        reason: "2 of 2 servers in critical group db failed",
        error: "RecoveryAborted",
      },
      waves,
      servers,
    });
    expect(aborted.rto).toEqual({ targetSeconds: 2700, breached: true });
    expect(aborted).toMatchObject({
      reason: "2 of 2 servers in critical group db failed",
      error: "RecoveryAborted",
    });
  });

  it("summarises an execution that ended before any wave", () => {
    const summary = summarizeRecovery({
      execution: { ...execution, skipped: [] },
      outcome: {
        status: "FAILED",
        endedAt: at(12),
        error: "ServerConflictError",
        cause: "already being recovered",
      },
      waves: [],
      servers: [],
    });
    expect(summary).toMatchObject({
      status: "FAILED",
      durationSeconds: 12,
      rto: { targetSeconds: 2700, breached: true },
      counts: { servers: 0, launched: 0, healthy: 0, failed: 0, notLaunched: 0, skipped: 0, relaunched: 0 },
      waves: [],
      servers: [],
    });
  });

  const statuses = fc.constantFrom<ServerRecordStatus>(
    "PENDING",
    "LAUNCHING",
    "LAUNCHED",
    "FAILED",
    "HEALTHY",
    "UNHEALTHY",
  );
  const outcomes = fc.constantFrom<RecoveryStatus>("SUCCEEDED", "ABORTED", "FAILED");

  it("accounts for every server exactly once and breaches the RTO exactly when it was not met", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            wave: fc.integer({ min: 1, max: 4 }),
            status: statuses,
            launched: fc.integer({ min: 60, max: 4000 }),
          }),
          {
            maxLength: 40,
          },
        ),
        outcomes,
        fc.integer({ min: 60, max: 5000 }),
        fc.integer({ min: 100, max: 6000 }),
        (rows, status, rto, healthyAfter) => {
          const servers = rows.map((row, i) =>
            server(i, row.wave, row.status, { launchStartedAt: at(10), launchedAt: at(row.launched) }),
          );
          const waves: WaveRecord[] = [1, 2, 3, 4].map((wave) => ({
            wave,
            groupIds: [`g${wave}`],
            status: "COMPLETED",
            attempt: 0,
            startedAt: at(5),
            healthCheckedAt: at(healthyAfter - (4 - wave)),
          }));
          const summary = summarizeRecovery({
            execution: { ...execution, rtoSeconds: rto },
            outcome: { status, endedAt: at(healthyAfter + 30) },
            waves,
            servers,
          });
          const { counts } = summary;
          const count = (...wanted: ServerRecordStatus[]) =>
            servers.filter((s) => wanted.includes(s.status)).length;
          expect(counts.servers).toBe(rows.length);
          expect(counts.launched).toBe(count("LAUNCHED", "HEALTHY", "UNHEALTHY"));
          expect(counts.failed).toBe(count("FAILED", "UNHEALTHY"));
          expect(counts.notLaunched).toBe(count("PENDING", "LAUNCHING"));
          // Every server is launched, not launched, or failed before it launched: exactly one of them.
          expect(counts.launched + counts.notLaunched + count("FAILED")).toBe(rows.length);
          expect(summary.waves.reduce((sum, wave) => sum + wave.servers, 0)).toBe(rows.length);
          expect(summary.servers).toHaveLength(rows.length);
          if (status === "SUCCEEDED") {
            expect(summary.rto.achievedSeconds).toBe(healthyAfter);
            expect(summary.rto.breached).toBe(healthyAfter > rto);
          } else {
            expect(summary.rto.achievedSeconds).toBeUndefined();
            expect(summary.rto.breached).toBe(true);
          }
        },
      ),
    );
  });
});

describe("recoveryMetrics", () => {
  it("turns the summary into the recovery's metrics with plan and mode dimensions", () => {
    const { waves, servers } = drill();
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "SUCCEEDED", endedAt: at(2420) },
      waves,
      servers,
    });
    expect(recoveryMetrics(summary)).toEqual({
      dimensions: { PlanId: "payments", Mode: "DRILL" },
      metrics: [
        { name: "RecoveryDuration", unit: "Seconds", value: 2420 },
        { name: "RtoBreached", unit: "Count", value: 0 },
        { name: "ServersLaunched", unit: "Count", value: 3 },
        { name: "ServersFailed", unit: "Count", value: 1 },
      ],
      waves: [
        { wave: 1, metric: { name: "WaveDuration", unit: "Seconds", value: 870 } },
        { wave: 2, metric: { name: "WaveDuration", unit: "Seconds", value: 1490 } },
      ],
    });
  });

  it("reports a breach as 1 and leaves out waves that never came up", () => {
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "ABORTED", endedAt: at(700) },
      waves: [{ wave: 1, groupIds: ["db"], status: "ABORTED", attempt: 0, startedAt: at(30) }],
      servers: [server(1, 1, "FAILED", { launchStartedAt: at(40), failedAt: at(650) })],
    });
    const metrics = recoveryMetrics(summary);
    expect(metrics.metrics).toContainEqual({ name: "RtoBreached", unit: "Count", value: 1 });
    expect(metrics.metrics).toContainEqual({ name: "ServersFailed", unit: "Count", value: 1 });
    expect(metrics.waves).toEqual([]);
  });
});
