import type { PlanInput } from "@drs-orchestrator/core";
import { summarizeRecovery } from "@drs-orchestrator/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IncidentServer, startIncidentServer } from "../../examples/mcp-incident-server/incident-server";
import { type DeployedApp, planFile, startDeployedApp } from "../support/local-app";

/**
 * Hooks in full drills: the deployed workflow runs the plan's hooks around the recovery and each
 * wave through the run-hooks function, which calls the example incident server over HTTP with
 * the token from Secrets Manager; a failing hook either goes on or ends the recovery.
 */

const TOKEN = "drill-hooks-token";
let incidents: IncidentServer;
let env: DeployedApp;

beforeAll(async () => {
  incidents = await startIncidentServer({ port: 0, token: TOKEN });
  env = await startDeployedApp({
    speed: 600,
    app: {
      environment: {
        HOOK_MCP_SERVERS: JSON.stringify({
          incidents: { url: incidents.url, tokenSecret: "drs-orchestrator/incidents-token" },
          "incidents-stale": { url: incidents.url, tokenSecret: "drs-orchestrator/stale-token" },
        }),
      },
    },
  });
  env.local.secrets.seed("drs-orchestrator/incidents-token", TOKEN);
  env.local.secrets.seed("drs-orchestrator/stale-token", "revoked-token");
}, 60_000);

afterAll(async () => {
  await env?.stop();
  await incidents?.close();
});

/** The three-tier shop (db → app → web, 3 servers each) without its approval gate, with these hooks. */
async function shopWith(hooks: NonNullable<PlanInput["hooks"]>): Promise<string> {
  const document = await planFile("three-tier.yaml");
  const groups = (document.groups as Record<string, unknown>[]).map(
    ({ approval: _approval, ...group }) => group,
  );
  return env.applyPlan({ ...document, groups, hooks });
}

describe("a drill with hooks", () => {
  it("runs every phase's hooks in order; a failing hook with onFailure continue is reported and the drill succeeds", async () => {
    const planId = await shopWith({
      beforeRecovery: [
        {
          name: "open incident",
          mcp: {
            server: "incidents",
            tool: "open_incident",
            arguments: { reference: "{{executionId}}", title: "{{mode}} {{planId}}" },
          },
        },
      ],
      afterWave: [
        {
          name: "note with a revoked token",
          mcp: { server: "incidents-stale", tool: "add_note", arguments: { text: "never written" } },
          onFailure: "continue",
        },
        {
          name: "note wave",
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
      afterRecovery: [
        {
          mcp: {
            server: "incidents",
            tool: "add_note",
            arguments: { incident: "{{executionId}}", text: "{{mode}} done" },
          },
        },
      ],
    });
    const ended = await env.drill(planId, 60_000);
    expect(ended.status).toBe("SUCCEEDED");
    const { executionId } = ended.meta;

    const incident = incidents.notes.find(executionId);
    expect(incident.title).toBe(`DRILL ${planId}`);
    expect(incident.notes.map((note) => note.text)).toEqual([
      "wave 1/3 (db): 3 of 3 healthy",
      "wave 2/3 (app): 3 of 3 healthy",
      "wave 3/3 (web): 3 of 3 healthy",
      "DRILL done",
    ]);

    const [waves, servers, hooks] = await Promise.all([
      env.engine.executions.waves(executionId),
      env.engine.executions.servers(executionId),
      env.engine.executions.hooks(executionId),
    ]);
    const report = summarizeRecovery({
      execution: ended.meta,
      outcome: { status: ended.meta.status },
      waves,
      servers,
      hooks,
    });
    expect(report.status).toBe("SUCCEEDED");
    expect(report.hooks.map((hook) => [hook.phase, hook.wave, hook.name, hook.status])).toEqual([
      ["beforeRecovery", undefined, "open incident", "SUCCEEDED"],
      ["afterWave", 1, "note with a revoked token", "FAILED"],
      ["afterWave", 1, "note wave", "SUCCEEDED"],
      ["afterWave", 2, "note with a revoked token", "FAILED"],
      ["afterWave", 2, "note wave", "SUCCEEDED"],
      ["afterWave", 3, "note with a revoked token", "FAILED"],
      ["afterWave", 3, "note wave", "SUCCEEDED"],
      ["afterRecovery", undefined, "mcp incidents/add_note", "SUCCEEDED"],
    ]);
    for (const failed of report.hooks.filter((hook) => hook.status === "FAILED")) {
      expect(failed).toMatchObject({ onFailure: "continue", attempts: 1 });
      expect(failed.error).toContain("HTTP 401");
    }
    expect(report.hooks[2]?.result).toContain('"noteCount":1');

    // The hook states are where the shared design puts them: after Prepare, per wave, before Finalize.
    const entered = (await env.history(ended.executionArn))
      .filter((event) => event.type === "TaskStateEntered")
      .map((event) => event.stateEnteredEventDetails?.name)
      .filter(
        (name) =>
          name?.endsWith("Hooks") ||
          name === "Prepare" ||
          name === "ApplyLaunchSettings" ||
          name === "Finalize",
      );
    expect(entered).toEqual([
      "Prepare",
      "BeforeRecoveryHooks",
      ...[1, 2, 3].flatMap(() => ["BeforeWaveHooks", "ApplyLaunchSettings", "AfterWaveHooks"]),
      "AfterRecoveryHooks",
      "Finalize",
    ]);
  }, 90_000);

  it("ends the recovery when a hook with onFailure abort fails, naming the hook; later waves never launch", async () => {
    const planId = await shopWith({
      afterWave: [
        {
          name: "page the on-call",
          mcp: { server: "incidents-stale", tool: "add_note", arguments: { text: "wave {{wave}} up" } },
          retries: 1,
        },
      ],
    });
    const ended = await env.drill(planId, 60_000);
    expect(ended.status).toBe("FAILED");
    expect(ended.error).toBe("RecoveryFailed");
    expect(ended.meta).toMatchObject({ status: "FAILED", error: "HookFailedError" });
    expect(ended.meta.cause).toContain(
      'hook hooks.afterWave[0] \\"page the on-call\\" (wave 1) failed after 2 attempt(s)',
    );

    const { executionId } = ended.meta;
    const [waves, servers, hooks] = await Promise.all([
      env.engine.executions.waves(executionId),
      env.engine.executions.servers(executionId),
      env.engine.executions.hooks(executionId),
    ]);
    expect(hooks).toEqual([
      expect.objectContaining({
        phase: "afterWave",
        wave: 1,
        status: "FAILED",
        attempts: 2,
        onFailure: "abort",
      }),
    ]);
    expect(waves.map((wave) => [wave.wave, wave.status])).toEqual([
      [1, "COMPLETED"],
      [2, "PENDING"],
      [3, "PENDING"],
    ]);
    expect(servers.filter((server) => server.wave > 1).every((server) => server.status === "PENDING")).toBe(
      true,
    );
    const launchedIds = new Set(
      servers.filter((server) => server.wave === 1).map((server) => server.sourceServerId),
    );
    for (const server of servers.filter((s) => s.wave > 1))
      expect(launchedIds.has(server.sourceServerId)).toBe(false);
    expect(servers.filter((server) => server.wave === 1).every((server) => server.status === "HEALTHY")).toBe(
      true,
    );
  }, 90_000);
});
