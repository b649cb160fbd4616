import { ListExecutionsCommand } from "@aws-sdk/client-sfn";
import { evaluateAndRecordPlan } from "@drs-orchestrator/engine";
import { createRecoveryMcpServer } from "@drs-orchestrator/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, pickServers, startDeployedApp } from "../support/local-app";

/**
 * The recovery MCP server through the official SDK client over an in-memory transport, against the
 * app deployed on the local runtime: the tools' shape, their refusals and the resources.
 */

let env: DeployedApp;
let client: Client;
/** A small plan of its own, allow-listed for RECOVERY, so a real recovery does not touch the shop's servers. */
const SMALL_PLAN = "mcp-small";

beforeAll(async () => {
  env = await startDeployedApp();
  await env.applyPlan("three-tier.yaml");
  await env.applyPlan({
    id: SMALL_PLAN,
    name: "MCP test plan",
    rto: "30m",
    rpo: "1h",
    groups: [{ id: "ops", select: { sourceServerIds: pickServers(env.local.fleet, {}, 2) } }],
  });
  client = await connect([SMALL_PLAN]);
});

afterAll(async () => {
  await client?.close();
  await env?.stop();
});

async function connect(recoveryAllowList: string[]): Promise<Client> {
  const server = createRecoveryMcpServer({
    engine: env.engine,
    recoveryAllowList,
    defaultCaller: "tester",
    now: () => env.local.clock.now(),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const connected = new Client({ name: "server-tools-test", version: "1.0.0" });
  await connected.connect(clientTransport);
  return connected;
}

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

async function executionCount(): Promise<number> {
  const { executions = [] } = await env.sfn.send(
    new ListExecutionsCommand({ stateMachineArn: env.app.recoveryStateMachineArn }),
  );
  return executions.length;
}

describe("tools/list", () => {
  it("lists every runbook tool with a description, input and output schemas and honest annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        "approve_wave",
        "cancel_recovery",
        "check_recovery_plan",
        "cleanup_drill",
        "describe_source_servers",
        "get_recovery_plan",
        "get_recovery_status",
        "list_recoveries",
        "list_recovery_plans",
        "reject_wave",
        "resume_recovery",
        "start_recovery",
        "validate_recovery_plan",
      ].sort(),
    );
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(120);
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe("boolean");
      expect(typeof tool.annotations?.idempotentHint, tool.name).toBe("boolean");
      expect(typeof tool.annotations?.openWorldHint, tool.name).toBe("boolean");
      if (!tool.annotations?.readOnlyHint)
        expect(typeof tool.annotations?.destructiveHint, tool.name).toBe("boolean");
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get("start_recovery")?.annotations).toMatchObject({
      readOnlyHint: false,
      idempotentHint: false,
    });
    expect(byName.get("start_recovery")?.inputSchema.required).toEqual(["planId", "reason"]);
    expect(byName.get("list_recovery_plans")?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
    });
    expect(byName.get("check_recovery_plan")?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
    });
    expect(byName.get("get_recovery_status")?.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
    });
    expect(byName.get("cancel_recovery")?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byName.get("resume_recovery")?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
    });
    expect(byName.get("resume_recovery")?.inputSchema.required).toEqual(["executionId", "reason"]);
    expect(byName.get("reject_wave")?.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get("cleanup_drill")?.annotations).toMatchObject({ destructiveHint: true });
  });
});

describe("plans", () => {
  it("lists the stored plans and shows one with its waves", async () => {
    const listed = await call("list_recovery_plans", {});
    expect(listed.isError).toBeFalsy();
    expect(listed.structuredContent?.plans).toEqual([
      expect.objectContaining({ planId: SMALL_PLAN, version: 1 }),
      expect.objectContaining({ planId: "shop", name: "Three-tier web shop", version: 1 }),
    ]);

    const shown = await call("get_recovery_plan", { planId: "shop" });
    expect(shown.isError).toBeFalsy();
    expect(shown.structuredContent).toMatchObject({
      planId: "shop",
      version: 1,
      versions: [1],
      rtoSeconds: 45 * 60,
      rpoSeconds: 5 * 60,
      waves: [
        { wave: 1, groupIds: ["db"] },
        { wave: 2, groupIds: ["app"] },
        { wave: 3, groupIds: ["web"] },
      ],
      hooks: 3,
    });
    const groups = shown.structuredContent?.groups as { id: string; approval: boolean; critical: boolean }[];
    expect(groups.map((group) => [group.id, group.critical, group.approval])).toEqual([
      ["db", true, false],
      ["app", false, false],
      ["web", false, true],
    ]);
    expect(textOf(shown)).toContain("RTO 45m");
  });

  it("answers an unknown plan or version with what to check", async () => {
    const unknown = await call("get_recovery_plan", { planId: "nope" });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('plan "nope" not found');
    expect(textOf(unknown)).toContain("check planId: list_recovery_plans lists the stored plans");

    const version = await call("get_recovery_plan", { planId: "shop", version: 7 });
    expect(version.isError).toBe(true);
    expect(textOf(version)).toContain('plan "shop" has no version 7');
  });
});

describe("checks before a start", () => {
  it("validates a plan document given as YAML text: invalid fields come back as issues with their path", async () => {
    const result = await call("validate_recovery_plan", {
      document:
        "id: broken\nname: Broken\nrto: soon\nrpo: 5m\ngroups:\n  - id: db\n    select: { tags: { app: shop } }\n    dependsOn: [nowhere]\n",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ ok: false });
    const issues = result.structuredContent?.issues as { path: string; message: string }[];
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(["rto", "groups[0].dependsOn[0]"]),
    );
    expect(result.structuredContent?.waves).toBeUndefined();
    expect(textOf(result)).toContain("would not start");
  });

  it("lays a valid document over the live servers and reports the ones not ready for its RPO", async () => {
    const result = await call("validate_recovery_plan", {
      document: {
        id: "reporting",
        name: "Reporting",
        rto: "1h",
        rpo: "5m",
        groups: [{ id: "reports", select: { tags: { app: "estate", tier: "reporting" } } }],
      },
    });
    expect(result.structuredContent).toMatchObject({ ok: false, plan: { id: "reporting", rpoSeconds: 300 } });
    expect(result.structuredContent?.notReady).toEqual([
      expect.objectContaining({ sourceServerId: "s-b9865b8aa14ef6f1d" }),
    ]);
    expect(result.structuredContent?.issues).toEqual([
      expect.objectContaining({
        path: "failure.notReady",
        message: expect.stringContaining("s-b9865b8aa14ef6f1d"),
      }),
    ]);
    const plans = await call("list_recovery_plans", {});
    expect(plans.structuredContent?.plans).toHaveLength(2);
  });

  it("wants either a stored plan or a document", async () => {
    const neither = await call("validate_recovery_plan", {});
    expect(neither.isError).toBe(true);
    expect(textOf(neither)).toContain("planId: give either planId (a stored plan) or document");
    const both = await call("validate_recovery_plan", { planId: "shop", document: "id: shop" });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toContain("document: give either planId");
  });

  it("describes source servers with their replication state and readiness", async () => {
    const result = await call("describe_source_servers", { tags: { app: "estate", tier: "workers" } });
    expect(result.isError).toBeFalsy();
    const servers = result.structuredContent?.servers as {
      sourceServerId: string;
      ready: boolean;
      replicationState: string;
    }[];
    expect(servers.length).toBe(50);
    expect(servers.filter((server) => !server.ready)).toEqual([
      expect.objectContaining({ sourceServerId: "s-675ba4564873e1849", replicationState: "STALLED" }),
    ]);
    expect(result.structuredContent?.counts).toEqual({ servers: 50, ready: 49, notReady: 1 });
    expect(textOf(result)).toContain("not ready: ");

    const unknown = await call("describe_source_servers", { sourceServerIds: ["s-00000000000000000"] });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain("sourceServerIds[0]: s-00000000000000000 is not a DRS source server");
  });
});

describe("plan health", () => {
  it("evaluates a stored plan now and lists what its recorded evaluations found", async () => {
    const fresh = await call("check_recovery_plan", { planId: "shop" });
    expect(fresh.isError).toBeFalsy();
    const health = fresh.structuredContent as {
      verdict: string;
      findings: { severity: string }[];
      findingCount: number;
      blocks: { drill: boolean; recovery: boolean };
    };
    expect(health).toMatchObject({ planId: "shop", planVersion: 1, counts: { servers: 9, blockers: 0 } });
    expect(health.verdict).toBe("READY");
    expect(health.blocks).toEqual({ drill: false, recovery: false });
    expect(health.findingCount).toBe(health.findings.length);
    expect(fresh.structuredContent?.recorded).toBeUndefined();
    expect(textOf(fresh)).toMatch(/^plan shop v1: READY \(9 servers, 0 blockers, \d+ warnings\)/);

    // Reads only: a check records nothing; the schedule (here, its engine operation) does.
    const { health: recorded } = await evaluateAndRecordPlan(env.engine, "shop", env.local.clock.now());
    const again = await call("check_recovery_plan", { planId: "shop" });
    // The first recorded evaluation with findings is a change (from nothing recorded) of its own.
    expect(recorded.findings.length).toBeGreaterThan(0);
    expect(again.structuredContent?.recorded).toEqual({
      evaluatedAt: recorded.evaluatedAt,
      verdict: recorded.verdict,
      changes: [
        {
          evaluatedAt: recorded.evaluatedAt,
          verdict: recorded.verdict,
          added: recorded.findings.map((finding) => `${finding.code} ${finding.sourceServerId}`),
          addedCount: recorded.findings.length,
          removed: [],
          removedCount: 0,
        },
      ],
    });
  });

  it("evaluates a document not stored yet: a missing subnet blocks a drill and a recovery, with the fix", async () => {
    const result = await call("check_recovery_plan", {
      document: [
        "id: moved",
        "name: Moved shop",
        "rto: 1h",
        "rpo: 1h",
        "launch: { subnetId: subnet-0a1b2c3d4e5f6ffff }",
        "groups:",
        "  - id: db",
        "    select: { tags: { app: shop, tier: db } }",
      ].join("\n"),
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      planId: "moved",
      verdict: "RECOVERY_BLOCKED",
      blocks: { drill: true, recovery: true },
      counts: { servers: 3, blockers: 1 },
    });
    expect(result.structuredContent?.planVersion).toBeUndefined();
    expect(result.structuredContent?.findings).toContainEqual(
      expect.objectContaining({
        code: "SUBNET_MISSING",
        severity: "BLOCKS_RECOVERY",
        path: "launch.subnetId",
        resourceId: "subnet-0a1b2c3d4e5f6ffff",
        fix: expect.stringContaining("recreate subnet subnet-0a1b2c3d4e5f6ffff"),
      }),
    );
    expect(textOf(result)).toContain("[BLOCKS_RECOVERY] SUBNET_MISSING subnet-0a1b2c3d4e5f6ffff:");
  });

  it("refuses a plan it cannot evaluate, naming what to fix", async () => {
    const neither = await call("check_recovery_plan", {});
    expect(neither.isError).toBe(true);
    expect(textOf(neither)).toContain("planId: give either planId (a stored plan) or document");
    const unknown = await call("check_recovery_plan", { planId: "nope" });
    expect(textOf(unknown)).toContain(
      'check_recovery_plan refused (PlanNotFoundError): plan "nope" not found',
    );
    const invalid = await call("check_recovery_plan", { document: { id: "bad", name: "Bad" } });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toContain("check_recovery_plan refused (PlanValidationError)");
    expect(textOf(invalid)).toContain('rto: missing required field "rto"');
  });
});

describe("bad arguments", () => {
  it("names each missing or wrong field and how to fix it", async () => {
    const missing = await call("start_recovery", {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("required: the ID of a stored plan");
    expect(textOf(missing)).toMatch(/at planId/);
    expect(textOf(missing)).toMatch(/required: say why this recovery runs.* at reason/);

    const mode = await call("start_recovery", { planId: "shop", reason: "drill", mode: "drill" });
    expect(mode.isError).toBe(true);
    expect(textOf(mode)).toMatch(/at mode/);
    expect(textOf(mode)).toContain("DRILL");

    const wave = await call("approve_wave", { executionId: "x", wave: "two" });
    expect(wave.isError).toBe(true);
    expect(textOf(wave)).toMatch(/expected the number of the wave.* at wave/);
  });

  it("refuses a misspelt argument with the one meant, instead of dropping it", async () => {
    const before = await executionCount();
    const result = await call("start_recovery", {
      planId: SMALL_PLAN,
      reason: "typo",
      mode: "RECOVERY",
      confrim: SMALL_PLAN,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('unknown argument "confrim" (did you mean confirm?)');
    expect(await executionCount()).toBe(before);
  });
});

describe("start_recovery in RECOVERY mode", () => {
  it("refuses a real recovery without confirm, and starts nothing", async () => {
    const before = await executionCount();
    const result = await call("start_recovery", {
      planId: SMALL_PLAN,
      mode: "RECOVERY",
      reason: "region down",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`confirm must equal the plan ID: set confirm to "${SMALL_PLAN}"`);
    expect(textOf(result)).not.toContain("allow-list");
    expect(await executionCount()).toBe(before);
  });

  it("refuses a confirmed real recovery of a plan not on the server's allow-list", async () => {
    const before = await executionCount();
    const result = await call("start_recovery", {
      planId: "shop",
      mode: "RECOVERY",
      reason: "region down",
      confirm: "shop",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(
      `a real recovery (mode RECOVERY) of plan "shop" is not allowed: the plan is not on this server's RECOVERY allow-list`,
    );
    expect(textOf(result)).toContain("Nothing was started");
    expect(await executionCount()).toBe(before);
  });

  it("starts a confirmed real recovery of an allow-listed plan, recording the caller", async () => {
    const result = await call("start_recovery", {
      planId: SMALL_PLAN,
      mode: "RECOVERY",
      reason: "region down",
      confirm: SMALL_PLAN,
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      planId: SMALL_PLAN,
      planVersion: 1,
      mode: "RECOVERY",
      requestedBy: "mcp:tester",
      alreadyStarted: false,
    });
    const started = result.structuredContent as { executionId: string; executionArn: string };
    expect(started.executionId).toMatch(new RegExp(`^${SMALL_PLAN}-recovery-`));
    const ended = await env.waitForEnd({
      ...started,
      planId: SMALL_PLAN,
      planVersion: 1,
      mode: "RECOVERY",
      alreadyStarted: false,
    });
    expect(ended.status).toBe("SUCCEEDED");
    expect(ended.meta).toMatchObject({ mode: "RECOVERY", requestedBy: "mcp:tester" });
  });
});

describe("resume_recovery", () => {
  /** The real recovery of the small plan the RECOVERY tests above ran to SUCCEEDED. */
  async function smallRecovery(): Promise<string> {
    const listed = await call("list_recoveries", { planId: SMALL_PLAN });
    const [latest] = (listed.structuredContent?.recoveries ?? []) as {
      executionId: string;
      status: string;
    }[];
    expect(latest?.status).toBe("SUCCEEDED");
    return latest?.executionId as string;
  }

  it("refuses a real recovery of a plan not on the server's allow-list, and starts nothing", async () => {
    const executionId = await smallRecovery();
    const before = await executionCount();
    const strict = await connect([]);
    try {
      const result = (await strict.callTool({
        name: "resume_recovery",
        arguments: { executionId, reason: "capacity is back" },
      })) as CallToolResult;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(
        `resume_recovery refused (RecoveryNotAllowedError): a real recovery (mode RECOVERY) of plan "${SMALL_PLAN}" is not allowed: the plan is not on this server's RECOVERY allow-list`,
      );
    } finally {
      await strict.close();
    }
    expect(await executionCount()).toBe(before);
  });

  it("refuses an execution that SUCCEEDED with the reason, and an unknown one with what to check", async () => {
    const executionId = await smallRecovery();
    const before = await executionCount();
    const succeeded = await call("resume_recovery", { executionId, reason: "again" });
    expect(succeeded.isError).toBe(true);
    expect(textOf(succeeded)).toBe(
      `resume_recovery refused (ExecutionNotResumableError): execution ${executionId} cannot be resumed: it SUCCEEDED: there is nothing left to resume`,
    );
    const unknown = await call("resume_recovery", { executionId: "nope", reason: "again" });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain("check executionId: list_recoveries lists the executions");
    const misspelt = await call("resume_recovery", { executionId, reason: "again", skipFailled: true });
    expect(textOf(misspelt)).toContain('unknown argument "skipFailled" (did you mean skipFailed?)');
    expect(await executionCount()).toBe(before);
  });
});

describe("resources", () => {
  it("lists each stored plan and reads its document", async () => {
    const { resources } = await client.listResources();
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          uri: "drs-orchestrator://plans/shop",
          name: "shop",
          mimeType: "application/json",
        }),
      ]),
    );
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toContain(
      "drs-orchestrator://plans/{planId}",
    );

    const read = await client.readResource({ uri: "drs-orchestrator://plans/shop" });
    const [content] = read.contents;
    expect(content?.mimeType).toBe("application/json");
    expect(JSON.parse(content && "text" in content ? content.text : "")).toMatchObject({
      id: "shop",
      groups: [{ id: "db" }, { id: "app" }, { id: "web" }],
    });
    expect(content?._meta).toMatchObject({ version: 1 });
  });

  it("answers an unknown plan as resource not found", async () => {
    await expect(client.readResource({ uri: "drs-orchestrator://plans/nope" })).rejects.toMatchObject({
      code: -32002,
      message: expect.stringContaining('no plan "nope" is stored'),
    });
  });
});
