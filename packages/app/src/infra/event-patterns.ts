/** An EventBridge event pattern (matched locally by @drs-orchestrator/local's matcher). */
export type EventPattern = Record<string, unknown>;

export const DRS_REPLICATION_STALLED_DETAIL_TYPE = "DRS Source Server Data Replication Stalled Change";

/** A source server's replication stalled (not the change back to NOT_STALLED). */
export function replicationStalledPattern(): EventPattern {
  return {
    source: ["aws.drs"],
    "detail-type": [DRS_REPLICATION_STALLED_DETAIL_TYPE],
    detail: { state: ["STALLED"] },
  };
}
