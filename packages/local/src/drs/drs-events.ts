import type { BusEventInput } from "../runtime/contracts";

/** DRS events as EventBridge carries them (AWS-FACTS.md): hyphenated keys, the server only in resources. */

export function launchResultEvent(input: {
  sourceServerArn: string;
  jobID: string;
  isDrill: boolean;
  succeeded: boolean;
  time: string;
}): BusEventInput {
  return {
    source: "aws.drs",
    detailType: "DRS Source Server Launch Result",
    resources: [input.sourceServerArn],
    time: input.time,
    detail: {
      state: input.succeeded ? "RECOVERY_LAUNCH_SUCCEEDED" : "RECOVERY_LAUNCH_FAILED",
      "job-id": input.jobID,
      "is-drill": input.isDrill ? "TRUE" : "FALSE",
    },
  };
}

export function replicationStalledEvent(input: {
  sourceServerArn: string;
  stalled: boolean;
  time: string;
}): BusEventInput {
  return {
    source: "aws.drs",
    detailType: "DRS Source Server Data Replication Stalled Change",
    resources: [input.sourceServerArn],
    time: input.time,
    detail: { state: input.stalled ? "STALLED" : "NOT_STALLED" },
  };
}
