import {
  cognitoIssuer,
  functionEnvironment,
  mcpEndpointPlan,
  mcpFunctionEnvironment,
  parseInfraConfig,
} from "@drs-orchestrator/app";
import { InvalidInputError } from "@drs-orchestrator/core";
import { parseEngineConfig } from "@drs-orchestrator/engine";
import { parseMcpHttpConfig } from "@drs-orchestrator/mcp";
import { describe, expect, it } from "vitest";

const names = {
  plansTable: "drs-orchestrator-test-plans",
  executionsTable: "drs-orchestrator-test-executions",
  recoveryStateMachineArn:
    "arn:aws:states:us-west-2:111122223333:stateMachine:drs-orchestrator-test-recovery",
  cleanupStateMachineArn:
    "arn:aws:states:us-west-2:111122223333:stateMachine:drs-orchestrator-test-drill-cleanup",
  eventBusName: "drs-orchestrator-test",
};

describe("stage config", () => {
  it("defaults every field when a stage has no config file", () => {
    const config = parseInfraConfig(undefined, "stacks/stages/dev.json");
    expect(config).toMatchObject({
      alertEmails: [],
      logRetention: "1 month",
      mcp: { auth: "iam", recoveryAllowedPlans: [] },
      plans: [],
    });
  });

  it("names each bad field and what it expects", () => {
    let error: unknown;
    try {
      parseInfraConfig(
        { alertEmails: ["ops"], mcp: { auth: "jwt", issuer: "not a url", audiences: [] }, timings: {} },
        "stacks/stages/prod.json",
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const message = (error as Error).message;
    expect(message).toContain("stage config stacks/stages/prod.json");
    expect(message).toMatch(/alertEmails\.0: expected an email address/);
    expect(message).toMatch(/mcp\.issuer: expected the issuer URL/);
    expect(message).toMatch(/mcp\.audiences: name at least one audience/);
    expect(message).toMatch(/unknown field\(s\) timings/);
  });

  it("gives the functions an environment the engine accepts, with the stage's quotas", () => {
    const config = parseInfraConfig(
      { drsQuotas: { maxServersPerJob: 50 }, healthCheckTimeoutSeconds: 600 },
      "x",
    );
    const engine = parseEngineConfig(functionEnvironment(config, names));
    expect(engine).toMatchObject({
      plansTable: names.plansTable,
      executionsTable: names.executionsTable,
      recoveryStateMachineArn: names.recoveryStateMachineArn,
      cleanupStateMachineArn: names.cleanupStateMachineArn,
      eventBusName: names.eventBusName,
      healthCheckTimeoutSeconds: 600,
      mcpServers: {},
    });
    expect(engine.quotas.maxServersPerJob).toBe(50);
  });

  it("evaluates every stored plan every 30 minutes unless the stage says otherwise, within 5 minutes to a day", () => {
    expect(parseInfraConfig({}, "x").planHealthMinutes).toBe(30);
    const config = parseInfraConfig({ planHealthMinutes: 15 }, "x");
    expect(parseEngineConfig(functionEnvironment(config, names)).planHealthMinutes).toBe(15);
    expect(() => parseInfraConfig({ planHealthMinutes: 2 }, "stacks/stages/prod.json")).toThrow(
      /planHealthMinutes: must be at least 5: an evaluation of every plan must end before the next starts/,
    );
    expect(() => parseInfraConfig({ planHealthMinutes: 2000 }, "x")).toThrow(
      /planHealthMinutes: must be at most 1440 \(a day\)/,
    );
    expect(() => parseInfraConfig({ planHealthMinutes: 7.5 }, "x")).toThrow(
      /planHealthMinutes: expected a whole number of minutes/,
    );
  });

  it("leaves the engine's defaults in force where the stage sets nothing", () => {
    const environment = functionEnvironment(parseInfraConfig({}, "x"), names);
    expect(
      Object.keys(environment).filter((key) => key.startsWith("DRS_") || key.startsWith("HEALTH")),
    ).toEqual([]);
  });

  it("hands the stage's hook MCP servers to the engine", () => {
    const hookMcpServers = {
      incidents: { url: "https://mcp.example.com/mcp", tokenSecret: "drs-orchestrator/incidents-token" },
    };
    const engine = parseEngineConfig(functionEnvironment(parseInfraConfig({ hookMcpServers }, "x"), names));
    expect(engine.mcpServers).toEqual(hookMcpServers);
  });

  it("refuses a hook MCP server without an http(s) URL, naming the server", () => {
    expect(() =>
      parseInfraConfig({ hookMcpServers: { incidents: { url: "ftp://x" } } }, "stacks/stages/prod.json"),
    ).toThrow(/hookMcpServers\.incidents\.url: expected the server's http\(s\) URL/);
  });

  it("chooses the MCP endpoint by the config's auth", () => {
    const mcp = (settings: unknown) => parseInfraConfig({ mcp: settings }, "x").mcp;
    expect(mcpEndpointPlan(mcp({ auth: "iam" }))).toEqual({ kind: "function-url", authorization: "iam" });
    // No API Gateway authorizer: the function answers 401 with the challenge itself, and serves
    // the protected-resource metadata unauthenticated.
    const routes = ["ANY /mcp", "GET /.well-known/{proxy+}"];
    expect(
      mcpEndpointPlan(mcp({ auth: "jwt", issuer: "https://login.example.com/", audiences: ["mcp"] })),
    ).toEqual({
      kind: "http-api",
      routes,
      tokens: { kind: "jwt", issuer: "https://login.example.com/", audiences: ["mcp"] },
    });
    expect(mcpEndpointPlan(mcp({ auth: "cognito" }))).toEqual({
      kind: "http-api",
      routes,
      tokens: { kind: "cognito" },
    });
  });

  it("gives the MCP function settings its handler accepts", () => {
    const issuer = cognitoIssuer("us-west-2", "us-west-2_AbCdEfGhI");
    const jwt = parseMcpHttpConfig(
      mcpFunctionEnvironment({ mode: "jwt", issuer, audiences: ["client-1", "client-2"] }, [
        "payments",
        "shop",
      ]),
    );
    expect(jwt).toEqual({
      auth: {
        mode: "jwt",
        issuer,
        audiences: ["client-1", "client-2"],
        jwksUrl: `${issuer}/.well-known/jwks.json`,
      },
      recoveryAllowList: ["payments", "shop"],
    });
    expect(parseMcpHttpConfig(mcpFunctionEnvironment({ mode: "iam" }, []))).toEqual({
      auth: { mode: "iam" },
      recoveryAllowList: [],
    });
  });

  it("takes the plans the MCP server may really recover from the stage, drills only by default", () => {
    expect(parseInfraConfig({}, "x").mcp.recoveryAllowedPlans).toEqual([]);
    expect(
      parseInfraConfig({ mcp: { auth: "cognito", recoveryAllowedPlans: ["payments"] } }, "x").mcp,
    ).toEqual({ auth: "cognito", recoveryAllowedPlans: ["payments"] });
    expect(() =>
      parseInfraConfig({ mcp: { auth: "iam", recoveryAllowedPlans: [""] } }, "stacks/stages/prod.json"),
    ).toThrow(/mcp\.recoveryAllowedPlans\.0: expected a plan ID/);
  });
});
