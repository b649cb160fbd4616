import {
  DRS_MANAGED_TAG,
  FUNCTIONS,
  functionAccess,
  functionPolicyStatements,
  type PolicyStatement,
  policyDocument,
  stateMachineRoleStatements,
} from "@drs-orchestrator/app";
import { describe, expect, it } from "vitest";
import { CLEANUP_ARN, FUNCTION_NAMES, functionArn, RECOVERY_ARN, RESOURCES } from "./fixtures";

const byFunction = FUNCTIONS.map(
  (spec) => [spec.name, functionPolicyStatements(functionAccess(spec.name), RESOURCES)] as const,
);
const roleStatements = stateMachineRoleStatements(FUNCTION_NAMES.map(functionArn));
const everyStatement: [string, PolicyStatement][] = [
  ...byFunction.flatMap(([name, statements]) => statements.map((s): [string, PolicyStatement] => [name, s])),
  ...roleStatements.map((s): [string, PolicyStatement] => ["state machine role", s]),
];

describe("IAM statements", () => {
  it("name every action explicitly: service:Operation, no wildcard", () => {
    for (const [owner, statement] of everyStatement) {
      expect(statement.actions.length, `${owner} ${statement.sid}`).toBeGreaterThan(0);
      for (const action of statement.actions)
        expect(action, `${owner} ${statement.sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  it('scope their resources, or say why a resource is "*"', () => {
    for (const [owner, statement] of everyStatement) {
      expect(statement.resources.length, `${owner} ${statement.sid}`).toBeGreaterThan(0);
      for (const resource of statement.resources) {
        if (resource === "*") expect(statement.reason, `${owner} ${statement.sid} on "*"`).toMatch(/\w{10,}/);
        else
          expect(resource, `${owner} ${statement.sid}`).toMatch(/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\d{12}:.+/);
      }
    }
  });

  it("write only DRS-managed launch templates", () => {
    const writes = everyStatement.filter(([, s]) =>
      s.actions.some((a) => /^ec2:(Create|Modify|Delete)LaunchTemplate/.test(a)),
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const [owner, statement] of writes) {
      expect(statement.resources, owner).toEqual(["arn:aws:ec2:us-west-2:111122223333:launch-template/*"]);
      expect(statement.conditions, owner).toContainEqual({
        test: "Null",
        variable: `aws:ResourceTag/${DRS_MANAGED_TAG}`,
        values: ["false"],
      });
    }
  });

  it("send task results only to the app's state machines", () => {
    const sendTask = everyStatement.filter(([, s]) => s.actions.some((a) => a.startsWith("states:SendTask")));
    expect(sendTask.map(([owner]) => owner)).toContain("record-launch-result");
    for (const [owner, statement] of sendTask) {
      expect(
        statement.resources.every((r) => r === RECOVERY_ARN || r === CLEANUP_ARN),
        owner,
      ).toBe(true);
    }
  });

  it("keep each function to its own tables and operations", () => {
    const launchBatches = Object.fromEntries(byFunction)["launch-batches"] ?? [];
    const dynamo = launchBatches.filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
    expect(dynamo.flatMap((s) => s.resources)).toEqual([RESOURCES.tableArns.executions]);
    expect(launchBatches.flatMap((s) => s.actions)).not.toContain("dynamodb:Scan");
    const startRecovery = Object.fromEntries(byFunction)["start-recovery"] ?? [];
    expect(startRecovery.find((s) => s.actions.includes("states:StartExecution"))?.resources).toEqual([
      RECOVERY_ARN,
      CLEANUP_ARN,
    ]);
  });

  it("list the app's executions on its state machines, and describe and stop only their executions", () => {
    const mcp = Object.fromEntries(byFunction).mcp ?? [];
    expect(mcp.find((s) => s.actions.includes("states:ListExecutions"))?.resources).toEqual([
      RECOVERY_ARN,
      CLEANUP_ARN,
    ]);
    const executions = mcp.find((s) => s.actions.includes("states:StopExecution"));
    expect(executions?.actions).toEqual(["states:DescribeExecution", "states:StopExecution"]);
    expect(executions?.resources).toEqual([
      `${RECOVERY_ARN.replace(":stateMachine:", ":execution:")}:*`,
      `${CLEANUP_ARN.replace(":stateMachine:", ":execution:")}:*`,
    ]);
  });

  it("let the state machine invoke only the app's functions", () => {
    const invoke = roleStatements.find((s) => s.actions.includes("lambda:InvokeFunction"));
    expect(invoke?.resources).toContain(functionArn("prepare"));
    expect(invoke?.resources.every((r) => r.includes(":function:drs-orchestrator-test-"))).toBe(true);
  });

  it("render as an IAM policy document", () => {
    const document = policyDocument(Object.fromEntries(byFunction)["apply-launch-settings"] ?? []);
    expect(document.Version).toBe("2012-10-17");
    const templates = document.Statement.find((s) => s.Sid === "Ec2DrsLaunchTemplates");
    expect(templates).toMatchObject({
      Effect: "Allow",
      Condition: { Null: { [`aws:ResourceTag/${DRS_MANAGED_TAG}`]: ["false"] } },
    });
  });
});
