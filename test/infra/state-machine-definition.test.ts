import { createRequire } from "node:module";
import {
  drillCleanupDefinitionJson,
  drillCleanupFunctionArns,
  FUNCTIONS,
  recoveryDefinitionJson,
  recoveryFunctionArns,
  stateMachineLogging,
  taskFunctionArns,
} from "@drs-orchestrator/app";
import { describe, expect, it } from "vitest";
import { DEFAULT_RECOVERY_TIMING } from "../../workflows/recovery-workflow";
import { functionArn } from "./fixtures";

type AslValidator = (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

const definitionJson = recoveryDefinitionJson(
  recoveryFunctionArns(FUNCTIONS, functionArn),
  DEFAULT_RECOVERY_TIMING,
);
const definition = JSON.parse(definitionJson) as { States: Record<string, unknown> };

describe("recovery state machine definition with deploy-time ARNs", () => {
  it("is valid ASL", () => {
    const result = aslValidator(definition);
    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("calls only the app's functions, and every step function of the manifest", () => {
    const called = new Set(taskFunctionArns(definition));
    const stepArns = FUNCTIONS.filter((spec) => spec.step).map((spec) => functionArn(spec.name));
    expect([...called].sort()).toEqual([...new Set(stepArns)].sort());
  });

  it("refuses a definition with a step no function implements", () => {
    const arns = recoveryFunctionArns(
      FUNCTIONS.filter((spec) => spec.step !== "checkHealth"),
      functionArn,
    );
    expect(() => recoveryDefinitionJson(arns, DEFAULT_RECOVERY_TIMING)).toThrow(/CheckHealth/);
  });

  it("logs errors only, without execution data", () => {
    expect(
      stateMachineLogging("arn:aws:logs:us-west-2:111122223333:log-group:/aws/vendedlogs/states/x"),
    ).toEqual({
      level: "ERROR",
      includeExecutionData: false,
      logDestination: "arn:aws:logs:us-west-2:111122223333:log-group:/aws/vendedlogs/states/x:*",
    });
  });
});

describe("drill cleanup state machine definition with deploy-time ARNs", () => {
  const cleanup = JSON.parse(
    drillCleanupDefinitionJson(drillCleanupFunctionArns(FUNCTIONS, functionArn)),
  ) as {
    States: Record<string, unknown>;
  };

  it("is valid ASL", () => {
    const result = aslValidator(cleanup);
    expect(result.errorsText()).toBe("");
    expect(result.isValid).toBe(true);
  });

  it("gives every Task a function, and calls exactly the manifest's cleanup step functions", () => {
    const called = taskFunctionArns(cleanup);
    expect(called).not.toContain(undefined);
    const cleanupArns = FUNCTIONS.filter((spec) => spec.cleanupStep).map((spec) => functionArn(spec.name));
    expect([...new Set(called)].sort()).toEqual([...new Set(cleanupArns)].sort());
  });

  it("refuses a definition with a cleanup step no function implements", () => {
    const arns = drillCleanupFunctionArns(
      FUNCTIONS.filter((spec) => spec.cleanupStep !== "revertLaunchSettings"),
      functionArn,
    );
    expect(() => drillCleanupDefinitionJson(arns)).toThrow(/RevertLaunchSettings/);
  });
});
