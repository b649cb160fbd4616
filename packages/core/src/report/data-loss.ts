/**
 * The data-loss window of a recovered server: from the point in time it came back to until the
 * execution started (when the business asked for it back), in whole seconds, never below 0 (a
 * server launched from a snapshot taken after the start lost nothing the start could have had).
 * Undefined when either time is unreadable.
 */
export function dataLossSeconds(startedAt: string, pointInTime: string): number | undefined {
  const start = Date.parse(startedAt);
  const point = Date.parse(pointInTime);
  if (Number.isNaN(start) || Number.isNaN(point)) return undefined;
  return Math.max(0, Math.round((start - point) / 1000));
}

/** A server's recorded point in time, as the RPO summary reads it. */
export interface PointInTimeRecord {
  sourceServerId: string;
  pointInTime?: string;
  dataLossSeconds?: number;
}

export interface RpoSummary {
  targetSeconds: number;
  /** The largest data-loss window of the recovered servers; absent while none has a point in time. */
  achievedSeconds?: number;
  /** The server with that window. */
  worstServerId?: string;
  /** True when the achieved RPO is above the target; false while nothing was recovered. */
  breached: boolean;
  /** How far over the target, when breached. */
  breachedBySeconds?: number;
  /** Servers with a recorded point in time. */
  servers: number;
  oldestPointInTime?: string;
  newestPointInTime?: string;
  /** Newest − oldest point in time: how far apart the servers' states are from each other. */
  spreadSeconds?: number;
}

/**
 * The RPO a plan achieved: the largest data-loss window of the servers that came back, against the
 * plan's `rpo`, and the spread of their points in time (newest − oldest), which says how consistent
 * the recovered servers are with each other.
 */
export function summarizeRpo(servers: readonly PointInTimeRecord[], targetSeconds: number): RpoSummary {
  let worst: PointInTimeRecord | undefined;
  let oldest: string | undefined;
  let newest: string | undefined;
  let counted = 0;
  for (const server of servers) {
    if (server.dataLossSeconds !== undefined) {
      counted++;
      if (worst === undefined || server.dataLossSeconds > (worst.dataLossSeconds as number)) worst = server;
    }
    const point = server.pointInTime;
    if (point === undefined || Number.isNaN(Date.parse(point))) continue;
    if (oldest === undefined || Date.parse(point) < Date.parse(oldest)) oldest = point;
    if (newest === undefined || Date.parse(point) > Date.parse(newest)) newest = point;
  }
  const achievedSeconds = worst?.dataLossSeconds;
  const breached = achievedSeconds !== undefined && achievedSeconds > targetSeconds;
  return {
    targetSeconds,
    ...(worst !== undefined && { achievedSeconds, worstServerId: worst.sourceServerId }),
    breached,
    ...(breached && { breachedBySeconds: (achievedSeconds as number) - targetSeconds }),
    servers: counted,
    ...(oldest !== undefined && { oldestPointInTime: oldest }),
    ...(newest !== undefined && { newestPointInTime: newest }),
    ...(oldest !== undefined &&
      newest !== undefined && {
        spreadSeconds: Math.round((Date.parse(newest) - Date.parse(oldest)) / 1000),
      }),
  };
}
