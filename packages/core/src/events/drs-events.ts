import { z } from "zod";

export const DRS_LAUNCH_RESULT_DETAIL_TYPE = "DRS Source Server Launch Result";

/** `arn:aws:drs:<region>:<account>:source-server/s-…`: the only place the event names the server. */
const SOURCE_SERVER_ARN = /^arn:aws[a-z-]*:drs:[a-z0-9-]+:\d{12}:source-server\/(s-[0-9a-zA-Z]{17})$/;

/**
 * `DRS Source Server Launch Result` as EventBridge delivers it: hyphenated detail keys, `is-drill`
 * as the string "TRUE"/"FALSE", the source server only in `resources`. Parsed into the fields the
 * engine works with.
 */
export const drsLaunchResultEventSchema = z
  .object({
    source: z.literal("aws.drs", { error: 'expected source "aws.drs"' }),
    "detail-type": z.literal(DRS_LAUNCH_RESULT_DETAIL_TYPE, {
      error: `expected detail-type "${DRS_LAUNCH_RESULT_DETAIL_TYPE}"`,
    }),
    account: z.string().regex(/^\d{12}$/, { error: "expected a 12-digit account ID" }),
    region: z.string().min(1),
    time: z.iso.datetime({
      offset: true,
      error: "expected an ISO-8601 date-time such as 2026-11-21T10:04:19Z",
    }),
    resources: z
      .array(z.string())
      .min(1, { error: "must name the source server ARN" })
      .refine((arns) => arns.some((arn) => SOURCE_SERVER_ARN.test(arn)), {
        error: "must contain a DRS source server ARN (…:source-server/s-…)",
      }),
    detail: z.object({
      state: z.enum(["RECOVERY_LAUNCH_SUCCEEDED", "RECOVERY_LAUNCH_FAILED"], {
        error: "expected RECOVERY_LAUNCH_SUCCEEDED or RECOVERY_LAUNCH_FAILED",
      }),
      "job-id": z.string().regex(/^drsjob-[0-9a-zA-Z]{17}$/, { error: "expected a DRS job ID (drsjob-…)" }),
      "is-drill": z.enum(["TRUE", "FALSE"], { error: 'expected "TRUE" or "FALSE"' }),
    }),
  })
  .transform((event) => {
    const match = event.resources
      .map((arn) => SOURCE_SERVER_ARN.exec(arn))
      .find((found) => found !== null) as RegExpExecArray;
    return {
      sourceServerId: match[1] as string,
      jobId: event.detail["job-id"],
      succeeded: event.detail.state === "RECOVERY_LAUNCH_SUCCEEDED",
      isDrill: event.detail["is-drill"] === "TRUE",
      time: event.time,
      account: event.account,
      region: event.region,
    };
  });

export type DrsLaunchResult = z.output<typeof drsLaunchResultEventSchema>;
