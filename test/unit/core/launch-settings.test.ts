import {
  type CurrentLaunchState,
  effectiveLaunchSettings,
  type LaunchChanges,
  type LaunchSettings,
  type PlanInput,
  planLaunchChanges,
  planSchema,
} from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const S1 = "s-00000000000000001";
const S2 = "s-00000000000000002";

function plan(launch: PlanInput["launch"], group: Partial<PlanInput["groups"][number]>) {
  return planSchema.parse({
    id: "p",
    name: "P",
    rto: "45m",
    rpo: "5m",
    ...(launch && { launch }),
    groups: [{ id: "db", select: { sourceServerIds: [S1, S2] }, ...group }],
  });
}

function settingsFor(p: ReturnType<typeof plan>, id: string): LaunchSettings {
  return effectiveLaunchSettings(p, p.groups[0] as (typeof p.groups)[number], id);
}

describe("effectiveLaunchSettings", () => {
  const p = plan(
    {
      instanceType: "m6i.large",
      rightSizing: "NONE",
      subnetId: "subnet-0aaa1111",
      securityGroupIds: ["sg-0aaa1111", "sg-0aaa2222"],
      copyTags: true,
      launchDisposition: "STARTED",
      tags: { "recovered-by": "drs-orchestrator", team: "platform" },
    },
    {
      launch: {
        instanceType: "r6i.xlarge",
        securityGroupIds: ["sg-0bbb1111"],
        tags: { team: "payments", tier: "db" },
      },
      servers: { [S1]: { privateIp: "10.0.1.15", instanceType: "r6i.2xlarge", tags: { role: "primary" } } },
    },
  );

  it("lets the server override the group and the group override the plan, merging tags key by key", () => {
    expect(settingsFor(p, S1)).toEqual({
      instanceType: "r6i.2xlarge",
      rightSizing: "NONE",
      subnetId: "subnet-0aaa1111",
      securityGroupIds: ["sg-0bbb1111"],
      copyTags: true,
      launchDisposition: "STARTED",
      privateIp: "10.0.1.15",
      tags: { "recovered-by": "drs-orchestrator", team: "payments", tier: "db", role: "primary" },
    });
  });

  it("does not give one server's overrides to another", () => {
    const settings = settingsFor(p, S2);
    expect(settings.instanceType).toBe("r6i.xlarge");
    expect(settings.privateIp).toBeUndefined();
    expect(settings.tags).toEqual({ "recovered-by": "drs-orchestrator", team: "payments", tier: "db" });
  });

  it("works with no plan-level settings and returns nothing for a server nobody configures", () => {
    expect(settingsFor(plan(undefined, { launch: { copyTags: false } }), S1)).toEqual({ copyTags: false });
    expect(settingsFor(plan(undefined, {}), S1)).toEqual({});
  });

  it("returns a copy: changing the result leaves the plan untouched", () => {
    const settings = settingsFor(p, S2);
    settings.securityGroupIds?.push("sg-0ccc1111");
    (settings.tags as Record<string, string>).team = "other";
    expect(p.groups[0]?.launch?.securityGroupIds).toEqual(["sg-0bbb1111"]);
    expect(p.groups[0]?.launch?.tags?.team).toBe("payments");
  });

  it("takes every field from the most specific level that sets it (server > group > plan)", () => {
    const levelArb = fc.record(
      {
        instanceType: fc.constantFrom("m6i.large", "r6i.xlarge", "c6i.2xlarge"),
        rightSizing: fc.constantFrom("NONE", "BASIC", "IN_AWS"),
        subnetId: fc.constantFrom("subnet-0aaa1111", "subnet-0bbb2222"),
        securityGroupIds: fc.uniqueArray(fc.constantFrom("sg-0aaa1111", "sg-0bbb2222", "sg-0ccc3333"), {
          minLength: 1,
        }),
        copyPrivateIp: fc.boolean(),
        copyTags: fc.boolean(),
        launchDisposition: fc.constantFrom("STOPPED", "STARTED"),
        instanceProfile: fc.constantFrom("dr-profile", "arn:aws:iam::111122223333:instance-profile/dr"),
        licensing: fc.record({ osByol: fc.boolean() }),
        tags: fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.constantFrom("1", "2", "3")),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(levelArb, levelArb, levelArb, (planLevel, groupLevel, serverLevel) => {
        const p2 = plan(planLevel as PlanInput["launch"], {
          launch: groupLevel as PlanInput["launch"],
          servers: { [S1]: serverLevel as PlanInput["launch"] & object },
        });
        const merged = settingsFor(p2, S1);
        const levels = [serverLevel, groupLevel, planLevel] as Record<string, unknown>[];
        const fields = new Set(levels.flatMap((level) => Object.keys(level)));
        for (const field of fields) {
          if (field === "tags") continue;
          expect(merged[field as keyof LaunchSettings]).toEqual(
            levels.find((level) => field in level)?.[field],
          );
        }
        expect(Object.keys(merged).sort()).toEqual([...fields].sort());
        if (fields.has("tags")) {
          expect(merged.tags).toEqual({ ...planLevel.tags, ...groupLevel.tags, ...serverLevel.tags });
        }
        expect(settingsFor(p2, S1)).toEqual(merged);
      }),
    );
  });
});

const full: LaunchSettings = {
  instanceType: "r6i.xlarge",
  rightSizing: "NONE",
  subnetId: "subnet-0aaa1111",
  securityGroupIds: ["sg-0aaa1111", "sg-0bbb2222"],
  privateIp: "10.0.1.15",
  copyTags: true,
  launchDisposition: "STARTED",
  instanceProfile: "dr-profile",
  tags: { team: "payments", "recovered-by": "drs-orchestrator" },
  licensing: { osByol: true },
};

describe("planLaunchChanges", () => {
  it("makes everything set a change when the current state is unknown", () => {
    expect(planLaunchChanges(S1, full)).toEqual({
      updateLaunchConfiguration: {
        sourceServerID: S1,
        launchDisposition: "STARTED",
        targetInstanceTypeRightSizingMethod: "NONE",
        copyPrivateIp: false,
        copyTags: true,
        licensing: { osByol: true },
      },
      launchTemplateData: {
        InstanceType: "r6i.xlarge",
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            SubnetId: "subnet-0aaa1111",
            Groups: ["sg-0aaa1111", "sg-0bbb2222"],
            PrivateIpAddress: "10.0.1.15",
          },
        ],
        IamInstanceProfile: { Name: "dr-profile" },
        TagSpecifications: [
          {
            ResourceType: "instance",
            Tags: [
              { Key: "recovered-by", Value: "drs-orchestrator" },
              { Key: "team", Value: "payments" },
            ],
          },
        ],
      },
      warnings: [],
    });
  });

  it("changes nothing for empty settings", () => {
    expect(planLaunchChanges(S1, {})).toEqual({ warnings: [] });
  });

  const current: CurrentLaunchState = {
    launchConfiguration: {
      launchDisposition: "STOPPED",
      targetInstanceTypeRightSizingMethod: "NONE",
      copyPrivateIp: false,
      copyTags: true,
      licensing: { osByol: true },
    },
    templateData: {
      instanceType: "r6i.xlarge",
      subnetId: "subnet-0aaa1111",
      securityGroupIds: ["sg-0bbb2222", "sg-0aaa1111"],
      privateIp: "10.0.1.15",
      instanceProfile: "dr-profile",
      tags: { team: "payments", "recovered-by": "drs-orchestrator", owner: "sre" },
    },
  };

  it("lists only the fields that differ from the current state", () => {
    expect(planLaunchChanges(S1, full, current)).toEqual({
      updateLaunchConfiguration: { sourceServerID: S1, launchDisposition: "STARTED" },
      warnings: [],
    });
  });

  it("needs no change when the current state already matches, security groups in any order", () => {
    expect(planLaunchChanges(S1, { ...full, launchDisposition: "STOPPED" }, current)).toEqual({
      warnings: [],
    });
  });

  it("rewrites network interface 0 whole, keeping what the plan does not set", () => {
    const changes = planLaunchChanges(S1, { securityGroupIds: ["sg-0ccc3333"] }, current);
    expect(changes.launchTemplateData).toEqual({
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          SubnetId: "subnet-0aaa1111",
          Groups: ["sg-0ccc3333"],
          PrivateIpAddress: "10.0.1.15",
        },
      ],
    });
    expect(changes.updateLaunchConfiguration).toBeUndefined();
  });

  it("drops the old private IP when the subnet changes and the plan sets none", () => {
    const changes = planLaunchChanges(S1, { subnetId: "subnet-0bbb2222" }, current);
    expect(changes.launchTemplateData?.NetworkInterfaces).toEqual([
      { DeviceIndex: 0, SubnetId: "subnet-0bbb2222", Groups: ["sg-0bbb2222", "sg-0aaa1111"] },
    ]);
  });

  it("warns that BASIC or IN_AWS right-sizing ignores the instance type, naming both", () => {
    const basic = planLaunchChanges(S1, { instanceType: "m6i.large", rightSizing: "BASIC" });
    expect(basic.warnings).toEqual([
      `${S1}: instanceType m6i.large is ignored because rightSizing is BASIC (DRS picks the type); set rightSizing: NONE to launch m6i.large`,
    ]);
    const inAws = planLaunchChanges(
      S1,
      { instanceType: "m6i.large" },
      {
        ...current,
        launchConfiguration: { targetInstanceTypeRightSizingMethod: "IN_AWS" },
      },
    );
    expect(inAws.warnings).toHaveLength(1);
    expect(inAws.warnings[0]).toContain("instanceType m6i.large is ignored because rightSizing is IN_AWS");
    expect(planLaunchChanges(S1, { instanceType: "m6i.large", rightSizing: "NONE" }).warnings).toEqual([]);
  });

  it("turns copyPrivateIp off for a server with a private IP", () => {
    const changes = planLaunchChanges(
      S1,
      { privateIp: "10.0.1.20", subnetId: "subnet-0aaa1111" },
      {
        ...current,
        launchConfiguration: { copyPrivateIp: true },
      },
    );
    expect(changes.updateLaunchConfiguration).toEqual({ sourceServerID: S1, copyPrivateIp: false });
    expect(changes.launchTemplateData?.NetworkInterfaces?.[0]?.PrivateIpAddress).toBe("10.0.1.20");
    expect(changes.warnings).toEqual([]);
  });

  it("warns when a private IP comes with copyPrivateIp: true, and sets it false", () => {
    const changes = planLaunchChanges(S1, {
      privateIp: "10.0.1.20",
      subnetId: "subnet-0aaa1111",
      copyPrivateIp: true,
    });
    expect(changes.updateLaunchConfiguration?.copyPrivateIp).toBe(false);
    expect(changes.warnings).toEqual([
      `${S1}: privateIp 10.0.1.20 and copyPrivateIp: true conflict; copyPrivateIp is set to false so the server gets 10.0.1.20`,
    ]);
  });

  it("warns when a private IP has no subnet to live in", () => {
    expect(planLaunchChanges(S1, { privateIp: "10.0.1.20" }).warnings).toEqual([
      `${S1}: privateIp 10.0.1.20 needs a subnet; set subnetId to the subnet whose CIDR holds 10.0.1.20`,
    ]);
    expect(planLaunchChanges(S1, { privateIp: "10.0.1.20" }, current).warnings).toEqual([]);
  });

  it("sets an instance profile ARN as Arn and a name as Name", () => {
    const arn = "arn:aws:iam::111122223333:instance-profile/dr";
    expect(planLaunchChanges(S1, { instanceProfile: arn }).launchTemplateData).toEqual({
      IamInstanceProfile: { Arn: arn },
    });
    expect(planLaunchChanges(S1, { instanceProfile: "other" }, current).launchTemplateData).toEqual({
      IamInstanceProfile: { Name: "other" },
    });
  });

  it("changes tags only when a planned tag differs, keeping the tags the plan does not name", () => {
    expect(planLaunchChanges(S1, { tags: { team: "payments" } }, current).launchTemplateData).toBeUndefined();
    expect(planLaunchChanges(S1, { tags: { team: "core", env: "dr" } }, current).launchTemplateData).toEqual({
      TagSpecifications: [
        {
          ResourceType: "instance",
          Tags: [
            { Key: "env", Value: "dr" },
            { Key: "owner", Value: "sre" },
            { Key: "recovered-by", Value: "drs-orchestrator" },
            { Key: "team", Value: "core" },
          ],
        },
      ],
    });
  });

  /** What DRS and EC2 hold after the changes are applied (a new template version replaces lists whole). */
  function apply(state: CurrentLaunchState | undefined, changes: LaunchChanges): CurrentLaunchState {
    const launchConfiguration = { ...state?.launchConfiguration };
    const templateData = { ...state?.templateData };
    const { sourceServerID: _, ...configuration } = changes.updateLaunchConfiguration ?? {
      sourceServerID: "",
    };
    Object.assign(launchConfiguration, configuration);
    const data = changes.launchTemplateData ?? {};
    if (data.InstanceType) templateData.instanceType = data.InstanceType;
    const eni = data.NetworkInterfaces?.[0];
    if (eni) {
      templateData.subnetId = eni.SubnetId;
      templateData.securityGroupIds = eni.Groups;
      templateData.privateIp = eni.PrivateIpAddress;
    }
    if (data.IamInstanceProfile) {
      templateData.instanceProfile =
        "Arn" in data.IamInstanceProfile ? data.IamInstanceProfile.Arn : data.IamInstanceProfile.Name;
    }
    const tags = data.TagSpecifications?.[0]?.Tags;
    if (tags) templateData.tags = Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
    return { launchConfiguration, templateData };
  }

  it("needs no further change once its changes are applied, from any starting state", () => {
    const settingsArb = fc.record(
      {
        instanceType: fc.constantFrom("m6i.large", "r6i.xlarge"),
        rightSizing: fc.constantFrom("NONE", "BASIC", "IN_AWS"),
        subnetId: fc.constantFrom("subnet-0aaa1111", "subnet-0bbb2222"),
        securityGroupIds: fc.uniqueArray(fc.constantFrom("sg-0aaa1111", "sg-0bbb2222"), { minLength: 1 }),
        privateIp: fc.constantFrom("10.0.1.15", "10.0.2.9"),
        copyPrivateIp: fc.boolean(),
        copyTags: fc.boolean(),
        launchDisposition: fc.constantFrom("STOPPED", "STARTED"),
        instanceProfile: fc.constantFrom("dr-profile", "arn:aws:iam::111122223333:instance-profile/dr"),
        licensing: fc.record({ osByol: fc.boolean() }),
        tags: fc.dictionary(fc.constantFrom("a", "b", "c"), fc.constantFrom("1", "2")),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<LaunchSettings>;
    const currentArb = fc.option(
      fc.record({
        launchConfiguration: fc.record(
          {
            launchDisposition: fc.constantFrom("STOPPED", "STARTED"),
            targetInstanceTypeRightSizingMethod: fc.constantFrom("NONE", "BASIC", "IN_AWS"),
            copyPrivateIp: fc.boolean(),
            copyTags: fc.boolean(),
            licensing: fc.record({ osByol: fc.boolean() }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        templateData: fc.record(
          {
            instanceType: fc.constantFrom("m6i.large", "t3.micro"),
            subnetId: fc.constantFrom("subnet-0aaa1111", "subnet-0ccc3333"),
            securityGroupIds: fc.uniqueArray(fc.constantFrom("sg-0aaa1111", "sg-0ccc3333"), { minLength: 1 }),
            privateIp: fc.constantFrom("10.0.1.15", "10.0.9.9"),
            instanceProfile: fc.constantFrom("dr-profile", "old"),
            tags: fc.dictionary(fc.constantFrom("a", "b", "z"), fc.constantFrom("1", "2")),
          },
          { requiredKeys: [] },
        ),
      }) as fc.Arbitrary<CurrentLaunchState>,
      { nil: undefined },
    );
    fc.assert(
      fc.property(settingsArb, currentArb, (settings, state) => {
        const changes = planLaunchChanges(S1, settings, state);
        expect(planLaunchChanges(S1, settings, state)).toEqual(changes);
        const after = planLaunchChanges(S1, settings, apply(state, changes));
        expect(after.updateLaunchConfiguration).toBeUndefined();
        expect(after.launchTemplateData).toBeUndefined();
      }),
    );
  });
});
