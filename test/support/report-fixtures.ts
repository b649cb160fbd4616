import {
  type ApprovalRecord,
  type ExecutionRecord,
  type HookRecord,
  type RecoveryOutcome,
  type RecoveryReport,
  type ServerRecord,
  summarizeRecovery,
  type WaveRecord,
} from "@drs-orchestrator/core";

/**
 * Execution records for recovery reports, as the engine writes them, with timings of the shape a
 * drill has (waves one after the other, servers launched in batches, launch then status checks),
 * so report tests start from records and go through summarizeRecovery like every report does.
 */

export const REPORT_START = Date.parse("2026-11-21T10:00:00.000Z");
export const at = (seconds: number) => new Date(REPORT_START + seconds * 1000).toISOString();
export const serverId = (wave: number, n: number) =>
  `s-${wave.toString(16)}${n.toString(16).padStart(16, "0")}`;

/** Servers DRS launches at once in these fixtures: a wider wave launches in several batches. */
const BATCH = 20;

export interface DrillRecords {
  execution: ExecutionRecord;
  waves: WaveRecord[];
  servers: ServerRecord[];
  hooks: HookRecord[];
  approvals: ApprovalRecord[];
}

/** A drill whose waves all went healthy, `sizes[i]` servers in wave i + 1. */
export function healthyDrill(
  sizes: readonly number[],
  hostname = (wave: number, n: number) => `app-w${wave}-${String(n + 1).padStart(3, "0")}`,
): DrillRecords {
  const waves: WaveRecord[] = [];
  const servers: ServerRecord[] = [];
  let waveStart = 60;
  sizes.forEach((size, index) => {
    const wave = index + 1;
    let lastLaunched = waveStart;
    let lastHealthy = waveStart;
    for (let n = 0; n < size; n++) {
      const launchStart = waveStart + 15 + Math.floor(n / BATCH) * 40;
      const launched = launchStart + 170 + ((n * 37) % 60);
      const healthy = launched + 140 + ((n * 53) % 45);
      lastLaunched = Math.max(lastLaunched, launched);
      lastHealthy = Math.max(lastHealthy, healthy);
      servers.push({
        sourceServerId: serverId(wave, n),
        hostname: hostname(wave, n),
        wave,
        groupId: `tier${wave}`,
        critical: wave === 1,
        status: "HEALTHY",
        attempts: 1,
        jobId: `drsjob-${wave}${String(Math.floor(n / BATCH)).padStart(15, "0")}`,
        recoveryInstanceId: `i-${wave}${n.toString(16).padStart(16, "0")}`,
        ec2InstanceId: `i-${wave}${n.toString(16).padStart(16, "0")}`,
        instanceType: wave === 1 ? "r6i.xlarge" : "m6i.large",
        privateIp: `10.${wave}.${Math.floor(n / 250)}.${(n % 250) + 4}`,
        launchStartedAt: at(launchStart),
        launchedAt: at(launched),
        healthyAt: at(healthy),
      });
    }
    waves.push({
      wave,
      groupIds: [`tier${wave}`],
      status: "COMPLETED",
      attempt: 0,
      startedAt: at(waveStart),
      launchedAt: at(lastLaunched),
      healthCheckedAt: at(lastHealthy),
      completedAt: at(lastHealthy + 8),
    });
    waveStart = lastHealthy + 30;
  });
  const execution: ExecutionRecord = {
    executionId: "estate-drill-0123456789abcdef",
    planId: "estate",
    planVersion: 4,
    planName: "Estate recovery",
    mode: "DRILL",
    requestedBy: "cli:oncall",
    reason: "quarterly drill",
    startedAt: at(0),
    rtoSeconds: 2 * 3600,
    skipped: [],
  };
  return { execution, waves, servers, hooks: [], approvals: [] };
}

/** The time the last wave finished its status checks. */
export function lastHealthyAt(records: DrillRecords): string {
  const times = records.waves.map((wave) => Date.parse(wave.healthCheckedAt ?? wave.startedAt ?? at(0)));
  return new Date(Math.max(...times)).toISOString();
}

export function hookRecord(
  fields: Partial<HookRecord> & Pick<HookRecord, "phase" | "name" | "startedAt">,
): HookRecord {
  const durationMs = fields.durationMs ?? 40;
  return {
    index: 0,
    kind: "mcp",
    target: "incidents/add_note",
    onFailure: "continue",
    status: "SUCCEEDED",
    attempts: 1,
    durationMs,
    attemptLog: [{ attempt: 1, durationMs, ...(fields.error !== undefined && { error: fields.error }) }],
    ...fields,
  };
}

export function reportOf(
  records: DrillRecords,
  outcome: RecoveryOutcome,
  generatedAt: string,
): RecoveryReport {
  return {
    generatedAt,
    summary: summarizeRecovery({ ...records, outcome }),
  };
}

/** Report data that tries to become markup: every field a user or a remote system writes carries some. */
export const HOSTILE = {
  hostname: `web-<script>alert("host")</script>`,
  failureReason: `InsufficientInstanceCapacity <script>alert('reason')</script>`,
  hookError: `HTTP 500: <img src=x onerror=alert(1)>`,
  approver: `alice & bob <ops@example.com>`,
  comment: `looks "fine" <b>go</b>`,
  skipReason: `replication lag 20m exceeds the plan rpo 5m </td></tr><script>alert(2)</script>`,
  cause: `wave 2: 1 of 4 servers failed (25%) > maxFailedPercent 0 <iframe src="https://example.com">`,
};

/**
 * A drill that failed in its second wave: one server relaunched after failing its status checks,
 * one whose launch failed, a failed hook, an approved gate, two servers skipped at start and a
 * third wave never launched. Its strings are HOSTILE.
 */
export function failedDrillReport(): RecoveryReport {
  const records = healthyDrill([3, 4, 3], (wave, n) =>
    wave === 2 && n === 3
      ? HOSTILE.hostname
      : `shop-${["db", "app", "web"][wave - 1]}-${String(n + 1).padStart(2, "0")}`,
  );
  const wave2 = records.waves[1] as WaveRecord;
  const start2 = Date.parse(wave2.startedAt as string) / 1000 - REPORT_START / 1000;
  const [relaunched, failed] = records.servers.filter((server) => server.wave === 2) as [
    ServerRecord,
    ServerRecord,
  ];
  Object.assign(relaunched, {
    attempts: 2,
    launchStartedAt: at(start2 + 600),
    launchedAt: at(start2 + 790),
    healthyAt: at(start2 + 940),
    attemptHistory: [
      {
        attempt: 0,
        status: "UNHEALTHY",
        launchStartedAt: at(start2 + 15),
        launchedAt: at(start2 + 200),
        failedAt: at(start2 + 560),
        failureReason: "status checks not passed within 6m",
      },
    ],
  });
  Object.assign(failed, {
    status: "FAILED",
    launchedAt: undefined,
    healthyAt: undefined,
    ec2InstanceId: undefined,
    recoveryInstanceId: undefined,
    privateIp: undefined,
    failedAt: at(start2 + 150),
    failureReason: HOSTILE.failureReason,
  });
  Object.assign(wave2, {
    status: "FAILED",
    attempt: 1,
    healthCheckedAt: at(start2 + 940),
    completedAt: at(start2 + 950),
  });
  const wave3 = records.waves[2] as WaveRecord;
  records.waves[2] = { wave: 3, groupIds: wave3.groupIds, status: "PENDING", attempt: 0 };
  for (const server of records.servers.filter((s) => s.wave === 3)) {
    records.servers[records.servers.indexOf(server)] = {
      sourceServerId: server.sourceServerId,
      hostname: server.hostname as string,
      wave: 3,
      groupId: server.groupId,
      critical: false,
      status: "PENDING",
      attempts: 0,
    };
  }
  const endedAt = at(start2 + 960);
  records.execution = {
    ...records.execution,
    executionId: "shop-drill-failed-0001",
    planId: "shop",
    planName: "Three-tier web shop",
    rtoSeconds: 45 * 60,
    skipped: [
      { sourceServerId: "s-00000000000000aa1", reason: HOSTILE.skipReason },
      { sourceServerId: "s-00000000000000aa2", reason: "replication state DISCONNECTED" },
    ],
  };
  records.hooks = [
    hookRecord({
      phase: "beforeRecovery",
      name: "open incident",
      target: "incidents/open_incident",
      startedAt: at(20),
    }),
    hookRecord({
      phase: "afterWave",
      wave: 1,
      name: "note wave",
      startedAt: records.waves[0]?.completedAt as string,
    }),
    hookRecord({
      phase: "afterWave",
      wave: 2,
      name: "note wave",
      status: "FAILED",
      attempts: 2,
      durationMs: 2400,
      startedAt: at(start2 + 952),
      error: HOSTILE.hookError,
    }),
  ];
  records.approvals = [
    {
      wave: 2,
      status: "APPROVED",
      requestedAt: at(start2 - 200),
      expiresAt: at(start2 + 3400),
      decidedAt: at(start2 - 10),
      by: HOSTILE.approver,
      comment: HOSTILE.comment,
    },
  ];
  return reportOf(
    records,
    { status: "FAILED", endedAt, error: "RecoveryFailed", cause: HOSTILE.cause },
    at(start2 + 1200),
  );
}

/** A drill in its second wave at report time: one server launched, one launching, one waiting for its batch. */
export function runningDrillReport(): RecoveryReport {
  const records = healthyDrill([3, 3, 3]);
  const wave2 = records.waves[1] as WaveRecord;
  const start2 = (Date.parse(wave2.startedAt as string) - REPORT_START) / 1000;
  const now = start2 + 230;
  records.waves[1] = {
    wave: 2,
    groupIds: wave2.groupIds,
    status: "LAUNCHING",
    attempt: 0,
    startedAt: at(start2),
  };
  records.waves[2] = { wave: 3, groupIds: ["tier3"], status: "PENDING", attempt: 0 };
  records.servers = records.servers.map((server) => {
    if (server.wave === 1) return server;
    const {
      launchedAt: _l,
      healthyAt: _h,
      ec2InstanceId: _e,
      recoveryInstanceId: _r,
      privateIp: _p,
      ...rest
    } = server;
    const index = Number.parseInt(server.sourceServerId.slice(-4), 16);
    if (server.wave === 3) {
      const { launchStartedAt: _s, jobId: _j, ...pending } = rest;
      return { ...pending, status: "PENDING", attempts: 0 };
    }
    if (index === 0)
      return { ...server, healthyAt: undefined, status: "LAUNCHED", launchedAt: at(start2 + 200) };
    if (index === 1) return { ...rest, status: "LAUNCHING" };
    const { launchStartedAt: _s, jobId: _j, ...pending } = rest;
    return { ...pending, status: "PENDING", attempts: 0 };
  }) as ServerRecord[];
  records.execution = { ...records.execution, rtoSeconds: 30 * 60 };
  records.approvals = [];
  return reportOf(records, { status: "RUNNING" }, at(now));
}

/** A 300-server drill (40, 160, 100 per wave) that succeeded with one failed server and one relaunch in wave 2. */
export function largeDrillReport(): RecoveryReport {
  const records = healthyDrill([40, 160, 100]);
  const wave2 = records.servers.filter((server) => server.wave === 2);
  const failed = wave2[17] as ServerRecord;
  Object.assign(failed, {
    status: "UNHEALTHY",
    healthyAt: undefined,
    unhealthyAt: failed.healthyAt,
    failureReason: "status checks impaired (instance reachability)",
  });
  const relaunched = wave2[42] as ServerRecord;
  Object.assign(relaunched, {
    attempts: 2,
    attemptHistory: [
      {
        attempt: 0,
        status: "FAILED",
        launchStartedAt: wave2[0]?.launchStartedAt,
        failedAt: relaunched.launchStartedAt,
        failureReason: "launch failed: conversion error",
      },
    ],
  });
  const endedAt = new Date(Date.parse(lastHealthyAt(records)) + 20_000).toISOString();
  return reportOf(records, { status: "SUCCEEDED", endedAt }, endedAt);
}
