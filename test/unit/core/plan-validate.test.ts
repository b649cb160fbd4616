import { type PlanIssue, parsePlanData, validatePlan } from "@drs-orchestrator/core";
import { describe, expect, it } from "vitest";

// biome-ignore lint/suspicious/noExplicitAny: test documents are edited freely, like YAML by hand
type Doc = Record<string, any>;

/** A valid source server ID per number: s- and 17 digits. */
const sid = (n: number) => `s-${String(n).padStart(17, "0")}`;

/** A small valid plan: db (tags) ← app (explicit IDs) ← web (tags). */
function basePlan(): Doc {
  return {
    id: "shop",
    name: "Shop",
    rto: "45m",
    rpo: "5m",
    launch: { subnetId: "subnet-0a1b2c3d", securityGroupIds: ["sg-0a1b2c3d"] },
    groups: [
      { id: "db", select: { tags: { app: "shop", tier: "db" } }, critical: true },
      { id: "app", select: { sourceServerIds: [sid(1), sid(2)] }, dependsOn: ["db"] },
      { id: "web", select: { tags: { app: "shop", tier: "web" } }, dependsOn: ["app"] },
    ],
  };
}

function issuesOf(edit: (plan: Doc) => void): PlanIssue[] {
  const plan = basePlan();
  edit(plan);
  const result = parsePlanData(plan);
  return result.ok ? [] : result.issues;
}

const manyTags = (count: number, prefix = "t") =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, "x"]));

const cases: { name: string; edit: (plan: Doc) => void; path: string; message: string }[] = [
  {
    name: "unknown group in dependsOn",
    edit: (p) => {
      p.groups[2].dependsOn = ["app", "cache"];
    },
    path: "groups[2].dependsOn[1]",
    message: 'unknown group "cache"',
  },
  {
    name: "dependency cycle",
    edit: (p) => {
      p.groups[0].dependsOn = ["web"];
    },
    path: "groups[0].dependsOn[0]",
    message: "dependency cycle: db → web → app → db",
  },
  {
    name: "group depending on itself",
    edit: (p) => {
      p.groups[1].dependsOn = ["db", "app"];
    },
    path: "groups[1].dependsOn[1]",
    message: 'group "app" depends on itself',
  },
  {
    name: "duplicate group IDs",
    edit: (p) => {
      p.groups[2].id = "db";
      p.groups[2].dependsOn = undefined;
    },
    path: "groups[2].id",
    message: 'duplicate group ID "db": groups[0] already uses it',
  },
  {
    name: "select with both tags and sourceServerIds",
    edit: (p) => {
      p.groups[1].select.tags = { app: "shop" };
    },
    path: "groups[1].select",
    message: "select uses both tags and sourceServerIds",
  },
  {
    name: "select with neither tags nor sourceServerIds",
    edit: (p) => {
      p.groups[0].select = {};
    },
    path: "groups[0].select",
    message: "select names no servers",
  },
  {
    name: "select with empty tags",
    edit: (p) => {
      p.groups[0].select = { tags: {} };
    },
    path: "groups[0].select.tags",
    message: "select.tags is empty, which would match every source server",
  },
  {
    name: "one explicit server ID in two groups",
    edit: (p) => {
      p.groups[2].select = { sourceServerIds: [sid(3), sid(2)] };
    },
    path: "groups[2].select.sourceServerIds[1]",
    message: `${sid(2)} is already selected by group "app" (groups[1].select.sourceServerIds[1])`,
  },
  {
    name: "one explicit server ID twice in a group",
    edit: (p) => {
      p.groups[1].select.sourceServerIds = [sid(1), sid(2), sid(1)];
    },
    path: "groups[1].select.sourceServerIds[2]",
    message: `${sid(1)} is listed twice in this group (also at index 0)`,
  },
  {
    name: "servers override keyed by something that is not a server ID",
    edit: (p) => {
      p.groups[0].servers = { "db-01": { instanceType: "r6i.large" } };
    },
    path: "groups[0].servers.db-01",
    message: '"db-01" is not a source server ID',
  },
  {
    name: "servers override for a server the group does not list",
    edit: (p) => {
      p.groups[1].servers = { [sid(9)]: { instanceType: "m6i.large" } };
    },
    path: `groups[1].servers.${sid(9)}`,
    message: `${sid(9)} is not in this group's select.sourceServerIds`,
  },
  {
    name: "servers override for a server another group lists",
    edit: (p) => {
      p.groups[2].servers = { [sid(1)]: { instanceType: "m6i.large" } };
    },
    path: `groups[2].servers.${sid(1)}`,
    message: `${sid(1)} is selected by group "app", not by this group`,
  },
  {
    name: "explicit waves naming an unknown group",
    edit: (p) => {
      p.waves = [["db"], ["app"], ["web", "cdn"]];
    },
    path: "waves[2][1]",
    message: 'unknown group "cdn"',
  },
  {
    name: "explicit waves omitting a group",
    edit: (p) => {
      p.waves = [["db"], ["app"]];
    },
    path: "waves",
    message: 'group "web" is in no wave',
  },
  {
    name: "explicit waves listing a group twice",
    edit: (p) => {
      p.waves = [["db"], ["app"], ["web", "app"]];
    },
    path: "waves[2][1]",
    message: 'group "app" is already in waves[1]',
  },
  {
    name: "explicit waves putting a group before its dependency",
    edit: (p) => {
      p.waves = [["db"], ["web"], ["app"]];
    },
    path: "waves[1][0]",
    message: 'group "web" is in waves[1] but depends on "app", which is in waves[2]',
  },
  {
    name: "explicit waves putting a group in the same wave as its dependency",
    edit: (p) => {
      p.waves = [["db", "app"], ["web"]];
    },
    path: "waves[0][1]",
    message: 'group "app" is in waves[0] but depends on "db", which is in the same wave',
  },
  {
    name: "privateIp that is not IPv4",
    edit: (p) => {
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.300" } };
    },
    path: `groups[1].servers.${sid(1)}.privateIp`,
    message: '"10.0.1.300" is not an IPv4 address',
  },
  {
    name: "privateIp at plan level",
    edit: (p) => {
      p.launch.privateIp = "10.0.1.15";
    },
    path: "launch.privateIp",
    message: "privateIp is set for the whole plan, but each server needs its own address",
  },
  {
    name: "privateIp at group level",
    edit: (p) => {
      p.groups[0].launch = { privateIp: "10.0.1.15" };
    },
    path: "groups[0].launch.privateIp",
    message: "privateIp is set for a whole group, but each server needs its own address",
  },
  {
    name: "the same private IP for two servers",
    edit: (p) => {
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.15" }, [sid(2)]: { privateIp: "10.0.1.15" } };
    },
    path: `groups[1].servers.${sid(2)}.privateIp`,
    message: `private IP 10.0.1.15 is already assigned at groups[1].servers.${sid(1)}.privateIp`,
  },
  {
    name: "privateIp with copyPrivateIp true inherited from the plan",
    edit: (p) => {
      p.launch.copyPrivateIp = true;
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.15" } };
    },
    path: `groups[1].servers.${sid(1)}.privateIp`,
    message:
      "privateIp conflicts with copyPrivateIp: true (set at launch.copyPrivateIp), which reuses the source server's address",
  },
  {
    name: "privateIp with no subnet at any level",
    edit: (p) => {
      p.launch = undefined;
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.15" } };
    },
    path: `groups[1].servers.${sid(1)}.privateIp`,
    message:
      "privateIp 10.0.1.15 needs a subnet, but no subnetId is set for this server, its group or the plan",
  },
  {
    name: "more than 50 launch tags after merging plan and group tags",
    edit: (p) => {
      p.launch.tags = manyTags(30, "plan");
      p.groups[0].launch = { tags: manyTags(25, "group") };
    },
    path: "groups[0].launch.tags",
    message: "the plan's and this group's launch tags merge into 55 tags; DRS allows at most 50",
  },
  {
    name: "more than 50 launch tags after merging server tags",
    edit: (p) => {
      p.launch.tags = manyTags(40, "plan");
      p.groups[1].servers = { [sid(2)]: { tags: manyTags(11, "server") } };
    },
    path: `groups[1].servers.${sid(2)}.tags`,
    message: "the plan's, group's and server's launch tags merge into 51 tags; DRS allows at most 50",
  },
  {
    name: "launch tag key longer than 256 characters",
    edit: (p) => {
      p.launch.tags = { ["k".repeat(257)]: "v" };
    },
    path: `launch.tags.${"k".repeat(257)}`,
    message: "tag key is 257 characters long; DRS allows at most 256",
  },
  {
    name: "launch tag value longer than 256 characters",
    edit: (p) => {
      p.launch.tags = { owner: "v".repeat(300) };
    },
    path: "launch.tags.owner",
    message: "tag value is 300 characters long; DRS allows at most 256",
  },
  {
    name: "launch tag key with the reserved aws: prefix",
    edit: (p) => {
      p.launch.tags = { "aws:owner": "platform" };
    },
    path: 'launch.tags["aws:owner"]',
    message: 'tag key "aws:owner" uses the prefix aws:, which AWS reserves',
  },
  {
    name: "selection tag key with the reserved aws: prefix",
    edit: (p) => {
      p.groups[0].select.tags = { "AWS:cloudformation:stack-name": "shop" };
    },
    path: 'groups[0].select.tags["AWS:cloudformation:stack-name"]',
    message:
      'tag key "AWS:cloudformation:stack-name" uses the prefix aws:, which AWS reserves, so no source server can carry it',
  },
  {
    name: "more than 50 selection tags",
    edit: (p) => {
      p.groups[0].select.tags = manyTags(51);
    },
    path: "groups[0].select.tags",
    message: "select.tags has 51 tags; DRS allows at most 50",
  },
  {
    name: "approval timeout longer than a year",
    edit: (p) => {
      p.groups[2].approval = { timeout: "400d" };
    },
    path: "groups[2].approval.timeout",
    message: "approval timeout is longer than a year, the longest a recovery can run",
  },
  {
    name: "alarm trigger starting a real recovery without the opt-in",
    edit: (p) => {
      p.triggers = { alarms: [{ name: "region-health", mode: "RECOVERY" }] };
    },
    path: "triggers.alarms[0].mode",
    message:
      'alarm "region-health" would start a real RECOVERY, but triggers.allowAutomaticRecovery is not true',
  },
  {
    name: "schedule asking for a real recovery (schedules only start drills)",
    edit: (p) => {
      p.triggers = { schedule: { drill: "cron(0 3 ? * SUN *)", mode: "RECOVERY" } };
    },
    path: "triggers.schedule.mode",
    message: 'unknown key "mode"; allowed keys here: drill',
  },
  {
    name: "the same alarm twice",
    edit: (p) => {
      p.triggers = { alarms: [{ name: "region-health" }, { name: "region-health" }] };
    },
    path: "triggers.alarms[1].name",
    message: 'alarm "region-health" is already listed at triggers.alarms[0]',
  },
  {
    name: "schedule that is neither cron nor rate",
    edit: (p) => {
      p.triggers = { schedule: { drill: "every sunday" } };
    },
    path: "triggers.schedule.drill",
    message: '"every sunday" is not a schedule expression',
  },
  {
    name: "schedule cron with 5 fields",
    edit: (p) => {
      p.triggers = { schedule: { drill: "cron(0 3 * * SUN)" } };
    },
    path: "triggers.schedule.drill",
    message:
      "cron expression has 5 fields; EventBridge cron has 6 (minutes hours day-of-month month day-of-week year)",
  },
  {
    name: "schedule cron without ? in day-of-month or day-of-week",
    edit: (p) => {
      p.triggers = { schedule: { drill: "cron(0 3 1 * MON *)" } };
    },
    path: "triggers.schedule.drill",
    message: "one of day-of-month or day-of-week must be ?",
  },
  {
    name: "schedule rate with a plural unit for 1",
    edit: (p) => {
      p.triggers = { schedule: { drill: "rate(1 days)" } };
    },
    path: "triggers.schedule.drill",
    message: 'EventBridge wants "day" with a value of 1',
  },
  {
    name: "hook with no action",
    edit: (p) => {
      p.hooks = { afterWave: [{ name: "nothing", timeout: "1m" }] };
    },
    path: "hooks.afterWave[0]",
    message: "hook has no action",
  },
  {
    name: "hook with two actions",
    edit: (p) => {
      p.hooks = {
        beforeWave: [
          { mcp: { server: "incidents", tool: "add_note" } },
          { mcp: { server: "incidents", tool: "add_note" }, lambda: { functionName: "notify" } },
        ],
      };
    },
    path: "hooks.beforeWave[1]",
    message: "hook has 2 actions (mcp, lambda); a hook runs exactly one",
  },
  {
    name: "duration in words",
    edit: (p) => {
      p.rto = "45 minutes";
    },
    path: "rto",
    message: 'invalid duration "45 minutes"',
  },
  {
    name: "duration without a unit",
    edit: (p) => {
      p.rpo = 300;
    },
    path: "rpo",
    message: "duration 300 has no unit",
  },
  {
    name: "unknown key",
    edit: (p) => {
      p.groups[1].depends_on = ["db"];
    },
    path: "groups[1].depends_on",
    message:
      'unknown key "depends_on"; allowed keys here: id, name, select, dependsOn, critical, approval, launch, servers',
  },
  {
    name: "value outside an enum",
    edit: (p) => {
      p.launch.rightSizing = "AUTO";
    },
    path: "launch.rightSizing",
    message: 'invalid value "AUTO"; allowed values: NONE, BASIC, IN_AWS',
  },
  {
    name: "missing required field",
    edit: (p) => {
      p.name = undefined;
    },
    path: "name",
    message: 'missing required field "name"',
  },
  {
    name: "malformed source server ID",
    edit: (p) => {
      p.groups[1].select.sourceServerIds = [sid(1), "s-12345"];
    },
    path: "groups[1].select.sourceServerIds[1]",
    message: 'expected a DRS source server ID: s- followed by 17 lowercase letters or digits, got "s-12345"',
  },
];

describe("plan validation", () => {
  it("accepts the base plan", () => {
    expect(parsePlanData(basePlan())).toMatchObject({ ok: true });
  });

  it.each(cases)("rejects $name", ({ edit, path, message }) => {
    const issues = issuesOf(edit);
    expect(issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path, message },
    ]);
    expect(issues[0]?.fix.length).toBeGreaterThan(5);
  });

  it("has at least 25 distinct invalid plans", () => {
    expect(new Set(cases.map((c) => c.path + c.message)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it("suggests the key that was probably meant and the values an enum allows", () => {
    const [unknownKey] = issuesOf((p) => {
      p.groups[0].critcal = true;
    });
    expect(unknownKey?.fix).toBe('did you mean "critical"?');
    const [enumValue] = issuesOf((p) => {
      p.launch.launchDisposition = "STARTD";
    });
    expect(enumValue?.fix).toBe("did you mean STARTED?");
    const [missing] = issuesOf((p) => {
      p.rpo = undefined;
    });
    expect(missing?.fix).toBe("add rpo (a duration such as 45m, 2h or PT45M) at the top level");
  });

  it("points a cycle fix at the dependency and prints every distinct cycle", () => {
    const issues = issuesOf((p) => {
      p.groups[0].dependsOn = ["app"];
      p.groups.push({ id: "x", select: { tags: { tier: "x" } }, dependsOn: ["y"] });
      p.groups.push({ id: "y", select: { tags: { tier: "y" } }, dependsOn: ["x"] });
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: "groups[0].dependsOn[0]", message: "dependency cycle: db → app → db" }),
      expect.objectContaining({ path: "groups[3].dependsOn[0]", message: "dependency cycle: x → y → x" }),
    ]);
  });

  it("allows rightSizing with an instanceType at the same level (the launch merge warns instead)", () => {
    const plan = basePlan();
    plan.launch.rightSizing = "BASIC";
    plan.launch.instanceType = "m6i.large";
    expect(parsePlanData(plan)).toMatchObject({ ok: true });
  });

  it("accepts valid private IPs, schedules and RECOVERY alarms with the opt-in", () => {
    const plan = basePlan();
    plan.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.15" }, [sid(2)]: { privateIp: "10.0.1.16" } };
    plan.triggers = {
      schedule: { drill: "rate(7 days)" },
      alarms: [{ name: "region-health", mode: "RECOVERY" }],
      allowAutomaticRecovery: true,
    };
    expect(parsePlanData(plan)).toMatchObject({ ok: true });
    for (const drill of ["cron(0 3 ? * SUN *)", "cron(15 2 1 * ? *)", "rate(1 hour)", "rate(30 minutes)"]) {
      plan.triggers.schedule = { drill };
      expect(parsePlanData(plan)).toMatchObject({ ok: true });
    }
  });

  it("reports schema and semantic issues of one document together", () => {
    const issues = issuesOf((p) => {
      p.rto = "soon";
      p.launch.rightSizing = "AUTO";
      p.groups[0].critcal = true;
      p.groups[0].dependsOn = ["web"];
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1" } };
      p.groups[2].dependsOn = ["app", "cache"];
      p.hooks = { afterWave: [{ name: "empty" }] };
      p.triggers = { schedule: { drill: "cron(0 3 * * SUN)" } };
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      "rto",
      "launch.rightSizing",
      "groups[0].critcal",
      "groups[2].dependsOn[1]",
      "groups[0].dependsOn[0]",
      `groups[1].servers.${sid(1)}.privateIp`,
      "triggers.schedule.drill",
      "hooks.afterWave[0]",
    ]);
  });

  it("does not report what a part the schema rejected may have caused", () => {
    // The bad subnetId is left out for the semantic checks, which must not then claim that the
    // private IP has no subnet.
    const issues = issuesOf((p) => {
      p.launch.subnetId = "subnet-nothex";
      p.groups[1].servers = { [sid(1)]: { privateIp: "10.0.1.15" } };
    });
    expect(issues.map((issue) => issue.path)).toEqual(["launch.subnetId"]);
  });

  it("reports only schema issues when a required part is broken", () => {
    const issues = issuesOf((p) => {
      p.groups[0].id = "DB";
      p.groups[2].dependsOn = ["app", "cache"];
    });
    expect(issues).toEqual([
      {
        path: "groups[0].id",
        message:
          'expected an ID of lowercase letters, digits, - and _ (1-63 characters, starting with a letter or digit), got "DB"',
        fix: "write an ID of lowercase letters, digits, - and _ (1-63 characters, starting with a letter or digit)",
      },
    ]);
  });

  it("validates an already parsed plan directly", () => {
    const result = parsePlanData(basePlan());
    if (!result.ok) throw new Error("base plan is valid");
    const plan = {
      ...result.plan,
      groups: [...result.plan.groups, { ...result.plan.groups[0], dependsOn: ["nope"] }],
    };
    expect(validatePlan(plan as typeof result.plan).map((issue) => issue.message)).toEqual([
      'duplicate group ID "db": groups[0] already uses it',
      'unknown group "nope"',
    ]);
  });
});
