import {
  FUNCTIONS,
  functionAccess,
  functionPolicyStatements,
  type PolicyStatement,
  type TableSpec,
} from "@drs-orchestrator/app";
import { describe, expect, it } from "vitest";
import { RESOURCES } from "./fixtures";
import { handlerSdkCalls } from "./sdk-calls";

/** Whether the statements allow `action` on `resource` (exact ARN or a trailing-* pattern). */
function allows(statements: readonly PolicyStatement[], action: string, resource?: string): boolean {
  return statements.some(
    (statement) =>
      statement.actions.includes(action) &&
      (resource === undefined ||
        statement.resources.some(
          (r) => r === resource || (r.endsWith("*") && resource.startsWith(r.slice(0, -1))),
        )),
  );
}

describe("function access tables", () => {
  it("names the AWS operations of every function", () => {
    for (const spec of FUNCTIONS) expect(() => functionAccess(spec.name), spec.name).not.toThrow();
  });

  it("refuses a function without an entry, naming the table to extend", () => {
    expect(() => functionAccess("no-such-function")).toThrow(/FUNCTION_ACCESS.*function-access\.ts/);
  });

  // The policy must cover every command the handler's code sends, read from its sources.
  it.each(FUNCTIONS.map((spec) => [spec.name, spec.module] as const))(
    "%s's policy covers the calls in its code",
    (name, module) => {
      const statements = functionPolicyStatements(functionAccess(name), RESOURCES);
      const calls = handlerSdkCalls(module);
      expect(calls.length, `${module} sends no AWS call the scan can see`).toBeGreaterThan(0);
      const missing = calls.filter((call) => {
        const [action, table] = call.split("@");
        return !allows(
          statements,
          action ?? call,
          table ? RESOURCES.tableArns[table as TableSpec["name"]] : undefined,
        );
      });
      expect(missing, `add these to FUNCTION_ACCESS["${name}"]`).toEqual([]);
    },
  );

  // And nothing more: an operation the code stopped sending leaves the policy with it. (Hook
  // secrets are read through Powertools Parameters, which the scan cannot see.)
  it.each(FUNCTIONS.map((spec) => [spec.name, spec.module] as const))(
    "%s's access table names only calls in its code",
    (name, module) => {
      const access = functionAccess(name);
      const granted = [
        ...(access.drs ?? []).map((operation) => `drs:${operation}`),
        ...(access.ec2 ?? []).map((operation) => `ec2:${operation}`),
        ...(access.iam ?? []).map((operation) => `iam:${operation}`),
        ...(access.sfn ?? []).map((operation) => `states:${operation}`),
        ...(access.events ?? []).map((operation) => `events:${operation}`),
        ...(access.hooks?.lambda ?? []).map((operation) => `lambda:${operation}`),
        ...(access.hooks?.ssm ?? []).map((operation) => `ssm:${operation}`),
        ...Object.entries(access.tables ?? {}).flatMap(([table, operations]) =>
          (operations ?? []).map((operation) => `dynamodb:${operation}@${table}`),
        ),
      ];
      const calls = new Set(handlerSdkCalls(module));
      expect(
        granted.filter((operation) => !calls.has(operation)),
        `remove these from FUNCTION_ACCESS["${name}"]`,
      ).toEqual([]);
    },
  );

  it("the scan sees commands sent through stores, helpers and paginators", () => {
    const prepare = handlerSdkCalls("functions/prepare.ts");
    expect(prepare).toContain("drs:DescribeSourceServers"); // paginateDescribeSourceServers
    expect(prepare).toContain("dynamodb:BatchWriteItem@executions"); // ExecutionStore.putAll
    expect(prepare).toContain("dynamodb:GetItem@plans"); // PlanStore.get
    expect(handlerSdkCalls("functions/launch-batches.ts")).toContain("drs:StartRecovery");
    // The MCP function's tools, through the MCP package into the engine's operations.
    const mcp = handlerSdkCalls("functions/mcp.ts");
    expect(mcp).toContain("states:StartExecution"); // start_recovery → startRecovery
    expect(mcp).toContain("dynamodb:Scan@plans"); // list_recovery_plans → PlanStore.list
  });
});
