import { DescribeRecoveryInstancesCommand, GetLaunchConfigurationCommand } from "@aws-sdk/client-drs";
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand } from "@aws-sdk/client-ec2";
import {
  applyLaunchSettings,
  keys,
  launchBatches,
  type ServerItem,
  type WaveItem,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { examplePlan, nowOf, type SeededExecution, seedExecution, settle } from "./launch-fixtures";

const PRIMARY = "s-7c3596b519091e6eb";
const REPLICA = "s-c4ccb4e6c579fb1fa";
const STOPPED_API = "s-bcade8012ff37108a";
const WORKER = "s-4685e77302e02c076";

describe("apply-launch-settings", () => {
  let env: LocalEngine;
  let run: SeededExecution;
  beforeAll(async () => {
    env = await startLocalEngine({ speed: 3000 });
    run = await seedExecution(env, {
      executionId: "payments-drill-settings",
      document: await examplePlan("overrides-hooks-approval"),
    });
  });
  afterAll(() => env.stop());

  const server = (wave: number, id: string) =>
    env.engine.executions.get<ServerItem>(keys.server(run.executionId, wave, id));

  async function templateOf(sourceServerId: string) {
    const configuration = await env.engine.aws.drs.send(
      new GetLaunchConfigurationCommand({ sourceServerID: sourceServerId }),
    );
    const versions = await env.engine.aws.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: configuration.ec2LaunchTemplateID }),
    );
    const all = versions.LaunchTemplateVersions ?? [];
    return { configuration, versions: all, byDefault: all.find((version) => version.DefaultVersion) };
  }

  it("applies each server's effective settings once: DRS fields and one new default template version", async () => {
    const result = await applyLaunchSettings(
      { executionId: run.executionId, wave: 1, now: nowOf(env) },
      env.engine,
    );
    expect(result).toEqual({ changed: 2, unchanged: 0, warnings: 0 });

    const primary = await templateOf(PRIMARY);
    expect(primary.versions.map((version) => version.VersionNumber).sort()).toEqual([1, 2]);
    expect(primary.byDefault?.VersionNumber).toBe(2);
    const data = primary.byDefault?.LaunchTemplateData;
    expect(data?.InstanceType).toBe("r6i.2xlarge");
    expect(data?.NetworkInterfaces?.[0]).toMatchObject({
      DeviceIndex: 0,
      SubnetId: "subnet-0a1b2c3d4e5f60002",
      Groups: ["sg-0a1b2c3d4e5f60002"],
      PrivateIpAddress: "10.10.16.15",
    });
    expect(data?.IamInstanceProfile?.Name).toBe("drs-recovered-payments");
    expect(primary.configuration).toMatchObject({
      targetInstanceTypeRightSizingMethod: "NONE",
      copyTags: true,
      copyPrivateIp: false,
      launchDisposition: "STARTED",
    });

    expect(await server(1, PRIMARY)).toMatchObject({
      settingsApplied: true,
      settings: {
        ec2LaunchTemplateID: primary.configuration.ec2LaunchTemplateID,
        previousDefaultVersion: 1,
        appliedVersion: 2,
        // The fleet's DRS defaults, to revert a drill to.
        previousLaunchConfiguration: { targetInstanceTypeRightSizingMethod: "BASIC", copyTags: false },
        warnings: [],
      },
    });
    const wave = await env.engine.executions.get<WaveItem>(keys.wave(run.executionId, 1));
    expect(wave).toMatchObject({ status: "LAUNCHING", startedAt: expect.any(String) });
  });

  it("changes nothing when run again", async () => {
    const creates = env.local.ec2.calls.CreateLaunchTemplateVersion ?? 0;
    const updates = env.local.drs.counters.calls.UpdateLaunchConfiguration ?? 0;
    const before = await server(1, PRIMARY);
    const result = await applyLaunchSettings(
      { executionId: run.executionId, wave: 1, now: nowOf(env) },
      env.engine,
    );
    expect(result).toEqual({ changed: 0, unchanged: 0, warnings: 0 });
    expect(env.local.ec2.calls.CreateLaunchTemplateVersion ?? 0).toBe(creates);
    expect(env.local.drs.counters.calls.UpdateLaunchConfiguration ?? 0).toBe(updates);
    expect((await templateOf(PRIMARY)).versions).toHaveLength(2);
    expect(await server(1, PRIMARY)).toEqual(before);
  });

  it("a retry after the first try died before recording creates no second template version", async () => {
    // The first try changes DRS and EC2, then the Lambda dies before it marks the server applied.
    let failures = 0;
    env.engine.aws.dynamo.middlewareStack.add(
      (next) => async (args) => {
        const request = JSON.stringify((args as { input: unknown }).input);
        if (
          failures === 0 &&
          request.includes(`SERVER#002#${STOPPED_API}`) &&
          request.includes('"settingsApplied"')
        ) {
          failures++;
          throw new Error("Lambda timed out");
        }
        return next(args);
      },
      { step: "initialize", name: "dieBeforeRecording" },
    );
    try {
      await expect(
        applyLaunchSettings({ executionId: run.executionId, wave: 2, now: nowOf(env) }, env.engine),
      ).rejects.toThrow("Lambda timed out");
    } finally {
      env.engine.aws.dynamo.middlewareStack.remove("dieBeforeRecording");
    }
    expect(failures).toBe(1);
    const afterCrash = await templateOf(STOPPED_API);
    expect(afterCrash.byDefault?.VersionNumber).toBe(2);
    expect((await server(2, STOPPED_API))?.settingsApplied).toBeUndefined();

    const result = await applyLaunchSettings(
      { executionId: run.executionId, wave: 2, now: nowOf(env) },
      env.engine,
    );
    expect(result.changed).toBe(1);
    const retried = await templateOf(STOPPED_API);
    expect(retried.versions).toHaveLength(2);
    expect(await server(2, STOPPED_API)).toMatchObject({
      settingsApplied: true,
      settings: {
        previousDefaultVersion: 1,
        appliedVersion: 2,
        previousLaunchConfiguration: {
          launchDisposition: "STARTED",
          targetInstanceTypeRightSizingMethod: "BASIC",
        },
      },
    });
    expect(retried.configuration.launchDisposition).toBe("STOPPED");
    expect(retried.byDefault?.LaunchTemplateData?.InstanceType).toBe("m6i.2xlarge");
    // The workers take the licensing override, the rest of the wave the plan's defaults.
    expect((await templateOf(WORKER)).configuration.licensing).toEqual({ osByol: true });
    for (const id of run.waves.get(2) ?? []) expect((await server(2, id))?.settingsApplied).toBe(true);
  });

  it("the launched instances carry the overrides", async () => {
    await launchBatches({ executionId: run.executionId, wave: 1, now: nowOf(env) }, env.engine);
    await settle(env);
    const recovery = await env.engine.aws.drs.send(
      new DescribeRecoveryInstancesCommand({ filters: { sourceServerIDs: [PRIMARY, REPLICA] } }),
    );
    const idOf = new Map(
      (recovery.items ?? []).map((item) => [item.sourceServerID, item.ec2InstanceID as string]),
    );
    const reply = await env.engine.aws.ec2.send(
      new DescribeInstancesCommand({
        InstanceIds: [idOf.get(PRIMARY) as string, idOf.get(REPLICA) as string],
      }),
    );
    const instances = (reply.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
    const byId = new Map(instances.map((instance) => [instance.InstanceId, instance]));
    const tags = (instance: (typeof instances)[number] | undefined) =>
      Object.fromEntries((instance?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));

    const primary = byId.get(idOf.get(PRIMARY));
    expect(primary).toMatchObject({
      InstanceType: "r6i.2xlarge",
      SubnetId: "subnet-0a1b2c3d4e5f60002",
      PrivateIpAddress: "10.10.16.15",
      SecurityGroups: [expect.objectContaining({ GroupId: "sg-0a1b2c3d4e5f60002" })],
      IamInstanceProfile: expect.objectContaining({ Arn: expect.stringContaining("drs-recovered-payments") }),
    });
    expect(tags(primary)).toMatchObject({
      "recovered-by": "drs-orchestrator",
      "data-class": "pci",
      role: "primary",
      // copyTags carries the source server's own tags.
      app: "payments",
      tier: "db",
    });
    const replica = byId.get(idOf.get(REPLICA));
    expect(replica).toMatchObject({ InstanceType: "r6i.xlarge", SubnetId: "subnet-0a1b2c3d4e5f60002" });
    expect(tags(replica)).toMatchObject({ role: "replica", "data-class": "pci" });
  });
});
