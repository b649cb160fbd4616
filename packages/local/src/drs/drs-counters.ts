/** What the local DRS counted, for assertions. */
export interface DrsCounters {
  /** Requests per operation, throttled and failed ones included. */
  calls: Record<string, number>;
  /** StartRecovery requests, throttled and refused ones included. */
  startRecoveryCalls: number;
  /** Jobs StartRecovery accepted. */
  launchJobs: number;
  /** Launches per source server: one per accepted StartRecovery that names it, whatever its outcome. */
  launches: Record<string, number>;
  throttled: number;
  serverErrors: number;
  /** Events handed to the bus. */
  eventsPublished: number;
  /** Events lost by injection. */
  eventsDropped: number;
  /** Events that reached the bus late by injection. */
  eventsDelayed: number;
  /** Events the bus refused. */
  eventsFailed: number;
}

export function emptyCounters(): DrsCounters {
  return {
    calls: {},
    startRecoveryCalls: 0,
    launchJobs: 0,
    launches: {},
    throttled: 0,
    serverErrors: 0,
    eventsPublished: 0,
    eventsDropped: 0,
    eventsDelayed: 0,
    eventsFailed: 0,
  };
}
