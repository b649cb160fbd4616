import {
  type DrillCleanupServerRecord,
  type DrillSettingsRecord,
  drillChangedSettings,
  type LockHolderView,
  planSettingsRevert,
  type RecoveryInstanceView,
  recoveryHolds,
  selectDrillInstances,
  summarizeDrillCleanup,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ME = "shop-drill-0123456789abcdef";
const OTHER = "shop-drill-fedcba9876543210";

const instance = fc.record({
  recoveryInstanceId: fc.integer({ min: 0, max: 10_000 }).map((n) => `i-${n.toString(16).padStart(17, "0")}`),
  sourceServerId: fc.integer({ min: 0, max: 30 }).map((n) => `s-${String(n).padStart(17, "0")}`),
  jobId: fc.option(fc.constantFrom("drsjob-mine1", "drsjob-mine2", "drsjob-other", "drsjob-unknown"), {
    nil: undefined,
  }),
  isDrill: fc.boolean(),
  ec2InstanceState: fc.option(
    fc.constantFrom("PENDING", "RUNNING", "STOPPED", "SHUTTING-DOWN", "TERMINATED", "NOT_FOUND"),
    { nil: undefined },
  ),
});
const owners = new Map([
  ["drsjob-mine1", ME],
  ["drsjob-mine2", ME],
  ["drsjob-other", OTHER],
]);

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

describe("selectDrillInstances", () => {
  it("selects only running drill instances of the execution's own jobs, each once, busy ones for later, held ones never", () => {
    const serverId = (n: number) => `s-${String(n).padStart(17, "0")}`;
    fc.assert(
      fc.property(
        fc.uniqueArray(instance, { selector: (i) => i.recoveryInstanceId, maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }),
        (raw, busy, holds) => {
          const instances = raw.map(strip) as RecoveryInstanceView[];
          const busyServers = new Set(busy.map(serverId));
          const heldServers = new Map(holds.map((n) => [serverId(n), "shop-recovery-0123456789abcdef"]));
          const { terminate, waiting, held } = selectDrillInstances({
            executionId: ME,
            instances,
            jobOwners: owners,
            busyServers,
            heldServers,
          });
          const ours = (i: RecoveryInstanceView) =>
            i.isDrill &&
            i.jobId !== undefined &&
            owners.get(i.jobId) === ME &&
            !["SHUTTING-DOWN", "TERMINATED", "NOT_FOUND"].includes(i.ec2InstanceState ?? "");
          for (const chosen of [...terminate, ...waiting, ...held]) expect(ours(chosen)).toBe(true);
          for (const chosen of [...terminate, ...waiting]) {
            expect(heldServers.has(chosen.sourceServerId)).toBe(false);
          }
          for (const chosen of held) expect(heldServers.has(chosen.sourceServerId)).toBe(true);
          for (const chosen of terminate) expect(busyServers.has(chosen.sourceServerId)).toBe(false);
          for (const later of waiting) expect(busyServers.has(later.sourceServerId)).toBe(true);
          expect(terminate.length + waiting.length + held.length).toBe(instances.filter(ours).length);
        },
      ),
    );
  });

  it("never touches a non-drill instance, even one launched by the execution's own job", () => {
    const { terminate, waiting } = selectDrillInstances({
      executionId: ME,
      instances: [
        { recoveryInstanceId: "i-1", sourceServerId: "s-1", jobId: "drsjob-mine1", isDrill: false },
        { recoveryInstanceId: "i-2", sourceServerId: "s-2", jobId: "drsjob-other", isDrill: true },
        { recoveryInstanceId: "i-3", sourceServerId: "s-3", isDrill: true, ec2InstanceState: "RUNNING" },
        { recoveryInstanceId: "i-4", sourceServerId: "s-4", jobId: "drsjob-mine2", isDrill: true },
      ],
      jobOwners: owners,
      busyServers: new Set(),
      heldServers: new Map(),
    });
    expect(terminate.map((i) => i.recoveryInstanceId)).toEqual(["i-4"]);
    expect(waiting).toEqual([]);
  });
});

const launchConfiguration = fc.record({
  launchDisposition: fc.constantFrom("STARTED", "STOPPED"),
  targetInstanceTypeRightSizingMethod: fc.constantFrom("NONE", "BASIC", "IN_AWS"),
  copyPrivateIp: fc.boolean(),
  copyTags: fc.boolean(),
  licensing: fc.record({ osByol: fc.boolean() }),
});

describe("planSettingsRevert", () => {
  it("after the revert is applied, every field and the default version are back, and a second plan changes nothing", () => {
    fc.assert(
      fc.property(
        launchConfiguration,
        launchConfiguration,
        fc.subarray([
          "launchDisposition",
          "targetInstanceTypeRightSizingMethod",
          "copyPrivateIp",
          "copyTags",
          "licensing",
        ]),
        fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        (previous, drilled, fields, previousDefaultVersion) => {
          const record: DrillSettingsRecord = {
            ec2LaunchTemplateID: "lt-0123456789abcdef0",
            ...(previousDefaultVersion !== undefined && {
              previousDefaultVersion,
              appliedVersion: previousDefaultVersion + 1,
            }),
            previousLaunchConfiguration: Object.fromEntries(
              fields.map((field) => [field, previous[field as keyof typeof previous]]),
            ),
          };
          const now = {
            ...(previousDefaultVersion !== undefined && { defaultVersion: previousDefaultVersion + 1 }),
            launchConfiguration: { ...drilled } as Record<string, unknown>,
          };
          const plan = planSettingsRevert(record, now);
          expect(plan.action).toBe("REVERT");
          if (plan.action !== "REVERT") return;
          expect(plan.defaultVersion).toBe(previousDefaultVersion);
          const after = {
            defaultVersion: plan.defaultVersion ?? now.defaultVersion,
            launchConfiguration: { ...now.launchConfiguration, ...plan.launchConfiguration },
          };
          for (const field of fields) {
            expect(after.launchConfiguration[field]).toEqual(previous[field as keyof typeof previous]);
          }
          // Only fields that differed are written.
          for (const field of Object.keys(plan.launchConfiguration)) {
            expect(now.launchConfiguration[field]).not.toEqual(previous[field as keyof typeof previous]);
          }
          expect(planSettingsRevert(record, after)).toEqual({ action: "REVERT", launchConfiguration: {} });
        },
      ),
    );
  });

  it("leaves a server alone whose template default moved on after the drill", () => {
    const record: DrillSettingsRecord = {
      ec2LaunchTemplateID: "lt-0123456789abcdef0",
      previousDefaultVersion: 1,
      appliedVersion: 2,
      previousLaunchConfiguration: { copyTags: false },
    };
    expect(
      planSettingsRevert(record, { defaultVersion: 3, launchConfiguration: { copyTags: true } }),
    ).toEqual({
      action: "SKIP",
      reason:
        "launch template lt-0123456789abcdef0 defaults to version 3, not the drill's version 2: changed after the drill, left as it is",
    });
  });

  it("knows when a drill changed nothing", () => {
    expect(drillChangedSettings(undefined)).toBe(false);
    expect(drillChangedSettings({ ec2LaunchTemplateID: "lt-1", previousLaunchConfiguration: {} })).toBe(
      false,
    );
    expect(drillChangedSettings({ previousDefaultVersion: 1 })).toBe(true);
    expect(drillChangedSettings({ previousLaunchConfiguration: { copyTags: false } })).toBe(true);
  });
});

describe("summarizeDrillCleanup", () => {
  it("lists terminated, terminating and failed instances and reverted and skipped servers in server order", () => {
    const servers: DrillCleanupServerRecord[] = [
      {
        sourceServerId: "s-3",
        recoveryInstanceId: "i-3",
        terminateJobId: "drsjob-1",
        terminateFailure: "TERMINATE job drsjob-1 ended with the instance FAILED",
      },
      {
        sourceServerId: "s-1",
        recoveryInstanceId: "i-1",
        terminateJobId: "drsjob-1",
        terminatedAt: "2026-11-21T10:00:00Z",
        revertedAt: "2026-11-21T10:01:00Z",
        restoredDefaultVersion: 1,
        restoredLaunchConfiguration: { copyTags: false },
      },
      { sourceServerId: "s-2", recoveryInstanceId: "i-2", terminateJobId: "drsjob-2" },
      { sourceServerId: "s-4", revertSkipped: "changed after the drill" },
      { sourceServerId: "s-5", heldByRecovery: "shop-recovery-0123456789abcdef" },
    ];
    expect(
      summarizeDrillCleanup(
        { status: "FAILED", startedAt: "2026-11-21T09:59:00Z", error: "DrillCleanupIncomplete" },
        servers,
      ),
    ).toEqual({
      status: "FAILED",
      startedAt: "2026-11-21T09:59:00Z",
      error: "DrillCleanupIncomplete",
      terminatedInstanceIds: ["i-1"],
      terminatingInstanceIds: ["i-2"],
      failedTerminations: [
        {
          sourceServerId: "s-3",
          recoveryInstanceId: "i-3",
          reason: "TERMINATE job drsjob-1 ended with the instance FAILED",
        },
      ],
      revertedServers: [
        {
          sourceServerId: "s-1",
          restoredDefaultVersion: 1,
          restoredLaunchConfiguration: { copyTags: false },
          revertedAt: "2026-11-21T10:01:00Z",
        },
      ],
      skippedServers: [
        { sourceServerId: "s-4", reason: "changed after the drill" },
        { sourceServerId: "s-5", reason: "held by recovery shop-recovery-0123456789abcdef" },
      ],
    });
  });
});

describe("recoveryHolds", () => {
  const RECOVERY = "shop-recovery-0123456789abcdef";
  const serverId = (n: number) => `s-${String(n).padStart(17, "0")}`;
  const holder = fc.record({
    executionId: fc.constantFrom(ME, OTHER, RECOVERY, "shop-recovery-fedcba9876543210"),
    released: fc.boolean(),
  });
  const holderViews = fc.record({
    [OTHER]: fc.record({ mode: fc.constant("DRILL" as const), running: fc.boolean() }),
    [RECOVERY]: fc.record({ mode: fc.constant("RECOVERY" as const), running: fc.boolean() }),
  });

  it("holds exactly the drill's servers locked by a running RECOVERY, whatever the drill and other drills hold", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 25 }), holder), { maxLength: 20 }),
        holderViews,
        (drilled, rawLocks, views) => {
          const sourceServerIds = drilled.map(serverId);
          const locks = [
            ...new Map(
              rawLocks.map(([n, lock]) => [serverId(n), { sourceServerId: serverId(n), ...lock }]),
            ).values(),
          ];
          const holders = new Map<string, LockHolderView>(Object.entries(views));
          const { held, awaiting } = recoveryHolds({ drillId: ME, sourceServerIds, locks, holders });
          expect(awaiting).toBeUndefined();
          const expected = locks.filter(
            (lock) =>
              sourceServerIds.includes(lock.sourceServerId) &&
              !lock.released &&
              lock.executionId === RECOVERY &&
              holders.get(RECOVERY)?.running === true,
          );
          expect(new Map(expected.map((lock) => [lock.sourceServerId, RECOVERY]))).toEqual(held);
          for (const id of held.keys()) expect(sourceServerIds).toContain(id);
        },
      ),
    );
  });

  it("waits for the pre-empting recovery while it runs and has not taken its locks, and not once it has or ended", () => {
    const sourceServerIds = [serverId(1), serverId(2)];
    const locks = [
      { sourceServerId: serverId(1), executionId: ME, released: false },
      { sourceServerId: serverId(2), executionId: RECOVERY, released: false },
    ];
    const holds = (preemptedBy: { running: boolean; prepared: boolean }) =>
      recoveryHolds({
        drillId: ME,
        sourceServerIds,
        locks,
        holders: new Map([[RECOVERY, { mode: "RECOVERY", running: preemptedBy.running }]]),
        preemptedBy: { executionId: RECOVERY, ...preemptedBy },
      });
    expect(holds({ running: true, prepared: false })).toEqual({
      held: new Map([[serverId(2), RECOVERY]]),
      awaiting: RECOVERY,
    });
    // Prepared: its locks say which servers it holds; ended: it holds nothing.
    expect(holds({ running: true, prepared: true })).toEqual({ held: new Map([[serverId(2), RECOVERY]]) });
    expect(holds({ running: false, prepared: false })).toEqual({ held: new Map() });
  });
});
