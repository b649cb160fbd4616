import {
  assessPlanHealth,
  batchWave,
  blocksMode,
  compareFindings,
  DEFAULT_LAUNCH_QUOTAS,
  findingKey,
  healthChange,
  type LaunchStateFact,
  launchRounds,
  launchTemplateVersionDescription,
  type PlanFacts,
  type PlanFinding,
  type PlanHealth,
  type PlanInput,
  planSchema,
  planVerdict,
  type RecoveryInstanceFact,
  type SourceServer,
  sourceServerSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const sid = (n: number) => `s-${n.toString().padStart(17, "0")}`;
const SUBNET_A = "subnet-0aaa1111";
const SUBNET_B = "subnet-0bbb2222";
const SG_WEB = "sg-0aaa1111";
const SG_DB = "sg-0bbb2222";
const PROFILE = "app-recovered";
const NOW = new Date("2026-11-21T10:00:00Z");

function server(n: number, tier: string, state = "CONTINUOUS", lag = "PT2S"): SourceServer {
  return sourceServerSchema.parse({
    sourceServerID: sid(n),
    tags: { app: "pay", tier },
    dataReplicationInfo: { dataReplicationState: state, lagDuration: lag },
  });
}

function plan(input: Partial<PlanInput> = {}) {
  return planSchema.parse({
    id: "pay",
    name: "Payments",
    rto: "1h",
    rpo: "15m",
    launch: { subnetId: SUBNET_A, securityGroupIds: [SG_WEB], instanceProfile: PROFILE },
    groups: [
      {
        id: "db",
        select: { tags: { app: "pay", tier: "db" } },
        launch: { securityGroupIds: [SG_DB] },
        servers: { [sid(1)]: { privateIp: "10.0.0.20" } },
      },
      { id: "web", dependsOn: ["db"], select: { tags: { app: "pay", tier: "web" } } },
    ],
    ...input,
  });
}

const PLAN = plan();
const FLEET = [server(1, "db"), server(2, "db"), server(3, "web"), server(4, "web")];

/** Facts under which PLAN over FLEET has nothing to report. */
function cleanFacts(): PlanFacts {
  return {
    servers: FLEET,
    snapshots: new Map(
      FLEET.map((s) => [s.sourceServerID, [{ snapshotId: "pit-1", takenAt: "2026-11-21T09:50:00Z" }]]),
    ),
    launchStates: new Map(
      FLEET.map((s): [string, LaunchStateFact] => {
        const db = s.tags.tier === "db";
        return [
          s.sourceServerID,
          {
            found: true,
            launchTemplateId: `lt-${s.sourceServerID.slice(2)}`,
            defaultVersion: 2,
            latestVersion: 2,
            newerVersions: [],
            current: {
              launchConfiguration: { copyPrivateIp: false },
              templateData: {
                subnetId: SUBNET_A,
                securityGroupIds: [db ? SG_DB : SG_WEB],
                instanceProfile: PROFILE,
                ...(s.sourceServerID === sid(1) && { privateIp: "10.0.0.20" }),
              },
            },
          },
        ];
      }),
    ),
    subnets: [
      { subnetId: SUBNET_A, cidrBlock: "10.0.0.0/24" },
      { subnetId: SUBNET_B, cidrBlock: "10.0.1.0/24" },
    ],
    securityGroupIds: [SG_WEB, SG_DB],
    instanceProfiles: new Map([[PROFILE, true]]),
    recoveryInstances: [],
    otherPlans: [],
    quotas: DEFAULT_LAUNCH_QUOTAS,
  };
}

const assess = (facts: PlanFacts, previous?: Pick<PlanHealth, "members">) =>
  assessPlanHealth(PLAN, facts, { now: NOW, ...(previous && { previous }) });

function finding(overrides: Partial<PlanFinding> = {}): PlanFinding {
  return { code: "X", severity: "WARNING", category: "capacity", message: "m", fix: "f", ...overrides };
}

describe("planVerdict and blocksMode", () => {
  it("a RECOVERY blocker blocks both modes, a drill blocker only drills, a warning nothing", () => {
    const recovery = finding({ severity: "BLOCKS_RECOVERY" });
    const drill = finding({ severity: "BLOCKS_DRILL" });
    const warning = finding();
    expect(planVerdict([warning, drill, recovery])).toBe("RECOVERY_BLOCKED");
    expect(planVerdict([warning, drill])).toBe("DRILL_BLOCKED");
    expect(planVerdict([warning])).toBe("READY");
    expect(planVerdict([])).toBe("READY");
    expect([blocksMode(recovery, "DRILL"), blocksMode(recovery, "RECOVERY")]).toEqual([true, true]);
    expect([blocksMode(drill, "DRILL"), blocksMode(drill, "RECOVERY")]).toEqual([true, false]);
    expect([blocksMode(warning, "DRILL"), blocksMode(warning, "RECOVERY")]).toEqual([false, false]);
  });
});

describe("assessPlanHealth", () => {
  it("is READY with no finding when every fact is in order, and records each group's members", () => {
    const health = assess(cleanFacts());
    expect(health).toEqual({
      planId: "pay",
      evaluatedAt: NOW.toISOString(),
      verdict: "READY",
      findings: [],
      counts: { blockers: 0, warnings: 0, servers: 4 },
      members: { db: [sid(1), sid(2)], web: [sid(3), sid(4)] },
    });
  });

  it("reports nothing but the drill gate from the source servers alone", () => {
    const servers = [...FLEET.slice(1), server(1, "db", "CONTINUOUS", "PT20M")];
    const health = assess({ servers, quotas: DEFAULT_LAUNCH_QUOTAS });
    expect(health.findings).toMatchObject([
      { code: "LAG_OVER_RPO", severity: "BLOCKS_DRILL", sourceServerId: sid(1), path: "rpo" },
    ]);
    expect(health.findings[0]?.message).toContain("lag 20m exceeds the RPO of 15m");
  });

  it("names a listed source server that DRS no longer has, at its place in the plan", () => {
    const listed = plan({ groups: [{ id: "db", select: { sourceServerIds: [sid(1), sid(9)] } }] });
    const health = assessPlanHealth(listed, { servers: FLEET, quotas: DEFAULT_LAUNCH_QUOTAS }, { now: NOW });
    expect(health.findings).toMatchObject([
      {
        code: "SOURCE_SERVER_MISSING",
        severity: "BLOCKS_RECOVERY",
        sourceServerId: sid(9),
        path: "groups[0].select.sourceServerIds[1]",
      },
    ]);
    expect(health.findings[0]?.fix).toContain("groups[0].select.sourceServerIds");
  });

  it("flags a private IP outside its subnet or on an address EC2 reserves", () => {
    for (const ip of ["10.0.1.20", "10.0.0.1", "10.0.0.255"]) {
      const facts = cleanFacts();
      const moved = plan({
        groups: [
          { ...PLAN.groups[0], servers: { [sid(1)]: { privateIp: ip } } } as PlanInput["groups"][number],
          PLAN.groups[1] as PlanInput["groups"][number],
        ],
      });
      const health = assessPlanHealth(moved, { ...facts, launchStates: undefined }, { now: NOW });
      expect(health.findings, ip).toMatchObject([
        {
          code: "PRIVATE_IP_OUTSIDE_SUBNET",
          severity: "BLOCKS_RECOVERY",
          groupId: "db",
          sourceServerId: sid(1),
          path: `groups[0].servers.${sid(1)}.privateIp`,
          resourceId: SUBNET_A,
        },
      ]);
    }
  });

  it("reports a missing plan-level subnet once, naming the servers it affects", () => {
    const facts = { ...cleanFacts(), subnets: [{ subnetId: SUBNET_B, cidrBlock: "10.0.1.0/24" }] };
    const health = assess(facts);
    expect(health.findings).toMatchObject([
      { code: "SUBNET_MISSING", path: "launch.subnetId", resourceId: SUBNET_A, severity: "BLOCKS_RECOVERY" },
    ]);
    expect(health.findings[0]?.message).toContain(`4 servers ${sid(1)}, ${sid(2)}, ${sid(3)}, ${sid(4)}`);
    expect(health.findings[0]).not.toHaveProperty("groupId");
  });

  it("blocks both modes for a launch template that is gone, or that DRS does not name", () => {
    const facts = cleanFacts();
    const states = new Map(facts.launchStates);
    states.set(sid(3), { found: false, launchTemplateId: "lt-0123456789abcdef0" });
    states.set(sid(4), { found: false });
    const health = assess({ ...facts, launchStates: states });
    expect(health.findings).toMatchObject([
      { code: "LAUNCH_TEMPLATE_MISSING", sourceServerId: sid(3), resourceId: "lt-0123456789abcdef0" },
      { code: "LAUNCH_TEMPLATE_MISSING", sourceServerId: sid(4) },
    ]);
    expect(health.verdict).toBe("RECOVERY_BLOCKED");
  });

  it("leaves alone template versions that runs made (a cleaned-up drill moves the default back), flags hand-made ones", () => {
    const facts = cleanFacts();
    const states = new Map(facts.launchStates);
    const base = states.get(sid(3)) as Extract<LaunchStateFact, { found: true }>;
    states.set(sid(3), {
      ...base,
      latestVersion: 3,
      newerVersions: [{ versionNumber: 3, description: launchTemplateVersionDescription("pay-drill-1") }],
    });
    expect(assess({ ...facts, launchStates: states }).findings).toEqual([]);

    states.set(sid(3), {
      ...base,
      latestVersion: 4,
      newerVersions: [
        { versionNumber: 3, description: launchTemplateVersionDescription("pay-drill-1") },
        {
          versionNumber: 4,
          createdBy: "arn:aws:iam::111122223333:user/alice",
          createdAt: "2026-11-20T08:00:00.000Z",
        },
      ],
    });
    const [moved] = assess({ ...facts, launchStates: states }).findings;
    expect(moved).toMatchObject({
      code: "TEMPLATE_DEFAULT_MOVED",
      sourceServerId: sid(3),
      severity: "WARNING",
    });
    expect(moved?.message).toContain(
      "version 4 by arn:aws:iam::111122223333:user/alice at 2026-11-20T08:00:00.000Z",
    );
  });

  it("says what differs when the launch settings drifted, in the plan's field names", () => {
    const facts = cleanFacts();
    // The other servers already hold copyTags: false, as the drifted plan sets it.
    const states = new Map(
      [...(facts.launchStates ?? [])].map(([id, state]) => {
        const found = state as Extract<LaunchStateFact, { found: true }>;
        const launchConfiguration = { ...found.current.launchConfiguration, copyTags: false };
        return [id, { ...found, current: { ...found.current, launchConfiguration } }];
      }),
    );
    const base = states.get(sid(4)) as Extract<LaunchStateFact, { found: true }>;
    states.set(sid(4), {
      ...base,
      current: {
        launchConfiguration: { copyTags: true },
        templateData: { subnetId: SUBNET_B, securityGroupIds: [SG_WEB, SG_DB], instanceProfile: "other" },
      },
    });
    const drifted = plan({ launch: { ...PLAN.launch, copyTags: false } });
    const health = assessPlanHealth(drifted, { ...facts, launchStates: states }, { now: NOW });
    expect(health.findings.map((f) => [f.code, f.sourceServerId])).toEqual([
      ["LAUNCH_CONFIGURATION_DRIFT", sid(4)],
    ]);
    expect(health.findings[0]?.message).toContain(
      `copyTags true → false; subnetId ${SUBNET_B} → ${SUBNET_A}; securityGroupIds ${SG_WEB},${SG_DB} → ${SG_WEB}; instanceProfile other → ${PROFILE}`,
    );
  });

  it("counts leftover drill instances per drill, ignoring running drills, gone instances and other servers", () => {
    const instances: RecoveryInstanceFact[] = [
      {
        recoveryInstanceId: "i-1",
        sourceServerId: sid(1),
        isDrill: true,
        executionId: "pay-drill-1",
        executionRunning: false,
        ec2InstanceState: "RUNNING",
      },
      {
        recoveryInstanceId: "i-2",
        sourceServerId: sid(2),
        isDrill: true,
        executionId: "pay-drill-1",
        executionRunning: false,
        ec2InstanceState: "STOPPED",
      },
      {
        recoveryInstanceId: "i-3",
        sourceServerId: sid(3),
        isDrill: true,
        executionId: "pay-drill-2",
        executionRunning: true,
      },
      { recoveryInstanceId: "i-4", sourceServerId: sid(4), isDrill: true, ec2InstanceState: "TERMINATED" },
      { recoveryInstanceId: "i-5", sourceServerId: sid(4), isDrill: true },
      { recoveryInstanceId: "i-6", sourceServerId: sid(9), isDrill: true },
    ];
    const health = assess({ ...cleanFacts(), recoveryInstances: instances });
    expect(health.findings.map((f) => [f.code, f.resourceId])).toEqual([
      ["LEFTOVER_DRILL_INSTANCES", undefined],
      ["LEFTOVER_DRILL_INSTANCES", "pay-drill-1"],
    ]);
    expect(health.findings[1]?.message).toContain(`2 drill recovery instances of drill pay-drill-1`);
    expect(health.findings[0]?.fix).toContain("DRS console");
  });

  it("warns of a live production instance on a selected server, which a RECOVERY would refuse to replace", () => {
    const instances: RecoveryInstanceFact[] = [
      {
        recoveryInstanceId: "i-7",
        sourceServerId: sid(2),
        isDrill: false,
        executionId: "pay-recovery-1",
        ec2InstanceState: "RUNNING",
      },
      { recoveryInstanceId: "i-8", sourceServerId: sid(3), isDrill: false, ec2InstanceState: "TERMINATED" },
    ];
    const health = assess({ ...cleanFacts(), recoveryInstances: instances });
    expect(health.findings).toMatchObject([
      {
        code: "LIVE_RECOVERY_INSTANCE",
        severity: "WARNING",
        groupId: "db",
        sourceServerId: sid(2),
        resourceId: "i-7",
      },
    ]);
    expect(health.findings[0]?.message).toContain("RECOVERY pay-recovery-1");
  });
});

describe("launchRounds", () => {
  it("one round while every job fits in the quotas at once, more when they do not", () => {
    const ids = Array.from({ length: 250 }, (_, i) => sid(i + 1));
    expect(launchRounds(batchWave(1, ids), DEFAULT_LAUNCH_QUOTAS)).toBe(1);
    const tight = { maxServersPerJob: 50, maxConcurrentJobs: 2, maxServersInActiveJobs: 500 };
    expect(launchRounds(batchWave(1, ids, tight), tight)).toBe(3);
    const fewServers = { maxServersPerJob: 100, maxConcurrentJobs: 20, maxServersInActiveJobs: 200 };
    expect(launchRounds(batchWave(1, ids, fewServers), fewServers)).toBe(2);
  });
});

// Property tests over arbitrary accounts: PLAN over any servers, with any subset of facts.

const REPLICATION = ["CONTINUOUS", "STALLED", "DISCONNECTED", "INITIAL_SYNC", "BACKLOG"] as const;

const serverArb = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  tier: fc.constantFrom("db", "web", "other"),
  state: fc.constantFrom(...REPLICATION),
  lagMinutes: fc.integer({ min: 0, max: 40 }),
});

const launchStateArb: fc.Arbitrary<LaunchStateFact> = fc.oneof(
  fc.constant<LaunchStateFact>({ found: false }),
  fc
    .record({
      subnetId: fc.constantFrom(SUBNET_A, SUBNET_B),
      groups: fc.subarray([SG_WEB, SG_DB], { minLength: 1 }),
      profile: fc.constantFrom(PROFILE, "other"),
      disposition: fc.constantFrom("STARTED" as const, "STOPPED" as const),
      byHand: fc.boolean(),
    })
    .map(
      ({ subnetId, groups, profile, disposition, byHand }): LaunchStateFact => ({
        found: true,
        launchTemplateId: "lt-0123456789abcdef0",
        defaultVersion: 1,
        latestVersion: byHand ? 2 : 1,
        newerVersions: byHand ? [{ versionNumber: 2, description: "by hand" }] : [],
        current: {
          launchConfiguration: { launchDisposition: disposition },
          templateData: { subnetId, securityGroupIds: groups, instanceProfile: profile },
        },
      }),
    ),
);

const instanceArb = fc.record({
  n: fc.integer({ min: 1, max: 8 }),
  isDrill: fc.boolean(),
  state: fc.constantFrom("RUNNING", "STOPPED", "TERMINATED"),
  execution: fc.constantFrom(undefined, "pay-drill-1", "pay-recovery-1"),
  running: fc.boolean(),
});

const factsArb = fc
  .record({
    servers: fc.uniqueArray(serverArb, { selector: (s) => s.n, maxLength: 8 }),
    snapshotted: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    launchStates: fc.array(launchStateArb, { minLength: 8, maxLength: 8 }),
    subnets: fc.subarray([SUBNET_A, SUBNET_B]),
    cidr: fc.constantFrom("10.0.0.0/24", "10.0.1.0/24"),
    securityGroupIds: fc.subarray([SG_WEB, SG_DB]),
    profileExists: fc.boolean(),
    instances: fc.array(instanceArb, { maxLength: 6 }),
    otherPlan: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8].map(sid)),
    previous: fc.record({ db: fc.subarray([1, 2, 3, 4].map(sid)), web: fc.subarray([3, 4, 5, 6].map(sid)) }),
    quotas: fc.record({
      maxServersPerJob: fc.integer({ min: 1, max: 4 }),
      maxConcurrentJobs: fc.integer({ min: 1, max: 3 }),
      maxServersInActiveJobs: fc.integer({ min: 1, max: 6 }),
    }),
  })
  .map(
    ({
      servers,
      snapshotted,
      launchStates,
      subnets,
      cidr,
      securityGroupIds,
      profileExists,
      instances,
      otherPlan,
      previous,
      quotas,
    }) => {
      const facts: PlanFacts = {
        servers: servers.map((s) => server(s.n, s.tier, s.state, `PT${s.lagMinutes}M`)),
        snapshots: new Map(
          snapshotted.map((has, i) => [
            sid(i + 1),
            has ? [{ snapshotId: "pit-1", takenAt: "2026-11-21T09:00:00Z" }] : [],
          ]),
        ),
        launchStates: new Map(launchStates.map((state, i) => [sid(i + 1), state])),
        subnets: subnets.map((subnetId) => ({
          subnetId,
          cidrBlock: subnetId === SUBNET_A ? cidr : "10.0.1.0/24",
        })),
        securityGroupIds,
        instanceProfiles: new Map([[PROFILE, profileExists]]),
        recoveryInstances: instances.map((i, k) => ({
          recoveryInstanceId: `i-${k}`,
          sourceServerId: sid(i.n),
          isDrill: i.isDrill,
          ec2InstanceState: i.state,
          ...(i.execution && { executionId: i.execution, executionRunning: i.running }),
        })),
        otherPlans: [{ planId: "other", sourceServerIds: otherPlan }],
        quotas,
      };
      return { facts, previous: { members: previous } };
    },
  );

/** Which finding codes each optional fact (or the previous evaluation) can produce, and nothing else can. */
const CODES_OF: Record<string, readonly string[]> = {
  snapshots: ["NO_SNAPSHOT"],
  launchStates: ["LAUNCH_CONFIGURATION_DRIFT", "TEMPLATE_DEFAULT_MOVED", "LAUNCH_TEMPLATE_MISSING"],
  subnets: ["SUBNET_MISSING", "PRIVATE_IP_OUTSIDE_SUBNET"],
  securityGroupIds: ["SECURITY_GROUP_MISSING"],
  instanceProfiles: ["INSTANCE_PROFILE_MISSING"],
  recoveryInstances: ["LEFTOVER_DRILL_INSTANCES", "LIVE_RECOVERY_INSTANCE"],
  otherPlans: ["SERVER_IN_TWO_PLANS"],
  previous: ["SERVER_JOINED_GROUP", "SERVER_LEFT_GROUP"],
};

describe("assessPlanHealth properties", () => {
  it("the verdict and counts follow from the findings, which are sorted and each about its own subject", () => {
    fc.assert(
      fc.property(factsArb, ({ facts, previous }) => {
        const health = assess(facts, previous);
        expect(health.verdict).toBe(planVerdict(health.findings));
        const blockers = health.findings.filter((f) => f.severity !== "WARNING").length;
        expect(health.counts).toMatchObject({ blockers, warnings: health.findings.length - blockers });
        for (let i = 1; i < health.findings.length; i++) {
          expect(
            compareFindings(health.findings[i - 1] as PlanFinding, health.findings[i] as PlanFinding),
          ).toBeLessThanOrEqual(0);
        }
        const keys = health.findings.map(findingKey);
        expect(new Set(keys).size).toBe(keys.length);
        for (const f of health.findings) expect(f.message.length * f.fix.length).toBeGreaterThan(0);
      }),
    );
  });

  it("a fact that was not looked up yields none of its findings and changes no other", () => {
    fc.assert(
      fc.property(factsArb, fc.subarray(Object.keys(CODES_OF)), ({ facts, previous }, absent) => {
        const full = assess(facts, previous);
        const partial: Record<string, unknown> = { ...facts };
        for (const name of absent) delete partial[name];
        const health = assess(
          partial as unknown as PlanFacts,
          absent.includes("previous") ? undefined : previous,
        );
        const dropped = new Set(absent.flatMap((name) => CODES_OF[name] ?? []));
        expect(health.findings).toEqual(full.findings.filter((f) => !dropped.has(f.code)));
      }),
    );
  });
});

describe("healthChange properties", () => {
  const findingArb = fc.record({
    code: fc.constantFrom("GROUP_EMPTY", "LAG_OVER_RPO", "SUBNET_MISSING", "LEFTOVER_DRILL_INSTANCES"),
    severity: fc.constantFrom("BLOCKS_RECOVERY" as const, "BLOCKS_DRILL" as const, "WARNING" as const),
    category: fc.constantFrom("selection" as const, "readiness" as const, "network" as const),
    message: fc.string(),
    fix: fc.string(),
    sourceServerId: fc.constantFrom(sid(1), sid(2), sid(3)),
  });
  const healthArb = fc.uniqueArray(findingArb, { selector: findingKey, maxLength: 6 }).map(
    (findings): PlanHealth => ({
      planId: "pay",
      evaluatedAt: NOW.toISOString(),
      verdict: planVerdict(findings),
      findings,
      counts: { blockers: 0, warnings: 0, servers: 0 },
      members: {},
    }),
  );
  const keysOf = (findings: readonly PlanFinding[]) => findings.map(findingKey).sort();

  it("is empty for identical evaluations, even when their wording differs", () => {
    fc.assert(
      fc.property(healthArb, (health) => {
        expect(healthChange(health, structuredClone(health))).toBeUndefined();
        const reworded = {
          ...health,
          findings: health.findings.map((f) => ({ ...f, message: `${f.message}!` })),
        };
        expect(healthChange(health, reworded)).toBeUndefined();
      }),
    );
  });

  it("what one way adds the other way removes, and the verdicts are those of the evaluations", () => {
    fc.assert(
      fc.property(healthArb, healthArb, (a, b) => {
        const forward = healthChange(a, b);
        const backward = healthChange(b, a);
        expect(keysOf(forward?.added ?? [])).toEqual(keysOf(backward?.removed ?? []));
        expect(keysOf(forward?.removed ?? [])).toEqual(keysOf(backward?.added ?? []));
        if (forward) expect(forward).toMatchObject({ previousVerdict: a.verdict, verdict: b.verdict });
        if (a.verdict !== b.verdict) expect(forward).toBeDefined();
      }),
    );
  });

  it("a first evaluation announces its findings, and nothing when it has none", () => {
    fc.assert(
      fc.property(healthArb, (health) => {
        const change = healthChange(undefined, health);
        expect(keysOf(change?.added ?? [])).toEqual(keysOf(health.findings));
        expect(change?.removed ?? []).toEqual([]);
        if (change) expect(change).not.toHaveProperty("previousVerdict");
      }),
    );
  });
});
