import type { ExecutionMeta, ServerItem, WaveItem } from "../stores/execution-items";

/** What progress is counted from: the execution's items, plus the time to measure elapsed time against. */
export interface ProgressSnapshot {
  /** Absent until the workflow's first step has written the execution. */
  meta?: Pick<ExecutionMeta, "executionId" | "planId" | "mode" | "status" | "startedAt" | "endedAt">;
  waves: readonly Pick<WaveItem, "wave" | "groupIds" | "status" | "attempt" | "serverCount">[];
  servers: readonly Pick<ServerItem, "wave" | "status">[];
  /** ISO time "now" on the clock the execution runs on (simulated on the local runtime). */
  now: string;
}

/** How many servers are in each stage of their launch. */
export interface ServerCounts {
  pending: number;
  launching: number;
  launched: number;
  healthy: number;
  /** Failed launches and instances that failed their health checks. */
  failed: number;
}

export interface WaveProgress extends ServerCounts {
  wave: number;
  groupIds: readonly string[];
  status: string;
  attempt: number;
  servers: number;
}

export interface ExecutionProgress {
  /** Undefined while the execution has not been written yet. */
  status?: string;
  /** Seconds from the execution's start to now, or to its end once it ended. */
  elapsedSeconds: number;
  waves: WaveProgress[];
}

const COUNTED = {
  PENDING: "pending",
  LAUNCHING: "launching",
  LAUNCHED: "launched",
  HEALTHY: "healthy",
  FAILED: "failed",
  UNHEALTHY: "failed",
} as const satisfies Record<ServerItem["status"], keyof ServerCounts>;

/** Counts servers by the stage their status puts them in. */
export function countServers(servers: readonly Pick<ServerItem, "status">[]): ServerCounts {
  const counts: ServerCounts = { pending: 0, launching: 0, launched: 0, healthy: 0, failed: 0 };
  for (const server of servers) counts[COUNTED[server.status]]++;
  return counts;
}

/** Counts each wave's servers by status, in wave order. */
export function executionProgress(snapshot: ProgressSnapshot): ExecutionProgress {
  const { meta } = snapshot;
  const end = meta?.endedAt ?? snapshot.now;
  const elapsedSeconds = meta ? Math.max(0, (Date.parse(end) - Date.parse(meta.startedAt)) / 1000) : 0;
  const waves = [...snapshot.waves]
    .sort((a, b) => a.wave - b.wave)
    .map(
      (item): WaveProgress => ({
        wave: item.wave,
        groupIds: item.groupIds,
        status: item.status,
        attempt: item.attempt,
        servers: item.serverCount,
        ...countServers(snapshot.servers.filter((server) => server.wave === item.wave)),
      }),
    );
  return { ...(meta ? { status: meta.status } : {}), elapsedSeconds, waves };
}
