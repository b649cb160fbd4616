/**
 * When to look at a wave's EC2 status checks again. EC2 runs status checks about once a minute, and
 * a freshly launched instance usually passes them two to three minutes after launch: polling at a
 * fixed interval either misses that moment by up to the interval or polls all the time. So the
 * wait runs up to the moment the soonest instance is expected to pass, then polls densely around
 * it, backing off again the longer an instance stays overdue (a Windows boot, an impaired host).
 */
export interface HealthPollSettings {
  /** Shortest pause between polls. */
  minSeconds: number;
  /** Longest pause between polls (the workflow's health poll interval). */
  maxSeconds: number;
  /** How long after launch an instance usually passes its status checks. */
  expectedSeconds: number;
  /** Each such span of overdue time adds one second to the pause. */
  backoffSeconds: number;
}

export const DEFAULT_HEALTH_POLL: HealthPollSettings = {
  minSeconds: 2,
  maxSeconds: 15,
  expectedSeconds: 120,
  backoffSeconds: 60,
};

/**
 * Whole seconds to wait before the next status-check poll, in [minSeconds, maxSeconds], for
 * servers still waiting for their checks that launched at `launchedAts`. With none left it is
 * `minSeconds` (the workflow does not wait then).
 */
export function nextHealthCheckSeconds(
  launchedAts: readonly string[],
  now: string,
  settings: HealthPollSettings = DEFAULT_HEALTH_POLL,
): number {
  const { minSeconds, maxSeconds, expectedSeconds, backoffSeconds } = settings;
  const nowMs = Date.parse(now);
  let wait = maxSeconds;
  for (const launchedAt of launchedAts) {
    const untilExpected = (Date.parse(launchedAt) + expectedSeconds * 1000 - nowMs) / 1000;
    const pause =
      untilExpected > 0 ? Math.ceil(untilExpected) : minSeconds + Math.floor(-untilExpected / backoffSeconds);
    wait = Math.min(wait, pause);
  }
  if (launchedAts.length === 0) wait = minSeconds;
  return Math.min(maxSeconds, Math.max(minSeconds, wait));
}
