import { drsLaunchResultEventSchema } from "@drs-orchestrator/core";
import { describe, expect, it } from "vitest";

/** The event as the DRS user guide shows it (AWS-FACTS.md). */
const event = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "DRS Source Server Launch Result",
  source: "aws.drs",
  account: "111122223333",
  time: "2026-11-21T10:04:19Z",
  region: "us-west-2",
  resources: ["arn:aws:drs:us-west-2:111122223333:source-server/s-1234567890abcdef0"],
  detail: { state: "RECOVERY_LAUNCH_SUCCEEDED", "job-id": "drsjob-1234567890abcdef0", "is-drill": "TRUE" },
};

const problems = (input: unknown) => {
  const result = drsLaunchResultEventSchema.safeParse(input);
  if (result.success) throw new Error("expected the event to be refused");
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("DRS launch result event", () => {
  it("reads the server from resources and the hyphenated detail keys", () => {
    expect(drsLaunchResultEventSchema.parse(event)).toEqual({
      sourceServerId: "s-1234567890abcdef0",
      jobId: "drsjob-1234567890abcdef0",
      succeeded: true,
      isDrill: true,
      time: "2026-11-21T10:04:19Z",
      account: "111122223333",
      region: "us-west-2",
    });
    const failed = {
      ...event,
      detail: { ...event.detail, state: "RECOVERY_LAUNCH_FAILED", "is-drill": "FALSE" },
    };
    expect(drsLaunchResultEventSchema.parse(failed)).toMatchObject({ succeeded: false, isDrill: false });
  });

  it("finds the source server among other resources", () => {
    const parsed = drsLaunchResultEventSchema.parse({
      ...event,
      resources: ["arn:aws:drs:us-west-2:111122223333:job/drsjob-1234567890abcdef0", ...event.resources],
    });
    expect(parsed.sourceServerId).toBe("s-1234567890abcdef0");
  });

  it("names each field that is wrong", () => {
    expect(
      problems({
        ...event,
        resources: ["arn:aws:ec2:us-west-2:111122223333:instance/i-0abc"],
        detail: { state: "LAUNCHED", "job-id": "job-1", "is-drill": true },
      }),
    ).toEqual([
      "resources: must contain a DRS source server ARN (…:source-server/s-…)",
      "detail.state: expected RECOVERY_LAUNCH_SUCCEEDED or RECOVERY_LAUNCH_FAILED",
      "detail.job-id: expected a DRS job ID (drsjob-…)",
      'detail.is-drill: expected "TRUE" or "FALSE"',
    ]);
    expect(
      problems({ ...event, "detail-type": "DRS Source Server Data Replication Stalled Change" }),
    ).toEqual(['detail-type: expected detail-type "DRS Source Server Launch Result"']);
  });
});
