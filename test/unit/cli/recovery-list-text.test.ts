import { describe, expect, it } from "vitest";
import { renderRecoveryList } from "../../../packages/cli/src/output/recovery-list-text";

const NOW = new Date("2026-11-21T11:00:00.000Z");

describe("renderRecoveryList", () => {
  it("one row per execution in the order given, with the duration so far of a running one", () => {
    const text = renderRecoveryList(
      [
        {
          executionId: "shop-drill-2222222222222222",
          executionArn: "arn:aws:states:us-east-1:1:execution:r:shop-drill-2222222222222222",
          planId: "shop",
          mode: "DRILL",
          status: "RUNNING",
          startedAt: "2026-11-21T10:55:00.000Z",
          requestedBy: "cli:alice",
        },
        {
          executionId: "estate-recovery-1111111111111111",
          executionArn: "arn:aws:states:us-east-1:1:execution:r:estate-recovery-1111111111111111",
          planId: "estate",
          mode: "RECOVERY",
          status: "SUCCEEDED",
          startedAt: "2026-11-20T08:00:00.000Z",
          endedAt: "2026-11-20T08:36:10.000Z",
          requestedBy: "mcp:ops-bot",
        },
        {
          executionId: "gone-drill-3333333333333333",
          executionArn: "arn:aws:states:us-east-1:1:execution:r:gone-drill-3333333333333333",
          status: "FAILED",
          startedAt: "2026-11-19T08:00:00.000Z",
          endedAt: "2026-11-19T08:00:04.000Z",
        },
      ],
      NOW,
    );
    expect(text.split("\n")).toEqual([
      "EXECUTION                         PLAN    MODE      STATUS     STARTED (UTC)         DURATION  REQUESTED BY",
      "shop-drill-2222222222222222       shop    DRILL     RUNNING    2026-11-21 10:55:00  5m so far  cli:alice",
      "estate-recovery-1111111111111111  estate  RECOVERY  SUCCEEDED  2026-11-20 08:00:00     36m10s  mcp:ops-bot",
      "gone-drill-3333333333333333       -       -         FAILED     2026-11-19 08:00:00         4s  -",
    ]);
  });

  it("says when nothing matches", () => {
    expect(renderRecoveryList([], NOW)).toBe("No recovery executions match.");
  });
});
