import {
  approvalRequiredSchema,
  capIds,
  drillCleanupCompletedSchema,
  OUTBOUND_DETAIL_TYPES,
  OUTBOUND_EVENT_SOURCE,
  OUTBOUND_ID_LIST_CAP,
  outboundDetailSchemas,
  outboundEventSchema,
  recoveryExecutionStatusChangeSchema,
  type ServerRecordStatus,
  waveStatusChangeSchema,
  waveStatusCounts,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;

const details = {
  [OUTBOUND_DETAIL_TYPES.recoveryExecutionStatusChange]: {
    executionId: "shop-drill-0123456789abcdef",
    planId: "shop",
    planVersion: 3,
    mode: "DRILL",
    status: "SUCCEEDED",
    reason: "monthly DR drill",
    startedAt: "2026-11-21T10:00:00.000Z",
    endedAt: "2026-11-21T10:31:12.000Z",
    durationSeconds: 1872,
    rto: { targetSeconds: 2700, achievedSeconds: 1790, breached: false },
  },
  [OUTBOUND_DETAIL_TYPES.waveStatusChange]: {
    executionId: "shop-drill-0123456789abcdef",
    planId: "shop",
    wave: 2,
    groups: ["app"],
    status: "CHECKING_HEALTH",
    counts: { servers: 12, launched: 12, healthy: 3, failed: 0 },
  },
  [OUTBOUND_DETAIL_TYPES.approvalRequired]: {
    executionId: "shop-recovery-0123456789abcdef",
    planId: "shop",
    wave: 3,
    groups: ["web"],
    sourceServerIds: [sid(1), sid(2)],
    serverCount: 2,
    approvers: ["alice", "dr-leads"],
    expiresAt: "2026-11-21T11:00:00Z",
  },
  [OUTBOUND_DETAIL_TYPES.drillCleanupCompleted]: {
    executionId: "shop-drill-0123456789abcdef",
    planId: "shop",
    status: "SUCCEEDED",
    terminatedInstanceCount: 2,
    terminatedInstanceIds: ["i-0123456789abcdef0", "i-0123456789abcdef1"],
    revertedServers: 2,
  },
  [OUTBOUND_DETAIL_TYPES.planHealthChanged]: {
    planId: "shop",
    planVersion: 3,
    evaluatedAt: "2026-11-21T10:30:00.000Z",
    verdict: "DRILL_BLOCKED",
    previousVerdict: "READY",
    counts: { blockers: 1, warnings: 0, servers: 9 },
    added: [
      {
        code: "REPLICATION_DISCONNECTED",
        severity: "BLOCKS_DRILL",
        category: "readiness",
        groupId: "db",
        sourceServerId: sid(1),
        message: `${sid(1)} replication is DISCONNECTED`,
        fix: "reconnect the source server",
      },
    ],
    addedCount: 1,
    removed: [],
    removedCount: 0,
  },
} as const;

const problems = (
  schema: { safeParse(input: unknown): { success: boolean; error?: unknown } },
  input: unknown,
) => {
  const result = schema.safeParse(input) as {
    success: boolean;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
  if (result.success) throw new Error("expected the detail to be refused");
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("outbound event details", () => {
  it("each detail-type has a schema that accepts a complete detail as it is", () => {
    expect(Object.keys(outboundDetailSchemas).sort()).toEqual(Object.values(OUTBOUND_DETAIL_TYPES).sort());
    for (const [detailType, detail] of Object.entries(details)) {
      const schema = outboundDetailSchemas[detailType as keyof typeof outboundDetailSchemas];
      expect(schema.parse(detail)).toEqual(detail);
    }
  });

  it("an execution that just started has no end, duration or RTO figures", () => {
    const running = {
      executionId: "shop-drill-0123456789abcdef",
      planId: "shop",
      planVersion: 1,
      mode: "RECOVERY",
      status: "RUNNING",
      startedAt: "2026-11-21T10:00:00Z",
    };
    expect(recoveryExecutionStatusChangeSchema.parse(running)).toEqual(running);
  });

  it("names each bad field and refuses unknown ones, so a typo never reaches subscribers", () => {
    expect(
      problems(recoveryExecutionStatusChangeSchema, {
        ...details["Recovery Execution Status Change"],
        status: "DONE",
        mode: "drill",
        endedAt: "yesterday",
        rto: { targetSeconds: 2700 },
        extra: true,
      }),
    ).toEqual([
      'mode: Invalid option: expected one of "DRILL"|"RECOVERY"',
      'status: Invalid option: expected one of "RUNNING"|"SUCCEEDED"|"FAILED"|"ABORTED"',
      "endedAt: expected an ISO-8601 date-time such as 2026-11-21T10:04:19Z",
      "rto.breached: Invalid input: expected boolean, received undefined",
      ': Unrecognized key: "extra"',
    ]);
    expect(
      problems(waveStatusChangeSchema, {
        ...details["Wave Status Change"],
        status: "PENDING",
        counts: { servers: 12, launched: -1, healthy: 0, failed: 0 },
      }),
    ).toEqual([
      'status: Invalid option: expected one of "LAUNCHING"|"CHECKING_HEALTH"|"COMPLETED"|"FAILED"|"ABORTED"',
      "counts.launched: Too small: expected number to be >=0",
    ]);
    expect(
      problems(drillCleanupCompletedSchema, { ...details["Drill Cleanup Completed"], status: "DONE" }),
    ).toEqual(['status: Invalid option: expected one of "SUCCEEDED"|"FAILED"']);
  });

  it("caps ID lists so an event stays small for any fleet; the count carries the total", () => {
    const ids = Array.from({ length: 2000 }, (_, i) => sid(i));
    const capped = {
      ...details["Approval Required"],
      sourceServerIds: capIds(ids),
      serverCount: ids.length,
    };
    expect(approvalRequiredSchema.parse(capped).sourceServerIds).toHaveLength(OUTBOUND_ID_LIST_CAP);
    expect(Buffer.byteLength(JSON.stringify(capped))).toBeLessThan(8 * 1024);
    expect(problems(approvalRequiredSchema, { ...capped, sourceServerIds: ids.slice(0, 101) })).toEqual([
      `sourceServerIds: list at most ${OUTBOUND_ID_LIST_CAP} IDs; the count field carries the total`,
    ]);
    expect(capIds(ids.slice(0, 3))).toEqual(ids.slice(0, 3));
  });

  it("the envelope schema checks source and detail-type and the detail that belongs to it", () => {
    const envelope = {
      version: "0",
      id: "0d4d7d1c-8a9c-4a59-9d5f-1c1e0b0f0a00",
      source: OUTBOUND_EVENT_SOURCE,
      "detail-type": "Wave Status Change",
      account: "123456789012",
      time: "2026-11-21T10:05:00Z",
      region: "us-east-1",
      resources: [],
      detail: details["Wave Status Change"],
    };
    expect(outboundEventSchema.parse(envelope)).toMatchObject({
      "detail-type": "Wave Status Change",
      detail: details["Wave Status Change"],
    });
    // The right detail under the wrong detail-type is refused.
    expect(outboundEventSchema.safeParse({ ...envelope, "detail-type": "Approval Required" }).success).toBe(
      false,
    );
    expect(outboundEventSchema.safeParse({ ...envelope, source: "drs-orchestrator.requests" }).success).toBe(
      false,
    );
  });
});

describe("waveStatusCounts", () => {
  const status = fc.constantFrom<ServerRecordStatus>(
    "PENDING",
    "LAUNCHING",
    "LAUNCHED",
    "FAILED",
    "HEALTHY",
    "UNHEALTHY",
  );

  it("counts as the report does: launched has an instance, failed did not launch or is unhealthy", () => {
    expect(waveStatusCounts(["PENDING", "LAUNCHING", "LAUNCHED", "FAILED", "HEALTHY", "UNHEALTHY"])).toEqual({
      launched: 3,
      healthy: 1,
      failed: 2,
    });
  });

  it("never counts more than the servers, and healthy servers are launched ones", () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 300 }), (statuses) => {
        const counts = waveStatusCounts(statuses);
        expect(counts.healthy).toBeLessThanOrEqual(counts.launched);
        expect(counts.launched + counts.failed).toBeLessThanOrEqual(
          statuses.length + statuses.filter((s) => s === "UNHEALTHY").length,
        );
        const parsed = waveStatusChangeSchema.safeParse({
          ...details["Wave Status Change"],
          counts: { servers: statuses.length, ...counts },
        });
        expect(parsed.success).toBe(true);
      }),
    );
  });
});
