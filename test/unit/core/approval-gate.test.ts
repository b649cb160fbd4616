import {
  approvalExpired,
  approvalExpiresAt,
  approvalWaitSeconds,
  expiryReason,
  GATELESS_APPROVAL_WAIT_SECONDS,
  type Group,
  mayDecide,
  rejectionReason,
  UNBOUNDED_APPROVAL_SECONDS,
  waveGate,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Settings = Pick<Group, "id" | "approval">;

const approval = fc.oneof(
  fc.constant(undefined),
  fc.boolean(),
  fc.record(
    {
      timeout: fc.integer({ min: 1, max: UNBOUNDED_APPROVAL_SECONDS }),
      approvers: fc.uniqueArray(fc.constantFrom("alice", "bob", "carol", "ops"), { minLength: 1 }),
    },
    { requiredKeys: [] },
  ),
);
const groups = fc
  .array(approval, { maxLength: 6 })
  .map((approvals) =>
    approvals.map((a, i): Settings => ({ id: `g${i}`, ...(a !== undefined && { approval: a }) })),
  );

const gating = (list: readonly Settings[]) =>
  list.filter((group) => group.approval !== undefined && group.approval !== false);
const timeoutOf = (group: Settings) =>
  typeof group.approval === "object"
    ? (group.approval.timeout ?? UNBOUNDED_APPROVAL_SECONDS)
    : UNBOUNDED_APPROVAL_SECONDS;

describe("waveGate", () => {
  it("lets a wave through when no group asks for an approval", () => {
    expect(waveGate([])).toEqual({ required: false });
    expect(waveGate([{ id: "db" }, { id: "app", approval: false }])).toEqual({ required: false });
  });

  it("waits as long as a recovery can run for approval: true, and lets anyone decide", () => {
    expect(waveGate([{ id: "db" }, { id: "web", approval: true }])).toEqual({
      required: true,
      gatingGroupIds: ["web"],
      timeoutSeconds: UNBOUNDED_APPROVAL_SECONDS,
      approvers: [],
    });
  });

  it("takes the strictest timeout and anyone a gating group lists", () => {
    expect(
      waveGate([
        { id: "api", approval: { timeout: 3600, approvers: ["payments-oncall"] } },
        { id: "web", approval: { timeout: 1800 } },
        { id: "batch", approval: { approvers: ["ops", "payments-oncall"] } },
        { id: "db" },
      ]),
    ).toEqual({
      required: true,
      gatingGroupIds: ["api", "web", "batch"],
      timeoutSeconds: 1800,
      approvers: ["payments-oncall", "ops"],
    });
  });

  it("requires a gate exactly when a group asks, never waits longer than any gating group allows", () => {
    fc.assert(
      fc.property(groups, (list) => {
        const gate = waveGate(list);
        const asking = gating(list);
        expect(gate.required).toBe(asking.length > 0);
        if (!gate.required) return;
        expect(gate.gatingGroupIds).toEqual(asking.map((group) => group.id));
        for (const group of asking) expect(gate.timeoutSeconds).toBeLessThanOrEqual(timeoutOf(group));
        expect(asking.map(timeoutOf)).toContain(gate.timeoutSeconds);
        const listed = asking.flatMap((group) =>
          typeof group.approval === "object" ? (group.approval.approvers ?? []) : [],
        );
        expect(new Set(gate.approvers)).toEqual(new Set(listed));
        expect(gate.approvers).toHaveLength(new Set(listed).size);
      }),
    );
  });
});

describe("approvalWaitSeconds", () => {
  it("bounds a gateless plan's wait, which its gates open at once", () => {
    expect(approvalWaitSeconds([{ id: "db" }, { id: "app", approval: false }])).toBe(
      GATELESS_APPROVAL_WAIT_SECONDS,
    );
  });

  it("is at least every wave's gate timeout, whichever groups share a wave", () => {
    fc.assert(
      fc.property(groups, fc.array(fc.nat(), { maxLength: 6 }), (list, picks) => {
        const wait = approvalWaitSeconds(list);
        expect(wait).toBeGreaterThanOrEqual(1);
        const wave = list.filter((_, i) => picks.includes(i));
        const gate = waveGate(wave);
        if (gate.required) expect(wait).toBeGreaterThanOrEqual(gate.timeoutSeconds);
        if (gating(list).length > 0) expect(wait).toBe(Math.max(...gating(list).map(timeoutOf)));
      }),
    );
  });
});

describe("deciding", () => {
  it("lets anyone decide when nobody is listed, else only those listed", () => {
    expect(mayDecide([], "mallory")).toBe(true);
    expect(mayDecide(["alice", "ops"], "ops")).toBe(true);
    expect(mayDecide(["alice", "ops"], "Alice")).toBe(false);
  });

  it("expires a gate at its deadline, not before", () => {
    const expiresAt = approvalExpiresAt("2026-11-21T10:00:00.000Z", 3600);
    expect(expiresAt).toBe("2026-11-21T11:00:00.000Z");
    expect(approvalExpired(expiresAt, "2026-11-21T10:59:59.999Z")).toBe(false);
    expect(approvalExpired(expiresAt, "2026-11-21T11:00:00Z")).toBe(true);
  });

  it("says why the recovery stops", () => {
    expect(rejectionReason(2, "alice", "  database not in sync ")).toBe(
      "wave 2 rejected by alice: database not in sync",
    );
    expect(rejectionReason(2, "alice", " ")).toBe("wave 2 rejected by alice");
    expect(expiryReason(2, 3600)).toBe("approval for wave 2 expired after 1h");
    expect(expiryReason(3, 5400)).toBe("approval for wave 3 expired after 1h30m");
  });
});
