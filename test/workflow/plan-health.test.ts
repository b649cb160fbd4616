import {
  TagResourceCommand,
  UntagResourceCommand,
  UpdateLaunchConfigurationCommand,
} from "@aws-sdk/client-drs";
import {
  CreateLaunchTemplateVersionCommand,
  DescribeLaunchTemplatesCommand,
  ModifyLaunchTemplateCommand,
} from "@aws-sdk/client-ec2";
import { type FleetInput, healthChange, type PlanFinding, type PlanHealth } from "@drs-orchestrator/core";
import { createEngineContext, type EngineContext, evaluatePlan } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";

/**
 * Plan health on the local runtime, through the real SDK clients: for each finding, the drift that
 * causes it is made on the runtime (through the AWS APIs where AWS has one, the emulators' drift
 * methods otherwise) and evaluatePlan reports exactly that finding: nothing else is added or
 * removed against the evaluation before it.
 */

const SUBNET_DEFAULT = "subnet-0aaaaaaaaaaaaaaa1";
const SUBNET_SHOP = "subnet-0aaaaaaaaaaaaaaa2";
const SG_DEFAULT = "sg-0bbbbbbbbbbbbbbb1";
const SG_SHOP = "sg-0bbbbbbbbbbbbbbb2";
const SG_DB = "sg-0bbbbbbbbbbbbbbb3";
const PROFILE = "shop-recovered";

const DB = ["s-00000000000000db1", "s-00000000000000db2"];
const APP = ["s-0000000000000app1", "s-0000000000000app2"];
const FRESH = "s-00000000000fresh1";
const BATCH = ["s-00000000000batch1", "s-00000000000batch2"];
const SPARE = "s-00000000000spare1";

function server(id: string, tags: Record<string, string>, state = "CONTINUOUS") {
  return {
    sourceServerID: id,
    tags,
    dataReplicationInfo: { dataReplicationState: state, lagDuration: "PT2S" },
    sourceProperties: { recommendedInstanceType: "m6i.large", identificationHints: { hostname: id } },
  };
}

const FLEET = {
  accountId: "111122223333",
  region: "us-east-1",
  subnets: [
    { subnetId: SUBNET_DEFAULT, cidrBlock: "10.20.0.0/20", availabilityZone: "us-east-1a" },
    { subnetId: SUBNET_SHOP, cidrBlock: "10.20.16.0/20", availabilityZone: "us-east-1b" },
  ],
  securityGroupIds: [SG_DEFAULT, SG_SHOP, SG_DB],
  instanceProfiles: [PROFILE],
  launchDefaults: { subnetId: SUBNET_DEFAULT, securityGroupIds: [SG_DEFAULT] },
  sourceServers: [
    ...DB.map((id) => server(id, { app: "shop", tier: "db" })),
    ...APP.map((id) => server(id, { app: "shop", tier: "app" })),
    server(FRESH, { app: "fresh" }, "INITIAL_SYNC"),
    ...BATCH.map((id) => server(id, { app: "batch" })),
    server(SPARE, { app: "spare" }),
  ],
} as FleetInput;

/** Two waves (db, then app) launched into the shop's own subnet, groups and instance profile. */
const SHOP = {
  id: "shop",
  name: "Shop",
  rto: "1h",
  rpo: "15m",
  launch: {
    subnetId: SUBNET_SHOP,
    securityGroupIds: [SG_SHOP],
    instanceProfile: PROFILE,
    launchDisposition: "STARTED",
  },
  groups: [
    { id: "db", select: { tags: { app: "shop", tier: "db" } }, launch: { securityGroupIds: [SG_DB] } },
    { id: "app", dependsOn: ["db"], select: { tags: { app: "shop", tier: "app" } } },
  ],
};

const BATCH_PLAN = {
  id: "batch",
  name: "Batch",
  rto: "1h",
  rpo: "15m",
  groups: [{ id: "workers", select: { tags: { app: "batch" } } }],
};

let env: DeployedApp;
let engine: EngineContext;

/** What the findings are about, without their wording. */
function subjects(findings: readonly PlanFinding[]) {
  return findings.map(({ code, severity, category, groupId, sourceServerId, path, resourceId, wave }) => ({
    code,
    severity,
    category,
    ...(groupId !== undefined && { groupId }),
    ...(sourceServerId !== undefined && { sourceServerId }),
    ...(path !== undefined && { path }),
    ...(resourceId !== undefined && { resourceId }),
    ...(wave !== undefined && { wave }),
  }));
}

async function evaluate(target: { planId: string } | { document: unknown }, previous?: PlanHealth) {
  return evaluatePlan(engine, target, { now: env.local.clock.now(), ...(previous && { previous }) });
}

/** Evaluates the plan again and returns the findings added since `before`; fails when any was removed. */
async function addedSince(before: PlanHealth, planId = "shop") {
  const after = await evaluate({ planId }, before);
  const change = healthChange(before, after);
  expect(change?.removed ?? []).toEqual([]);
  return { after, added: change?.added ?? [] };
}

async function templateOf(sourceServerId: string): Promise<{ id: string; latest: number }> {
  const id = env.local.ec2.launchTemplateIdOf(sourceServerId) as string;
  const { LaunchTemplates } = await env.ec2.send(
    new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [id] }),
  );
  return { id, latest: LaunchTemplates?.[0]?.LatestVersionNumber as number };
}

/** Sets a server's launch template to the plan's network and profile, as an operator once did. */
async function prepareTemplate(sourceServerId: string, groups: string[]) {
  const { id } = await templateOf(sourceServerId);
  const created = await env.ec2.send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: id,
      SourceVersion: "$Default",
      LaunchTemplateData: {
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: SUBNET_SHOP, Groups: groups }],
        IamInstanceProfile: { Name: PROFILE },
      },
    }),
  );
  await env.ec2.send(
    new ModifyLaunchTemplateCommand({
      LaunchTemplateId: id,
      DefaultVersion: String(created.LaunchTemplateVersion?.VersionNumber),
    }),
  );
}

const arnOf = (sourceServerId: string) =>
  `arn:aws:drs:us-east-1:111122223333:source-server/${sourceServerId}`;

beforeAll(async () => {
  env = await startDeployedApp({ fleet: FLEET });
  engine = env.engine;
  for (const id of DB) await prepareTemplate(id, [SG_DB]);
  for (const id of APP) await prepareTemplate(id, [SG_SHOP]);
  await env.applyPlan(SHOP);
  await env.applyPlan(BATCH_PLAN);
}, 60_000);

afterAll(() => env?.stop());

describe("plan health on the local runtime", () => {
  let clean: PlanHealth;

  it("a plan whose servers, settings and resources are all in order is READY with no finding", async () => {
    clean = await evaluate({ planId: "shop" });
    expect(clean).toMatchObject({
      planId: "shop",
      planVersion: 1,
      verdict: "READY",
      findings: [],
      counts: { blockers: 0, warnings: 0, servers: 4 },
      members: { db: DB, app: APP },
    });
    expect(healthChange(undefined, clean)).toBeUndefined();
  });

  it("a group whose servers lost their tags selects nothing: blocks both modes; the servers that left are named", async () => {
    for (const id of APP) {
      await env.drs.send(new UntagResourceCommand({ resourceArn: arnOf(id), tagKeys: ["tier"] }));
    }
    const { after: emptied, added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "GROUP_EMPTY",
        severity: "BLOCKS_RECOVERY",
        category: "selection",
        groupId: "app",
        path: "groups[1].select",
      },
      ...APP.map((id) => ({
        code: "SERVER_LEFT_GROUP",
        severity: "WARNING",
        category: "selection",
        groupId: "app",
        sourceServerId: id,
        path: "groups[1].select",
      })),
    ]);
    expect(emptied.verdict).toBe("RECOVERY_BLOCKED");
    expect(emptied.members.app).toEqual([]);

    for (const id of APP) {
      await env.drs.send(new TagResourceCommand({ resourceArn: arnOf(id), tags: { tier: "app" } }));
    }
    const back = await evaluate({ planId: "shop" }, emptied);
    expect(subjects(back.findings)).toEqual(
      APP.map((id) => ({
        code: "SERVER_JOINED_GROUP",
        severity: "WARNING",
        category: "selection",
        groupId: "app",
        sourceServerId: id,
        path: "groups[1].select",
      })),
    );
    expect(back.verdict).toBe("READY");
    expect((await evaluate({ planId: "shop" }, back)).findings).toEqual([]);
  });

  it("a server another stored plan selects too is a warning naming that plan", async () => {
    await env.applyPlan({
      ...BATCH_PLAN,
      id: "reports",
      name: "Reports",
      groups: [{ id: "r", select: { sourceServerIds: [DB[0]] } }],
    });
    const { added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "SERVER_IN_TWO_PLANS",
        severity: "WARNING",
        category: "selection",
        groupId: "db",
        sourceServerId: DB[0],
      },
    ]);
    expect(added[0]?.otherPlans).toEqual(["reports"]);
    // The other plan moves off the server: the warning goes.
    await env.applyPlan({
      ...BATCH_PLAN,
      id: "reports",
      name: "Reports",
      groups: [{ id: "r", select: { sourceServerIds: [SPARE] } }],
    });
    expect((await evaluate({ planId: "shop" })).findings).toEqual([]);
  });

  it("stalled replication blocks a drill, with the state in the message", async () => {
    env.local.drs.stallReplication([APP[0] as string]);
    const { after, added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "REPLICATION_STALLED",
        severity: "BLOCKS_DRILL",
        category: "readiness",
        groupId: "app",
        sourceServerId: APP[0],
      },
    ]);
    expect(added[0]?.message).toContain("STALLED");
    expect(after.verdict).toBe("DRILL_BLOCKED");
    env.local.drs.resumeReplication([APP[0] as string]);
    expect((await evaluate({ planId: "shop" })).findings).toEqual([]);
  });

  it("disconnected replication blocks a drill but not a RECOVERY, which has the server's snapshots", async () => {
    env.local.drs.setReplication(APP[1] as string, { state: "DISCONNECTED" });
    const { after, added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "REPLICATION_DISCONNECTED",
        severity: "BLOCKS_DRILL",
        category: "readiness",
        groupId: "app",
        sourceServerId: APP[1],
      },
    ]);
    expect(after.verdict).toBe("DRILL_BLOCKED");
    env.local.drs.resumeReplication([APP[1] as string]);
    expect((await evaluate({ planId: "shop" })).findings).toEqual([]);
  });

  it("a server that never finished its initial sync has no snapshot: blocks a RECOVERY; with notReady: skip both are warnings", async () => {
    const fresh = {
      ...BATCH_PLAN,
      id: "fresh",
      name: "Fresh",
      groups: [{ id: "new", select: { tags: { app: "fresh" } } }],
    };
    const health = await evaluate({ document: fresh });
    expect(subjects(health.findings)).toEqual([
      {
        code: "NO_SNAPSHOT",
        severity: "BLOCKS_RECOVERY",
        category: "readiness",
        groupId: "new",
        sourceServerId: FRESH,
      },
      {
        code: "REPLICATION_NOT_CONTINUOUS",
        severity: "BLOCKS_DRILL",
        category: "readiness",
        groupId: "new",
        sourceServerId: FRESH,
      },
    ]);
    expect(health).toMatchObject({ verdict: "RECOVERY_BLOCKED", counts: { blockers: 2, warnings: 0 } });
    expect(health.planVersion).toBeUndefined();

    const skipping = await evaluate({ document: { ...fresh, failure: { notReady: "skip" } } });
    expect(skipping.findings.map((finding) => finding.severity)).toEqual(["WARNING", "WARNING"]);
    expect(skipping.verdict).toBe("READY");
    for (const finding of skipping.findings)
      expect(finding.message).toContain("without it (failure.notReady: skip)");
  });

  it("a launch configuration changed by hand is drift: a warning saying what differs", async () => {
    await env.drs.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: APP[0], launchDisposition: "STOPPED" }),
    );
    const { added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "LAUNCH_CONFIGURATION_DRIFT",
        severity: "WARNING",
        category: "launch-settings",
        groupId: "app",
        sourceServerId: APP[0],
        resourceId: (await templateOf(APP[0] as string)).id,
      },
    ]);
    expect(added[0]?.message).toContain("launchDisposition STOPPED → STARTED");
    await env.drs.send(
      new UpdateLaunchConfigurationCommand({ sourceServerID: APP[0], launchDisposition: "STARTED" }),
    );
    expect((await evaluate({ planId: "shop" })).findings).toEqual([]);
  });

  it("a launch template version made by hand behind the default is a warning naming the template", async () => {
    const template = await templateOf(DB[1] as string);
    const version = env.local.ec2.createVersionByHand(template.id);
    const { added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "TEMPLATE_DEFAULT_MOVED",
        severity: "WARNING",
        category: "launch-settings",
        groupId: "db",
        sourceServerId: DB[1],
        resourceId: template.id,
      },
    ]);
    expect(added[0]?.message).toContain(`although version ${version}`);
    // Made the default, the hand-made copy is what DRS launches: nothing left behind, nothing differs.
    env.local.ec2.setDefaultVersion(template.id, version);
    expect((await evaluate({ planId: "shop" })).findings).toEqual([]);
  });

  it("a wave that needs more DRS jobs than may run at once is a capacity warning with the count", async () => {
    const tight = createEngineContext({
      ...env.local.env,
      ...env.app.environment,
      DRS_MAX_SERVERS_PER_JOB: "1",
      DRS_MAX_CONCURRENT_JOBS: "1",
    });
    const health = await evaluatePlan(tight, { planId: "shop" }, { now: env.local.clock.now() });
    expect(subjects(health.findings)).toEqual(
      [1, 2].map((wave) => ({
        code: "WAVE_OVER_DRS_QUOTA",
        severity: "WARNING",
        category: "capacity",
        wave,
      })),
    );
    expect(health.findings[0]?.message).toContain("2 servers in 2 jobs of up to 1");
    expect(health.findings[0]?.message).toContain("in 2 rounds");
  });

  it("drill instances an ended drill did not clean up are a capacity warning naming the drill", async () => {
    const before = await evaluate({ planId: "batch" });
    expect(before.findings).toEqual([]);
    const drill = await env.drill("batch");
    expect(drill.status).toBe("SUCCEEDED");
    const { added } = await addedSince(before, "batch");
    expect(subjects(added)).toEqual([
      {
        code: "LEFTOVER_DRILL_INSTANCES",
        severity: "WARNING",
        category: "capacity",
        resourceId: drill.meta.executionId,
      },
    ]);
    expect(added[0]?.message).toContain(`2 drill recovery instances of drill ${drill.meta.executionId}`);
    expect(added[0]?.fix).toContain(`recover cleanup ${drill.meta.executionId}`);
  });

  it("the live instances of an earlier RECOVERY are a conflict warning; they replaced the drill's", async () => {
    const outcome = await env.start({
      planId: "batch",
      mode: "RECOVERY",
      confirm: "batch",
      reason: "plan health test",
      requestedBy: "workflow-tests",
    });
    if (!outcome.ok) throw new Error(`${outcome.errorType}: ${outcome.errorMessage}`);
    const recovery = await env.waitForEnd(outcome.started);
    expect(recovery.status).toBe("SUCCEEDED");
    const health = await evaluate({ planId: "batch" });
    const live = env.local.drs.recoveryInstances().filter((instance) => instance.isDrill === false);
    expect(subjects(health.findings)).toEqual(
      BATCH.map((id) => ({
        code: "LIVE_RECOVERY_INSTANCE",
        severity: "WARNING",
        category: "conflict",
        groupId: "workers",
        sourceServerId: id,
        resourceId: live.find((instance) => instance.sourceServerID === id)?.recoveryInstanceID,
      })),
    );
    expect(health.findings[0]?.message).toContain(`RECOVERY ${recovery.meta.executionId}`);
    expect(health.findings[0]?.message).toContain("replaceExisting");
    expect(health.verdict).toBe("READY");
  });

  it("a subnet the plan names that is deleted blocks both modes, naming the plan field and the servers", async () => {
    env.local.ec2.deleteSubnet(SUBNET_SHOP);
    const { added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "SUBNET_MISSING",
        severity: "BLOCKS_RECOVERY",
        category: "network",
        path: "launch.subnetId",
        resourceId: SUBNET_SHOP,
      },
    ]);
    expect(added[0]?.message).toContain("4 servers");
    clean = await evaluate({ planId: "shop" });
  });

  it("a security group a group names that is deleted blocks both modes, at the group's field", async () => {
    env.local.ec2.deleteSecurityGroup(SG_DB);
    const { added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "SECURITY_GROUP_MISSING",
        severity: "BLOCKS_RECOVERY",
        category: "network",
        groupId: "db",
        path: "groups[0].launch.securityGroupIds",
        resourceId: SG_DB,
      },
    ]);
    clean = await evaluate({ planId: "shop" });
  });

  it("an instance profile the plan names that is deleted blocks both modes", async () => {
    env.local.iam.deleteInstanceProfile(PROFILE);
    const { after, added } = await addedSince(clean);
    expect(subjects(added)).toEqual([
      {
        code: "INSTANCE_PROFILE_MISSING",
        severity: "BLOCKS_RECOVERY",
        category: "identity",
        path: "launch.instanceProfile",
        resourceId: PROFILE,
      },
    ]);
    expect(after.verdict).toBe("RECOVERY_BLOCKED");
  });
});
