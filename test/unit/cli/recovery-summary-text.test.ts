import { type ServerRecord, summarizeRecovery, type WaveRecord } from "@drs-orchestrator/core";
import { describe, expect, it } from "vitest";
import { renderIncidentTimeline } from "../../../packages/cli/src/output/incident-timeline";
import { renderRecoverySummary } from "../../../packages/cli/src/output/recovery-summary-text";

const execution = {
  executionId: "shop-drill-1",
  planId: "shop",
  planVersion: 2,
  planName: "Three-tier web shop",
  mode: "DRILL" as const,
  startedAt: "2026-11-21T10:00:00Z",
  rtoSeconds: 45 * 60,
  skipped: [],
};

const waves: WaveRecord[] = [
  {
    wave: 1,
    groupIds: ["db"],
    status: "COMPLETED",
    attempt: 0,
    startedAt: "2026-11-21T10:00:30Z",
    launchedAt: "2026-11-21T10:09:00Z",
    healthCheckedAt: "2026-11-21T10:11:30Z",
  },
  {
    wave: 2,
    groupIds: ["app", "cache"],
    status: "COMPLETED",
    attempt: 1,
    startedAt: "2026-11-21T10:11:40Z",
    launchedAt: "2026-11-21T10:30:00Z",
    healthCheckedAt: "2026-11-21T10:32:30Z",
  },
];

const healthy = (wave: number, host: string, id: string, instance: string, ip: string): ServerRecord => ({
  sourceServerId: id,
  hostname: host,
  wave,
  groupId: wave === 1 ? "db" : "app",
  critical: wave === 1,
  status: "HEALTHY",
  attempts: 1,
  ec2InstanceId: instance,
  instanceType: wave === 1 ? "r6i.xlarge" : "m6i.large",
  privateIp: ip,
  launchedAt: "2026-11-21T10:09:00Z",
  healthyAt: "2026-11-21T10:11:30Z",
});

const servers: ServerRecord[] = [
  healthy(1, "shop-db-01", "s-00000000000000001", "i-00000000000000001", "10.10.16.4"),
  { ...healthy(2, "shop-app-01", "s-00000000000000002", "i-00000000000000002", "10.10.0.4"), attempts: 2 },
];

describe("renderRecoverySummary", () => {
  it("prints the outcome, the RTO against its target, each wave's durations and one row per server", () => {
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers,
    });
    expect(renderRecoverySummary(summary).split("\n")).toEqual([
      "Drill shop-drill-1 of plan shop v2 SUCCEEDED in 33m",
      "RTO: 32m30s achieved, target 45m: met",
      "Servers: 2 servers, 2 launched, 2 healthy, 0 failed",
      "",
      "WAVE  GROUPS      STATUS     SERVERS  HEALTHY  FAILED  ROUNDS  LAUNCH  HEALTH   TOTAL",
      "1     db          COMPLETED        1        1       0       1   8m30s   2m30s     11m",
      "2     app, cache  COMPLETED        1        1       0       2  18m20s   2m30s  20m50s",
      "",
      "HOST         SOURCE SERVER        WAVE  INSTANCE             TYPE        PRIVATE IP  STATUS   ATTEMPTS  POINT IN TIME  DATA LOSS",
      "shop-db-01   s-00000000000000001     1  i-00000000000000001  r6i.xlarge  10.10.16.4  HEALTHY         1  -                      -",
      "shop-app-01  s-00000000000000002     2  i-00000000000000002  m6i.large   10.10.0.4   HEALTHY         2  -                      -",
    ]);
  });

  it("prints the RPO achieved against the plan's and each server's point in time and data loss", () => {
    const summary = summarizeRecovery({
      execution: { ...execution, mode: "RECOVERY", rpoSeconds: 300, asOf: "2026-11-21T08:00:00Z" },
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers: [
        { ...(servers[0] as ServerRecord), pointInTime: "2026-11-21T07:50:00Z", dataLossSeconds: 7800 },
        { ...(servers[1] as ServerRecord), pointInTime: "2026-11-21T08:00:00Z", dataLossSeconds: 7200 },
      ],
    });
    const lines = renderRecoverySummary(summary).split("\n");
    expect(lines[2]).toBe(
      "RPO as of 2026-11-21T08:00:00Z: 2h10m data loss achieved (s-00000000000000001), target 5m: BREACHED by 2h5m; " +
        "points in time 2026-11-21T07:50:00Z … 2026-11-21T08:00:00Z (spread 10m)",
    );
    expect(lines).toContain(
      "shop-db-01   s-00000000000000001     1  i-00000000000000001  r6i.xlarge  10.10.16.4  HEALTHY         1  2026-11-21T07:50:00Z      2h10m",
    );
  });

  it("says why an aborted recovery failed and names each failed server's reason", () => {
    const failed: ServerRecord = {
      sourceServerId: "s-00000000000000003",
      hostname: "shop-db-02",
      wave: 1,
      groupId: "db",
      critical: true,
      status: "FAILED",
      attempts: 2,
      failureReason: "launch failed: InsufficientInstanceCapacity",
    };
    const summary = summarizeRecovery({
      execution: {
        ...execution,
        mode: "RECOVERY",
        skipped: [{ sourceServerId: "s-00000000000000009", reason: "replication STALLED" }],
      },
      outcome: {
        status: "ABORTED",
        endedAt: "2026-11-21T10:20:00Z",
        error: "RecoveryAborted",
        cause: "1 of 2 servers in critical group db failed",
      },
      waves: [{ ...(waves[0] as WaveRecord), status: "ABORTED" }],
      servers: [servers[0] as ServerRecord, failed],
    });
    const text = renderRecoverySummary(summary);
    expect(text).toContain("Recovery shop-drill-1 of plan shop v2 ABORTED in 20m");
    expect(text).toContain("RTO: not achieved (target 45m)");
    expect(text).toContain("Servers: 2 servers, 1 launched, 1 healthy, 1 failed, 1 skipped (not ready)");
    expect(text).toMatch(/^shop-db-02 +s-00000000000000003 +1 +- +- +- +FAILED +2 +- +-$/m);
    expect(text.split("\n").slice(-3)).toEqual([
      "Error: RecoveryAborted: 1 of 2 servers in critical group db failed",
      "shop-db-02: launch failed: InsufficientInstanceCapacity",
      "s-00000000000000009 skipped: replication STALLED",
    ]);
  });

  it("says who decided each approval gate and lists the hooks that ran, with why one failed", () => {
    const hook = {
      kind: "mcp" as const,
      target: "incidents/add_note",
      onFailure: "continue" as const,
      startedAt: "2026-11-21T10:00:05Z",
    };
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers,
      approvals: [
        {
          wave: 2,
          status: "APPROVED",
          requestedAt: "2026-11-21T10:11:35Z",
          expiresAt: "2026-11-21T11:11:35Z",
          decidedAt: "2026-11-21T10:11:39Z",
          by: "drs-orchestrator demo",
        },
      ],
      hooks: [
        {
          ...hook,
          phase: "afterWave",
          wave: 1,
          index: 0,
          name: "note wave",
          status: "FAILED",
          attempts: 2,
          durationMs: 1520.4,
          attemptLog: [],
          error: "MCP server incidents is not configured",
        },
        {
          ...hook,
          phase: "beforeRecovery",
          index: 0,
          name: "open incident",
          target: "incidents/open_incident",
          status: "SUCCEEDED",
          attempts: 1,
          durationMs: 12,
          attemptLog: [],
        },
      ],
    });
    const text = renderRecoverySummary(summary);
    expect(text).toContain("Wave 2 approval: APPROVED by drs-orchestrator demo after 4s");
    expect(text).toContain(
      [
        "HOOK           PHASE           CALLS                        STATUS              ATTEMPTS    MS",
        "open incident  beforeRecovery  mcp incidents/open_incident  SUCCEEDED                  1    12",
        "note wave      afterWave 1     mcp incidents/add_note       FAILED (continued)         2  1520",
      ].join("\n"),
    );
    expect(text.split("\n").at(-1)).toBe("Hook note wave: MCP server incidents is not configured");
  });

  it("marks an RTO achieved over its target as breached", () => {
    const summary = summarizeRecovery({
      execution: { ...execution, rtoSeconds: 30 * 60 },
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers,
    });
    expect(renderRecoverySummary(summary)).toContain("RTO: 32m30s achieved, target 30m: BREACHED");
  });
});

describe("renderRecoverySummary of a resumed execution", () => {
  const attempts = [
    {
      number: 1,
      executionArn: "arn:aws:states:us-east-1:111122223333:execution:recovery:shop-drill-1",
      startedAt: "2026-11-21T10:00:00Z",
      requestedBy: "cli:alice",
      reason: "quarterly drill",
      skipFailed: false,
      firstWave: 1,
      endedAt: "2026-11-21T10:12:00Z",
      status: "ABORTED" as const,
      error: "RecoveryAborted",
      cause: "1 of 3 servers of wave 2 failed",
    },
    {
      number: 2,
      executionArn: "arn:aws:states:us-east-1:111122223333:execution:recovery:shop-drill-1-r2",
      startedAt: "2026-11-21T10:20:00Z",
      requestedBy: "cli:bob",
      skipFailed: true,
      firstWave: 2,
      endedAt: "2026-11-21T10:33:00Z",
      status: "SUCCEEDED" as const,
    },
  ];

  it("lists the attempts, who resumed and how each ended, and why an earlier one ended", () => {
    const summary = summarizeRecovery({
      execution: { ...execution, attempts },
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers,
    });
    const text = renderRecoverySummary(summary);
    expect(text.split("\n\n")[1]).toBe(
      [
        "ATTEMPT  STARTED (UTC)        BY         FROM WAVE  FAILED SERVERS  STATUS     TOOK",
        "      1  2026-11-21 10:00:00  cli:alice          1  relaunched      ABORTED     12m",
        "      2  2026-11-21 10:20:00  cli:bob            2  accepted        SUCCEEDED   13m",
      ].join("\n"),
    );
    expect(text).toContain("Attempt 1 ended ABORTED: RecoveryAborted: 1 of 3 servers of wave 2 failed");
    // The RTO counts from the first attempt's start.
    expect(text).toContain("RTO: 32m30s achieved, target 45m: met");
  });

  it("shows no attempts for an execution that was never resumed", () => {
    const summary = summarizeRecovery({
      execution,
      outcome: { status: "SUCCEEDED", endedAt: "2026-11-21T10:33:00Z" },
      waves,
      servers,
    });
    expect(renderRecoverySummary(summary)).not.toMatch(/^ATTEMPT +STARTED/m);
  });
});

describe("renderIncidentTimeline", () => {
  it("lists each incident with its notes in the order they were written", () => {
    expect(
      renderIncidentTimeline([
        {
          incidentId: "INC-0001",
          title: "DRILL of Three-tier web shop (shop-drill-1)",
          severity: 3,
          notes: [{ text: "wave 1/3 (db) recovered" }, { text: "DRILL complete" }],
        },
        { incidentId: "INC-0002", title: "Another", severity: 1, notes: [] },
      ]).split("\n"),
    ).toEqual([
      "INC-0001 DRILL of Three-tier web shop (shop-drill-1), severity 3",
      "  1. wave 1/3 (db) recovered",
      "  2. DRILL complete",
      "INC-0002 Another, severity 1",
    ]);
  });
});
