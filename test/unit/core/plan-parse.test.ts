import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  formatPlanIssue,
  loadFleetFile,
  loadPlanFile,
  type PlanIssue,
  PlanValidationError,
  parseFleetText,
  parsePlan,
  parsePlanData,
  parsePlanText,
} from "@drs-orchestrator/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const VALID_YAML = `
id: shop
name: Shop
rto: 45m
rpo: PT5M
groups:
  - id: db
    select: { tags: { app: shop, tier: db } }
  - id: app
    select: { tags: { app: shop, tier: app } }
    dependsOn: [db]
    approval: { timeout: 30m }
hooks:
  afterWave:
    - mcp: { server: incidents, tool: add_note, arguments: { text: "wave {{wave}} up" } }
`;

function issuesOf(text: string, fileName?: string): PlanIssue[] {
  const result = parsePlanText(text, fileName);
  if (result.ok) throw new Error("expected the plan to be rejected");
  return result.issues;
}

describe("parsePlanText", () => {
  it("parses YAML, turning durations into seconds and filling defaults", () => {
    const result = parsePlanText(VALID_YAML, "shop.yaml");
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const { plan } = result;
    expect(plan.rto).toBe(2700);
    expect(plan.rpo).toBe(300);
    expect(plan.groups[0]?.critical).toBe(false);
    expect(plan.groups[1]?.approval).toEqual({ timeout: 1800 });
    expect(plan.failure).toEqual({ maxFailedPercent: 0, retries: 0, notReady: "abort" });
    expect(plan.hooks?.afterWave?.[0]).toMatchObject({ timeout: 300, retries: 0, onFailure: "abort" });
  });

  it("parses the same plan written as JSON", () => {
    const yamlPlan = parsePlanText(VALID_YAML);
    const json = JSON.stringify({
      id: "shop",
      name: "Shop",
      rto: "45m",
      rpo: "PT5M",
      groups: [
        { id: "db", select: { tags: { app: "shop", tier: "db" } } },
        {
          id: "app",
          select: { tags: { app: "shop", tier: "app" } },
          dependsOn: ["db"],
          approval: { timeout: "30m" },
        },
      ],
      hooks: {
        afterWave: [
          { mcp: { server: "incidents", tool: "add_note", arguments: { text: "wave {{wave}} up" } } },
        ],
      },
    });
    expect(parsePlanText(json, "shop.json")).toEqual(yamlPlan);
    expect(parsePlanText(json)).toEqual(yamlPlan);
  });

  it("reports a YAML syntax error with its line and column", () => {
    expect(issuesOf("id: shop\ngroups:\n  - id: db\n    select: {tags: {app: shop}\n", "shop.yaml")).toEqual([
      {
        path: "",
        message: expect.stringMatching(/^YAML syntax error at line 5, column 1: /),
        fix: expect.any(String),
      },
    ]);
    const [indent] = issuesOf("id: shop\nname: x\n  rto: 45m\n");
    expect(indent?.message).toBe(
      "YAML syntax error at line 2, column 7: Nested mappings are not allowed in compact mappings",
    );
  });

  it("reports a repeated YAML key", () => {
    expect(issuesOf("id: shop\nname: a\nname: b\n")).toEqual([
      {
        path: "",
        message: "YAML syntax error at line 3, column 1: Map keys must be unique",
        fix: "remove or rename the repeated key",
      },
    ]);
  });

  it("reports a JSON syntax error with its line and column", () => {
    expect(issuesOf('{\n  "id": "shop",\n}\n', "plan.json")).toEqual([
      {
        path: "",
        message: "JSON syntax error at line 3, column 1: Expected double-quoted property name",
        fix: expect.stringContaining("trailing comma"),
      },
    ]);
  });

  it("reports an alias to an undefined anchor, an empty document and a document that is not a mapping", () => {
    expect(issuesOf("id: *missing\n")[0]?.message).toMatch(/^YAML error: /);
    expect(issuesOf("# nothing yet\n")).toEqual([
      { path: "", message: "the document is empty", fix: "write the document's fields at the top level" },
    ]);
    expect(issuesOf("- a\n- b\n")).toEqual([
      { path: "", message: "expected a mapping, got a list", fix: "write a mapping" },
    ]);
  });

  it("expands YAML anchors so groups can share launch settings", () => {
    const result = parsePlanText(`
id: shop
name: Shop
rto: 1h
rpo: 5m
groups:
  - id: app
    select: { tags: { tier: app } }
    launch: &small { instanceType: m6i.large, rightSizing: NONE }
  - id: web
    select: { tags: { tier: web } }
    launch: *small
`);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.plan.groups[1]?.launch).toEqual({ instanceType: "m6i.large", rightSizing: "NONE" });
  });

  it("explains a mistyped approval, keeping the problem inside the form that was meant", () => {
    expect(issuesOf(`${VALID_YAML}\n`.replace("approval: { timeout: 30m }", "approval: yes"))).toEqual([
      {
        path: "groups[1].approval",
        message: 'expected true, false or a mapping, got "yes"',
        fix: "write true, false or a mapping",
      },
    ]);
    expect(issuesOf(VALID_YAML.replace("timeout: 30m", "timeout: 30m, approver: ops"))).toEqual([
      {
        path: "groups[1].approval.approver",
        message: 'unknown key "approver"; allowed keys here: timeout, approvers',
        fix: 'did you mean "approvers"?',
      },
    ]);
  });
});

describe("schema messages", () => {
  const base = {
    id: "shop",
    name: "Shop",
    rto: "1h",
    rpo: "5m",
    groups: [{ id: "db", select: { tags: { tier: "db" } } }],
  };

  it.each([
    [{ groups: [] }, "groups", "a plan needs at least one group", "add at least 1 entry"],
    [{ name: "" }, "name", "must not be empty", "write at least 1 character"],
    [
      { failure: { maxFailedPercent: 150 } },
      "failure.maxFailedPercent",
      "150 is above the maximum of 100",
      "use a value of 100 or less",
    ],
    [
      { failure: { retries: -1 } },
      "failure.retries",
      "-1 is below the minimum of 0",
      "use a value of 0 or more",
    ],
    [
      { failure: { retries: 1.5 } },
      "failure.retries",
      "expected a whole number, got 1.5",
      "write a whole number",
    ],
    [
      { failure: { notReady: "wait" } },
      "failure.notReady",
      'invalid value "wait"; allowed values: abort, skip',
      "use one of abort | skip",
    ],
    [{ waves: [[]] }, "waves[0]", "needs at least 1 entry", "add at least 1 entry"],
    [
      {
        launch: {
          securityGroupIds: Array.from({ length: 17 }, (_, i) => `sg-${String(i).padStart(8, "0")}`),
        },
      },
      "launch.securityGroupIds",
      "lists 17 entries; at most 16 are allowed",
      "keep at most 16 entries",
    ],
    [
      { groups: [{ id: "db" }] },
      "groups[0].select",
      'missing required field "select"',
      "add select (a mapping) to groups[0]",
    ],
    [{ groups: "db" }, "groups", 'expected a list, got "db"', "write a list"],
  ])("%j → %s: %s", (edit, path, message, fix) => {
    const result = parsePlanData({ ...base, ...edit });
    expect(result.ok ? [] : result.issues).toEqual([{ path, message, fix }]);
  });
});

describe("plan errors", () => {
  it("formats an issue as file: path: message (fix: ...)", () => {
    const issue = {
      path: "groups[2].dependsOn[0]",
      message: 'unknown group "cache"',
      fix: 'did you mean "cdn"?',
    };
    expect(formatPlanIssue(issue, "plan.yaml")).toBe(
      'plan.yaml: groups[2].dependsOn[0]: unknown group "cache" (fix: did you mean "cdn"?)',
    );
    expect(formatPlanIssue({ ...issue, path: "" })).toBe('unknown group "cache" (fix: did you mean "cdn"?)');
  });

  it("parsePlan throws a PlanValidationError carrying every issue", () => {
    let caught: unknown;
    try {
      parsePlan({
        id: "shop",
        name: "Shop",
        rto: "1h",
        rpo: "5m",
        groups: [{ id: "db", select: {} }],
        extra: 1,
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlanValidationError);
    const error = caught as PlanValidationError;
    expect(error.name).toBe("PlanValidationError");
    expect(error.issues.map((issue) => issue.path)).toEqual(["extra", "groups[0].select"]);
    expect(error.message).toContain("plan is invalid (2 issues)");
  });
});

describe("plan and fleet files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plan-parse-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads a plan file from disk", async () => {
    const file = join(dir, "shop.yaml");
    await writeFile(file, VALID_YAML);
    const result = await loadPlanFile(file);
    expect(result.ok && result.plan.id).toBe("shop");
  });

  it("reports an unreadable file as an issue", async () => {
    const result = await loadPlanFile(join(dir, "missing.yaml"));
    expect(result).toEqual({
      ok: false,
      issues: [{ path: "", message: expect.stringContaining("ENOENT"), fix: "check the file path" }],
    });
  });

  it("loads the example fleet", async () => {
    const result = await loadFleetFile("examples/fleet.json");
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.fleet.sourceServers).toHaveLength(318);
    expect(result.fleet.accountId).toBe("111122223333");
  });

  it("reports fleet problems in the same format", () => {
    const server = { sourceServerID: "s-00000000000000001", tags: { app: "shop" } };
    const fleet = {
      subnets: [{ subnetId: "subnet-0a1b2c3d", cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1a" }],
      securityGroupIds: ["sg-0a1b2c3d"],
      launchDefaults: { subnetId: "subnet-0a1b2c3d", securityGroupIds: ["sg-0a1b2c3d"] },
      sourceServers: [server, { ...server, sourceServerID: "s-1" }],
    };
    const bad = parseFleetText(JSON.stringify(fleet), "fleet.json");
    expect(bad).toEqual({
      ok: false,
      issues: [
        {
          path: "sourceServers[1].sourceServerID",
          message: 'expected s- followed by 17 lowercase letters or digits, got "s-1"',
          fix: "write s- followed by 17 lowercase letters or digits",
        },
      ],
    });
    const repeated = parseFleetText(
      JSON.stringify({
        ...fleet,
        sourceServers: [server, server],
        launchDefaults: { subnetId: "subnet-0f0f0f0f", securityGroupIds: ["sg-0a1b2c3d"] },
      }),
    );
    expect(repeated.ok ? [] : repeated.issues.map((issue) => [issue.path, issue.message])).toEqual([
      ["sourceServers[1].sourceServerID", "s-00000000000000001 is already listed at sourceServers[0]"],
      ["launchDefaults.subnetId", "subnet-0f0f0f0f is not one of the fleet's subnets"],
    ]);
  });
});
