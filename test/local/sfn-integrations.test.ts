import { SendTaskSuccessCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalResponse, ServiceHandler } from "../../packages/local/src/runtime/contracts";
import {
  createMachine,
  eventually,
  history,
  REGION,
  runToEnd,
  type SfnHarness,
  startExecution,
  startSfnHarness,
  waitForExecution,
} from "./sfn-harness";

const BUSY_SERVER = "s-busybusybusybusy0";

/** A tiny DRS (restJson1) that answers StartRecovery and remembers what it was sent. */
function fakeDrs(received: unknown[]): ServiceHandler {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}): LocalResponse => ({
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    signingName: "drs",
    async handle(request) {
      const body = JSON.parse(request.body.toString("utf8") || "{}") as {
        sourceServers: { sourceServerID: string }[];
        isDrill?: boolean;
        tags?: Record<string, string>;
      };
      received.push(body);
      if (request.path !== "/StartRecovery")
        return json(404, { message: "not here" }, { "x-amzn-errortype": "ResourceNotFoundException" });
      const ids = body.sourceServers.map((server) => server.sourceServerID);
      if (ids.includes(BUSY_SERVER)) {
        return json(
          409,
          {
            message: `Source server ${BUSY_SERVER} is already in an active job`,
            code: "CONFLICT",
            resourceId: BUSY_SERVER,
          },
          { "x-amzn-errortype": "ConflictException" },
        );
      }
      return json(202, {
        job: {
          jobID: "drsjob-1234567890abcdef0",
          type: "LAUNCH",
          initiatedBy: body.isDrill ? "START_DRILL" : "START_RECOVERY",
          creationDateTime: "2026-11-21T10:00:00Z",
          status: "PENDING",
          participatingServers: ids.map((sourceServerID) => ({ sourceServerID, launchStatus: "PENDING" })),
          tags: body.tags,
        },
      });
    },
  };
}

let harness: SfnHarness;
const drsRequests: unknown[] = [];

beforeAll(async () => {
  harness = await startSfnHarness();
  harness.gateway.register(fakeDrs(drsRequests));
});

afterAll(async () => {
  await harness.close();
});

describe("aws-sdk tasks", () => {
  const launch = {
    StartAt: "Launch",
    States: {
      Launch: {
        Type: "Task",
        Resource: "arn:aws:states:::aws-sdk:drs:startRecovery",
        Parameters: {
          "SourceServers.$": "$.servers",
          IsDrill: true,
          Tags: { "plan-id": "payments", Owner: "sre" },
        },
        ResultSelector: {
          "JobId.$": "$.Job.JobID",
          "InitiatedBy.$": "$.Job.InitiatedBy",
          "Servers.$": "$.Job.ParticipatingServers",
          "Tags.$": "$.Job.Tags",
        },
        Catch: [{ ErrorEquals: ["Drs.ConflictException"], ResultPath: "$.conflict", Next: "Busy" }],
        End: true,
      },
      Busy: { Type: "Pass", End: true },
    },
  };

  it("calls DRS with camelCase members and returns the result in PascalCase, tag keys untouched", async () => {
    const arn = await createMachine(harness.client, launch);
    drsRequests.length = 0;

    const { executionArn, execution } = await runToEnd(harness.client, arn, {
      servers: [{ SourceServerID: "s-1111111111111111a" }, { SourceServerID: "s-2222222222222222b" }],
    });

    expect(execution.status).toBe("SUCCEEDED");
    expect(drsRequests).toEqual([
      {
        sourceServers: [{ sourceServerID: "s-1111111111111111a" }, { sourceServerID: "s-2222222222222222b" }],
        isDrill: true,
        tags: { "plan-id": "payments", Owner: "sre" },
      },
    ]);
    expect(JSON.parse(execution.output as string)).toEqual({
      JobId: "drsjob-1234567890abcdef0",
      InitiatedBy: "START_DRILL",
      Servers: [
        { SourceServerID: "s-1111111111111111a", LaunchStatus: "PENDING" },
        { SourceServerID: "s-2222222222222222b", LaunchStatus: "PENDING" },
      ],
      Tags: { "plan-id": "payments", Owner: "sre" },
    });
    const scheduled = (await history(harness.client, executionArn)).find(
      (event) => event.type === "TaskScheduled",
    );
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: "aws-sdk:drs",
      resource: "startRecovery",
      region: REGION,
    });
  });

  it("names service errors <Service>.<Exception> so Catch can match them", async () => {
    const arn = await createMachine(harness.client, launch);

    const { executionArn, execution } = await runToEnd(harness.client, arn, {
      servers: [{ SourceServerID: BUSY_SERVER }],
    });

    expect(execution.status).toBe("SUCCEEDED");
    const conflict = JSON.parse(execution.output as string).conflict;
    expect(conflict.Error).toBe("Drs.ConflictException");
    expect(conflict.Cause).toContain(`Source server ${BUSY_SERVER} is already in an active job`);
    expect(conflict.Cause).toContain("Status Code: 409");
    const failed = (await history(harness.client, executionArn)).find((event) => event.type === "TaskFailed");
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: "aws-sdk:drs",
      error: "Drs.ConflictException",
    });
  });

  it("converts Step Functions' own camelCase API the same way", async () => {
    const target = await createMachine(harness.client, {
      StartAt: "Done",
      States: { Done: { Type: "Pass", End: true } },
    });
    const arn = await createMachine(harness.client, {
      StartAt: "Describe",
      States: {
        Describe: {
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:sfn:describeStateMachine",
          Parameters: { "StateMachineArn.$": "$.target" },
          ResultSelector: { "Name.$": "$.Name", "Type.$": "$.Type", "Created.$": "$.CreationDate" },
          End: true,
        },
      },
    });

    const { execution } = await runToEnd(harness.client, arn, { target });

    const output = JSON.parse(execution.output as string);
    expect(output).toMatchObject({ Name: target.split(":").pop(), Type: "STANDARD" });
    expect(Number.isNaN(Date.parse(output.Created))).toBe(false);
  });
});

describe("events:putEvents tasks", () => {
  it("puts entries on the bus and returns their event IDs", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "Announce",
      States: {
        Announce: {
          Type: "Task",
          Resource: "arn:aws:states:::events:putEvents",
          Parameters: {
            Entries: [
              { Source: "drs-orchestrator", DetailType: "Wave Completed", Detail: { "wave.$": "$.wave" } },
            ],
          },
          End: true,
        },
      },
    });

    const { execution } = await runToEnd(harness.client, arn, { wave: 2 });

    const output = JSON.parse(execution.output as string);
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries).toHaveLength(1);
    expect(harness.published).toContainEqual({
      source: "drs-orchestrator",
      detailType: "Wave Completed",
      detail: { wave: 2 },
    });
  });

  it("waits for a token carried by an event when the task is .waitForTaskToken", async () => {
    const arn = await createMachine(harness.client, {
      StartAt: "Request",
      States: {
        Request: {
          Type: "Task",
          Resource: "arn:aws:states:::events:putEvents.waitForTaskToken",
          Parameters: {
            Entries: [
              {
                Source: "drs-orchestrator",
                DetailType: "Approval Requested",
                Detail: { "token.$": "$$.Task.Token" },
              },
            ],
          },
          End: true,
        },
      },
    });
    const executionArn = await startExecution(harness.client, arn);
    const request = await eventually(() =>
      harness.published.find((event) => event.detailType === "Approval Requested"),
    );

    await harness.client.send(
      new SendTaskSuccessCommand({ taskToken: String(request.detail.token), output: '{"approvedBy":"sre"}' }),
    );

    const execution = await waitForExecution(harness.client, executionArn);
    expect(execution.status).toBe("SUCCEEDED");
    expect(JSON.parse(execution.output as string)).toEqual({ approvedBy: "sre" });
  });
});
