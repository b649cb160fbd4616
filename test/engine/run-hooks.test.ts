import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { FUNCTIONS } from "@drs-orchestrator/app";
import type { PlanInput } from "@drs-orchestrator/core";
import {
  createEngineContext,
  EngineConfigError,
  type EngineContext,
  HOOK_EVENT_SOURCE,
  type HookItem,
  keys,
  logger,
  parseEngineConfig,
  runHooks,
  runHooksInputSchema,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IncidentServer, startIncidentServer } from "../../examples/mcp-incident-server/incident-server";
import { handler } from "../../functions/run-hooks";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { examplePlan, nowOf, seedExecution } from "./launch-fixtures";

const TOKEN = "incident-token-4f1c";

let env: LocalEngine;
let engine: EngineContext;
let incidents: IncidentServer;
let hanging: Server;
let lambda: LambdaClient;
/** Events the `hook-target` function received, and how many times it should fail before answering. */
const targetCalls: unknown[] = [];
let targetFailures = 0;

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`),
    ),
  );
}

beforeAll(async () => {
  logger.setLogLevel("ERROR");
  env = await startLocalEngine({ speed: 1 });
  incidents = await startIncidentServer({ port: 0, token: TOKEN });
  // Accepts connections and never answers: a server that hangs.
  hanging = createServer(() => {});
  const hangingUrl = await listen(hanging);
  env.local.secrets.seed("hooks/incidents-token", TOKEN);
  env.local.secrets.seed("hooks/stale-token", "a-token-the-server-does-not-know");

  const { config } = env.engine;
  const engineEnv = {
    PLANS_TABLE: config.plansTable,
    EXECUTIONS_TABLE: config.executionsTable,
    RECOVERY_STATE_MACHINE_ARN: config.recoveryStateMachineArn,
    HOOK_MCP_SERVERS: JSON.stringify({
      incidents: { url: incidents.url, tokenSecret: "hooks/incidents-token" },
      "incidents-stale": { url: incidents.url, tokenSecret: "hooks/stale-token" },
      "incidents-open": { url: incidents.url },
      hanging: { url: hangingUrl },
    }),
  };
  engine = createEngineContext({ ...env.local.env, ...engineEnv });

  env.local.lambda.register({
    name: "hook-target",
    timeoutSeconds: 30,
    handler: async (event: unknown) => {
      targetCalls.push(event);
      if (targetFailures > 0) {
        targetFailures--;
        throw new Error("smoke test failed: checkout returned 503");
      }
      return { ok: true, checked: 12 };
    },
  });
  const spec = FUNCTIONS.find((fn) => fn.name === "run-hooks");
  env.local.lambda.register({
    name: "run-hooks",
    handler,
    timeoutSeconds: spec?.timeoutSeconds,
    memorySize: spec?.memoryMb,
    environment: { ...engineEnv, POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
  lambda = new LambdaClient({ endpoint: env.local.endpoint });
});

afterAll(async () => {
  lambda?.destroy();
  await incidents?.close();
  await new Promise<void>((resolve) => {
    if (!hanging) return resolve();
    hanging.close(() => resolve());
    hanging.closeAllConnections();
  });
  await env?.stop();
});

let executions = 0;

/** A fresh execution of the three-tier plan (db → app → web) with these hooks. */
async function executionWith(
  hooks: NonNullable<PlanInput["hooks"]>,
): Promise<{ executionId: string; planId: string }> {
  const document = { ...((await examplePlan("three-tier")) as Record<string, unknown>), hooks };
  const executionId = `hooks-test-${++executions}`;
  const seeded = await seedExecution(env, { executionId, document, engine });
  return { executionId, planId: seeded.plan.id };
}

async function hookItems(executionId: string): Promise<HookItem[]> {
  return engine.executions.hooks(executionId);
}

describe("mcp hooks against the example incident server", () => {
  it("calls the tools over streamable HTTP with templated arguments and records their results", async () => {
    const { executionId, planId } = await executionWith({
      beforeRecovery: [
        {
          name: "open incident",
          mcp: {
            server: "incidents",
            tool: "open_incident",
            arguments: { reference: "{{executionId}}", title: "DR {{mode}} of {{planName}}", severity: 3 },
          },
        },
      ],
      afterWave: [
        {
          mcp: {
            server: "incidents",
            tool: "add_note",
            arguments: {
              incident: "{{executionId}}",
              text: "wave {{wave}}/{{waveCount}} ({{groups}}): {{healthy}} of {{servers}} healthy",
            },
          },
        },
      ],
    });
    // Two of wave 2's three servers came up healthy.
    const wave2 = await engine.executions.servers(executionId, 2);
    for (const server of wave2.slice(0, 2)) {
      await engine.executions.update(keys.server(executionId, 2, server.sourceServerId), {
        status: "HEALTHY",
      });
    }

    const now = nowOf(env);
    expect(await runHooks({ executionId, planId, phase: "beforeRecovery", now }, engine)).toEqual({
      hooks: 1,
      succeeded: 1,
      failed: 0,
    });
    expect(await runHooks({ executionId, planId, phase: "afterWave", wave: 2, now }, engine)).toEqual({
      hooks: 1,
      succeeded: 1,
      failed: 0,
    });

    const incident = incidents.notes.find(executionId);
    expect(incident.title).toBe("DR DRILL of Three-tier web shop");
    expect(incident.notes.map((note) => note.text)).toEqual(["wave 2/3 (app): 2 of 3 healthy"]);

    const [opened, noted] = await hookItems(executionId).then((items) =>
      items.sort((a, b) => a.phase.localeCompare(b.phase)).reverse(),
    );
    expect(opened).toMatchObject({
      phase: "beforeRecovery",
      index: 0,
      name: "open incident",
      kind: "mcp",
      target: "incidents/open_incident",
      status: "SUCCEEDED",
      attempts: 1,
      isError: false,
      startedAt: now,
    });
    expect(opened?.wave).toBeUndefined();
    expect(JSON.parse(opened?.result ?? "{}")).toMatchObject({
      incidentId: incident.incidentId,
      created: true,
    });
    expect(noted).toMatchObject({
      phase: "afterWave",
      wave: 2,
      name: "mcp incidents/add_note",
      status: "SUCCEEDED",
      attempts: 1,
      isError: false,
    });
    expect(JSON.parse(noted?.result ?? "{}")).toMatchObject({
      incidentId: incident.incidentId,
      noteCount: 1,
    });
    expect(noted?.attemptLog).toEqual([{ attempt: 1, durationMs: expect.any(Number) }]);
    expect(noted?.error).toBeUndefined();
  });

  it("does not call a hook again when the phase runs again (a retried function)", async () => {
    const { executionId, planId } = await executionWith({
      beforeRecovery: [
        {
          mcp: {
            server: "incidents",
            tool: "open_incident",
            arguments: { reference: "{{executionId}}", title: "x" },
          },
        },
      ],
      afterRecovery: [
        {
          mcp: {
            server: "incidents",
            tool: "add_note",
            arguments: { incident: "{{executionId}}", text: "done" },
          },
        },
      ],
    });
    const now = nowOf(env);
    await runHooks({ executionId, planId, phase: "beforeRecovery", now }, engine);
    await runHooks({ executionId, planId, phase: "afterRecovery", now }, engine);
    await runHooks({ executionId, planId, phase: "afterRecovery", now }, engine);
    expect(incidents.notes.find(executionId).notes).toHaveLength(1);
    expect(await hookItems(executionId)).toHaveLength(2);
  });

  it("records a wrong token as a failure after its retries; continue lets the phase go on", async () => {
    const { executionId, planId } = await executionWith({
      afterRecovery: [
        {
          name: "note with a stale token",
          mcp: { server: "incidents-stale", tool: "add_note", arguments: { text: "recovered" } },
          retries: 1,
          onFailure: "continue",
        },
        {
          name: "open without a token",
          mcp: { server: "incidents-open", tool: "list_notes" },
          onFailure: "continue",
        },
      ],
    });
    const result = await runHooks({ executionId, planId, phase: "afterRecovery", now: nowOf(env) }, engine);
    expect(result).toEqual({ hooks: 2, succeeded: 0, failed: 2 });
    const [stale, open] = (await hookItems(executionId)).sort((a, b) => a.index - b.index);
    expect(stale).toMatchObject({ status: "FAILED", attempts: 2, onFailure: "continue" });
    expect(stale?.error).toMatch(/McpHttpError: .*HTTP 401.*missing or invalid bearer token/);
    expect(stale?.attemptLog.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(open?.error).toContain("HTTP 401");
  });

  it("fails the phase with HookFailedError naming the hook when an abort hook fails", async () => {
    const { executionId, planId } = await executionWith({
      beforeWave: [
        {
          name: "page the on-call",
          mcp: { server: "incidents-stale", tool: "add_note", arguments: { text: "x" } },
        },
        { mcp: { server: "incidents", tool: "open_incident", arguments: { title: "never reached" } } },
      ],
    });
    const run = runHooks({ executionId, planId, phase: "beforeWave", wave: 1, now: nowOf(env) }, engine);
    await expect(run).rejects.toMatchObject({
      name: "HookFailedError",
      hook: 'hooks.beforeWave[0] "page the on-call" (wave 1)',
      attempts: 1,
    });
    await expect(run).rejects.toThrow(/HTTP 401/);
    expect(await hookItems(executionId)).toHaveLength(1);
  });

  it("records a tool error (isError) as a failed attempt, retried", async () => {
    const { executionId, planId } = await executionWith({
      afterWave: [
        {
          mcp: {
            server: "incidents",
            tool: "add_note",
            arguments: { incident: "no-such-incident", text: "x" },
          },
          retries: 2,
          onFailure: "continue",
        },
      ],
    });
    await runHooks({ executionId, planId, phase: "afterWave", wave: 1, now: nowOf(env) }, engine);
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({ status: "FAILED", attempts: 3, isError: true });
    expect(item?.error).toContain('the tool reported an error: no incident "no-such-incident"');
  });

  it("gives up on a server that does not answer within the hook's timeout", async () => {
    const { executionId, planId } = await executionWith({
      beforeRecovery: [
        {
          mcp: { server: "hanging", tool: "add_note", arguments: { text: "x" } },
          timeout: "PT0.3S",
          onFailure: "continue",
        },
      ],
    });
    const begin = performance.now();
    await runHooks({ executionId, planId, phase: "beforeRecovery", now: nowOf(env) }, engine);
    expect(performance.now() - begin).toBeLessThan(3000);
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({ status: "FAILED", attempts: 1, error: "no answer within 0.3s" });
    expect(item?.durationMs).toBeGreaterThanOrEqual(250);
  });

  it("fails at once, without retries, on a server HOOK_MCP_SERVERS does not configure", async () => {
    const { executionId, planId } = await executionWith({
      beforeRecovery: [{ mcp: { server: "tickets", tool: "create" }, retries: 3, onFailure: "continue" }],
    });
    await runHooks({ executionId, planId, phase: "beforeRecovery", now: nowOf(env) }, engine);
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(item?.error).toMatch(
      /HookConfigurationError: MCP server "tickets" is not configured: add it to HOOK_MCP_SERVERS/,
    );
  });

  it("calls nothing when the arguments use a placeholder unknown in the phase", async () => {
    const { executionId, planId } = await executionWith({
      beforeRecovery: [
        { mcp: { server: "incidents", tool: "add_note", arguments: { text: "wave {{wave}}" } } },
      ],
    });
    await expect(
      runHooks({ executionId, planId, phase: "beforeRecovery", now: nowOf(env) }, engine),
    ).rejects.toThrow(
      /hooks.beforeRecovery\[0\] failed after 0 attempt\(s\): HookTemplateError: unknown placeholder \{\{wave\}\} at mcp.arguments.text/,
    );
    expect((await hookItems(executionId))[0]).toMatchObject({ status: "FAILED", attempts: 0 });
  });
});

describe("lambda, event and ssm hooks", () => {
  it("invokes a function through the Lambda API with the templated payload, retrying a FunctionError", async () => {
    targetCalls.length = 0;
    targetFailures = 1;
    const { executionId, planId } = await executionWith({
      afterWave: [
        {
          name: "smoke test",
          lambda: {
            functionName: "hook-target",
            payload: { suite: "recovery", wave: "{{wave}}", groups: "{{groups}}" },
          },
          retries: 1,
        },
      ],
    });
    await runHooks({ executionId, planId, phase: "afterWave", wave: 3, now: nowOf(env) }, engine);
    expect(targetCalls).toEqual([
      { suite: "recovery", wave: 3, groups: ["web"] },
      { suite: "recovery", wave: 3, groups: ["web"] },
    ]);
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({ kind: "lambda", target: "hook-target", status: "SUCCEEDED", attempts: 2 });
    expect(JSON.parse(item?.result ?? "")).toEqual({ ok: true, checked: 12 });
    expect(item?.attemptLog[0]?.error).toMatch(
      /function hook-target failed \(Unhandled\): Error: smoke test failed/,
    );
  });

  it("gives a function without a payload the hook's context", async () => {
    targetCalls.length = 0;
    const { executionId, planId } = await executionWith({
      beforeRecovery: [{ lambda: { functionName: "hook-target" } }],
    });
    const now = nowOf(env);
    await runHooks({ executionId, planId, phase: "beforeRecovery", now }, engine);
    expect(targetCalls).toEqual([
      {
        executionId,
        planId,
        planVersion: expect.any(Number),
        planName: "Three-tier web shop",
        mode: "DRILL",
        phase: "beforeRecovery",
        now,
        waveCount: 3,
        servers: 9,
      },
    ]);
  });

  it("records a missing function as the Lambda API's error", async () => {
    const { executionId, planId } = await executionWith({
      afterRecovery: [{ lambda: { functionName: "no-such-function" }, onFailure: "continue" }],
    });
    await runHooks({ executionId, planId, phase: "afterRecovery", now: nowOf(env) }, engine);
    expect((await hookItems(executionId))[0]?.error).toMatch(
      /^ResourceNotFoundException: Function not found/,
    );
  });

  it("puts an event on the app's bus with the templated detail, timed at the hook state's entry", async () => {
    const { executionId, planId } = await executionWith({
      afterRecovery: [
        {
          event: {
            detailType: "Shop Recovered",
            detail: { team: "shop", execution: "{{executionId}}", healthy: "{{healthy}}" },
          },
        },
      ],
    });
    const now = nowOf(env);
    await runHooks({ executionId, planId, phase: "afterRecovery", now }, engine);
    const received = env.local.events.receivedEvents.filter(
      (r) => r.event["detail-type"] === "Shop Recovered",
    );
    expect(received).toHaveLength(1);
    expect(received[0]?.eventBusName).toBe(engine.config.eventBusName);
    expect(received[0]?.event).toMatchObject({
      source: HOOK_EVENT_SOURCE,
      detail: { team: "shop", execution: executionId, healthy: 0 },
      time: now.replace(/\.\d{3}Z$/, "Z"),
    });
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({
      kind: "event",
      status: "SUCCEEDED",
      result: `event ${received[0]?.event.id} on bus default`,
    });
  });

  it("reports SSM Automation as unavailable on the local runtime, from the SDK's own error", async () => {
    const { executionId, planId } = await executionWith({
      beforeWave: [
        {
          name: "drain gateway",
          ssm: { documentName: "Shop-DrainGateway", parameters: { wave: ["{{wave}}"] } },
          onFailure: "continue",
        },
      ],
    });
    await runHooks({ executionId, planId, phase: "beforeWave", wave: 1, now: nowOf(env) }, engine);
    const [item] = await hookItems(executionId);
    expect(item).toMatchObject({ kind: "ssm", target: "Shop-DrainGateway", status: "FAILED", attempts: 1 });
    expect(item?.error).toBe(
      'HookAutomationError: SSM Automation "Shop-DrainGateway" did not start: UnrecognizedClientException: service "ssm" is not emulated by the local runtime',
    );
  });
});

describe("run-hooks function", () => {
  it("fails the invocation with HookFailedError, the hook named in the message", async () => {
    const { executionId, planId } = await executionWith({
      afterWave: [
        { name: "notify", mcp: { server: "incidents-stale", tool: "add_note", arguments: { text: "x" } } },
      ],
    });
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: "run-hooks",
        Payload: JSON.stringify({ executionId, planId, phase: "afterWave", wave: 2, now: nowOf(env) }),
      }),
    );
    expect(response.FunctionError).toBe("Unhandled");
    const error = JSON.parse(new TextDecoder().decode(response.Payload));
    expect(error.errorType).toBe("HookFailedError");
    expect(error.errorMessage).toMatch(
      /^hook hooks.afterWave\[0\] "notify" \(wave 2\) failed after 1 attempt\(s\): McpHttpError/,
    );
  });

  it("answers counters for a phase without hooks", async () => {
    const { executionId, planId } = await executionWith({});
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: "run-hooks",
        Payload: JSON.stringify({ executionId, planId, phase: "beforeRecovery", now: nowOf(env) }),
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(response.Payload))).toEqual({
      hooks: 0,
      succeeded: 0,
      failed: 0,
    });
  });

  it("names the wave as missing or superfluous for the phase", () => {
    const base = { executionId: "e", planId: "p", now: "2026-11-21T10:00:00.000Z" };
    const missing = runHooksInputSchema.safeParse({ ...base, phase: "afterWave" });
    expect(missing.error?.issues).toEqual([
      expect.objectContaining({ path: ["wave"], message: "required for afterWave hooks" }),
    ]);
    const superfluous = runHooksInputSchema.safeParse({ ...base, phase: "afterRecovery", wave: 1 });
    expect(superfluous.error?.issues[0]?.message).toBe("afterRecovery hooks run for no wave: leave it out");
  });
});

describe("HOOK_MCP_SERVERS", () => {
  const env = { PLANS_TABLE: "p", EXECUTIONS_TABLE: "e", RECOVERY_STATE_MACHINE_ARN: "arn" };

  it("is parsed into named server configurations; absent means none", () => {
    expect(parseEngineConfig(env).mcpServers).toEqual({});
    expect(
      parseEngineConfig({
        ...env,
        HOOK_MCP_SERVERS:
          '{"incidents":{"url":"https://mcp.example.com/mcp","tokenSecret":"hooks/incidents"}}',
      }).mcpServers,
    ).toEqual({ incidents: { url: "https://mcp.example.com/mcp", tokenSecret: "hooks/incidents" } });
  });

  it("names the bad field", () => {
    expect(() => parseEngineConfig({ ...env, HOOK_MCP_SERVERS: "{incidents:" })).toThrow(
      /HOOK_MCP_SERVERS: not JSON/,
    );
    expect(() => parseEngineConfig({ ...env, HOOK_MCP_SERVERS: '{"incidents":{"url":"ftp://x"}}' })).toThrow(
      EngineConfigError,
    );
    expect(() => parseEngineConfig({ ...env, HOOK_MCP_SERVERS: '{"incidents":{"url":"ftp://x"}}' })).toThrow(
      /HOOK_MCP_SERVERS.incidents.url: expected the server's http\(s\) URL/,
    );
    expect(() =>
      parseEngineConfig({
        ...env,
        HOOK_MCP_SERVERS: '{"incidents":{"url":"http://127.0.0.1:1/mcp","token":"x"}}',
      }),
    ).toThrow(/HOOK_MCP_SERVERS.incidents: Unrecognized key: "token"/);
  });
});
