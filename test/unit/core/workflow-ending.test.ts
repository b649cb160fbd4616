import { WORKFLOW_TIMEOUT_ERROR, workflowEnding } from "@drs-orchestrator/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ENDED = ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"] as const;

describe("workflowEnding", () => {
  it("closes every ended workflow with a final status, keeping its error and cause, and nothing still running", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ENDED, "RUNNING", "PENDING_REDRIVE"),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        (status, error, cause) => {
          const ending = workflowEnding({
            status,
            ...(error !== undefined && { error }),
            ...(cause !== undefined && { cause }),
          });
          if (!(ENDED as readonly string[]).includes(status)) {
            expect(ending).toBeUndefined();
            return;
          }
          expect(ending?.status).toBe(
            { SUCCEEDED: "SUCCEEDED", FAILED: "FAILED", ABORTED: "ABORTED", TIMED_OUT: "FAILED" }[
              status as (typeof ENDED)[number]
            ],
          );
          if (status === "SUCCEEDED") {
            expect(ending).toEqual({ status: "SUCCEEDED" });
            return;
          }
          // A failed end always says why, in the workflow's own words when it has them.
          expect(ending?.error).toBe(
            status === "TIMED_OUT" ? WORKFLOW_TIMEOUT_ERROR : (error ?? ending?.error),
          );
          expect(ending?.error).toEqual(expect.any(String));
          expect(ending?.cause).toBe(cause ?? ending?.cause);
          expect(ending?.cause).toEqual(expect.any(String));
          expect(ending?.reason).toBe(ending?.cause);
        },
      ),
    );
  });

  it("maps a console stop, a timeout and a history-limit failure to what META records", () => {
    expect(workflowEnding({ status: "ABORTED", cause: "stopped in the console" })).toEqual({
      status: "ABORTED",
      error: "ExecutionAborted",
      cause: "stopped in the console",
      reason: "stopped in the console",
    });
    expect(workflowEnding({ status: "ABORTED" })).toEqual({
      status: "ABORTED",
      error: "ExecutionAborted",
      cause: "its workflow was stopped (ABORTED) before it finalized the execution",
      reason: "its workflow was stopped (ABORTED) before it finalized the execution",
    });
    expect(workflowEnding({ status: "TIMED_OUT" })).toEqual({
      status: "FAILED",
      error: "States.Timeout",
      cause: "its workflow timed out (TIMED_OUT) before it finalized the execution",
      reason: "its workflow timed out (TIMED_OUT) before it finalized the execution",
    });
    expect(
      workflowEnding({
        status: "FAILED",
        error: "States.Runtime",
        cause: "the execution reached the maximum number of history events (25000)",
      }),
    ).toMatchObject({ status: "FAILED", error: "States.Runtime" });
    expect(workflowEnding({ status: "PENDING_REDRIVE" })).toBeUndefined();
  });
});
