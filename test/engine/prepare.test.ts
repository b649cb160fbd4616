import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import {
  GroupResolutionError,
  loadDocumentFile,
  ServerConflictError,
  ServersNotReadyError,
} from "@drs-orchestrator/core";
import {
  describeRecoveryWorkflow,
  type ExecutionMeta,
  ExecutionStore,
  keys,
  type PrepareInput,
  prepare,
  type ServerItem,
  ServerLocks,
} from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler } from "../../functions/prepare";
import { deployStep, type LocalEngine, startLocalEngine } from "../support/local-engine";

const plansDirectory = new URL("../../examples/plans/", import.meta.url);

async function planDocument(file: string): Promise<Record<string, unknown>> {
  const document = await loadDocumentFile(new URL(file, plansDirectory).pathname);
  if (!document.ok) throw new Error(`${file} does not parse`);
  return document.data as Record<string, unknown>;
}

interface LockItem {
  sourceServerId: string;
  executionId: string;
  releasedAt?: string;
}

describe("prepare", () => {
  let env: LocalEngine;
  /** Source server ID by hostname, from the fleet the local DRS serves. */
  let idOf: (hostname: string) => string;

  beforeAll(async () => {
    env = await startLocalEngine();
    const ids = new Map(
      env.local.fleet.sourceServers.map((server) => [
        server.sourceProperties?.identificationHints?.hostname,
        server.sourceServerID,
      ]),
    );
    idOf = (hostname) => ids.get(hostname) ?? `no server ${hostname}`;
    const estate = await planDocument("estate-300.yaml");
    const { plans } = env.engine;
    await plans.apply(await planDocument("three-tier.yaml"), "test");
    await plans.apply(estate, "test");
    await plans.apply(
      { ...estate, id: "estate-strict", failure: { ...(estate.failure as object), notReady: "abort" } },
      "test",
    );
    await plans.apply(
      {
        id: "payments",
        name: "Payments",
        rto: "30m",
        rpo: "5m",
        groups: [
          { id: "db", select: { tags: { app: "payments", tier: "db" } } },
          { id: "api", select: { tags: { app: "payments", tier: "api" } }, dependsOn: ["db"] },
        ],
      },
      "test",
    );
    await plans.apply(
      {
        id: "overlap",
        name: "Estate DNS and the shop front",
        rto: "1h",
        rpo: "5m",
        groups: [
          { id: "dns", select: { tags: { app: "estate", tier: "dns" } } },
          { id: "web", select: { tags: { app: "shop", tier: "web" } }, dependsOn: ["dns"] },
        ],
      },
      "test",
    );
  });
  afterAll(() => env.stop());

  const input = (executionId: string, planId: string): PrepareInput => ({
    executionId,
    planId,
    planVersion: 1,
    mode: "DRILL",
    requestedBy: "alice",
    reason: "monthly DR drill",
    startedAt: env.local.clock.isoNow(),
  });

  async function partition(executionId: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await env.engine.aws.dynamo.send(
      new QueryCommand({
        TableName: env.engine.config.executionsTable,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.meta(executionId).pk },
      }),
    );
    return Items;
  }

  async function locks(): Promise<LockItem[]> {
    const items: LockItem[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await env.engine.aws.dynamo.send(
        new ScanCommand({
          TableName: env.engine.config.executionsTable,
          FilterExpression: "begins_with(pk, :lock)",
          ExpressionAttributeValues: { ":lock": "LOCK#" },
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as LockItem[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  const heldBy = async (executionId: string) =>
    (await locks())
      .filter((lock) => lock.executionId === executionId && lock.releasedAt === undefined)
      .map((lock) => lock.sourceServerId)
      .sort();

  const countByKind = (items: Record<string, unknown>[]) => {
    const counts: Record<string, number> = {};
    for (const item of items) {
      const kind = String(item.sk).split("#")[0] as string;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  };

  const shop = (tier: string) => [1, 2, 3].map((n) => idOf(`shop-${tier}-0${n}`));

  it("writes META, one item per wave, batch and server, and locks every server of the 3-tier plan", async () => {
    const describeCalls = env.local.drs.counters.calls.DescribeSourceServers ?? 0;
    const started = input("shop-1", "shop");
    expect(await prepare(started, env.engine)).toEqual({
      waveCount: 3,
      serverCount: 9,
      skippedCount: 0,
      // The web group's `approval: true` may wait as long as a recovery can run.
      approvalWaitSeconds: 365 * 86_400,
      firstWave: 1,
    });
    // 318 source servers at DRS's default page size of 100: every page was read.
    expect(env.local.drs.counters.calls.DescribeSourceServers).toBe(describeCalls + 4);

    const items = await partition("shop-1");
    expect(countByKind(items)).toEqual({ META: 1, WAVE: 3, BATCH: 3, SERVER: 9 });
    expect(await env.engine.executions.getMeta("shop-1")).toEqual({
      ...keys.meta("shop-1"),
      executionId: "shop-1",
      planId: "shop",
      planVersion: 1,
      planName: "Three-tier web shop",
      mode: "DRILL",
      status: "RUNNING",
      requestedBy: "alice",
      reason: "monthly DR drill",
      startedAt: started.startedAt,
      waveCount: 3,
      serverCount: 9,
      rtoSeconds: 2700,
      rpoSeconds: 300,
      maxFailedPercent: 0,
      retries: 1,
      skipped: [],
      skippedCount: 0,
      prepared: true,
    } satisfies ExecutionMeta & { pk: string; sk: string });

    const waves = await env.engine.executions.waves("shop-1");
    expect(
      waves.map(({ wave, groupIds, serverCount, status, attempt }) => ({
        wave,
        groupIds,
        serverCount,
        status,
        attempt,
      })),
    ).toEqual([
      { wave: 1, groupIds: ["db"], serverCount: 3, status: "PENDING", attempt: 0 },
      { wave: 2, groupIds: ["app"], serverCount: 3, status: "PENDING", attempt: 0 },
      { wave: 3, groupIds: ["web"], serverCount: 3, status: "PENDING", attempt: 0 },
    ]);
    for (const [wave, tier] of [
      [1, "db"],
      [2, "app"],
      [3, "web"],
    ] as const) {
      expect(await env.engine.executions.batches("shop-1", wave)).toEqual([
        expect.objectContaining({
          batchId: `w${wave}-b1`,
          attempt: 0,
          status: "PENDING",
          sourceServerIds: shop(tier),
        }),
      ]);
    }
    const servers = await env.engine.executions.servers("shop-1", 1);
    expect(servers.map((server) => server.sourceServerId).sort()).toEqual(shop("db").sort());
    expect(servers[0]).toMatchObject({
      executionId: "shop-1",
      wave: 1,
      groupId: "db",
      critical: true,
      hostname: expect.stringMatching(/^shop-db-0\d$/),
      status: "PENDING",
      attempts: 0,
    } satisfies Partial<ServerItem>);
    expect(await heldBy("shop-1")).toEqual([...shop("db"), ...shop("app"), ...shop("web")].sort());
  });

  it("is idempotent: a retried prepare returns the same counts and writes nothing new", async () => {
    const before = await partition("shop-1");
    const describeCalls = env.local.drs.counters.calls.DescribeSourceServers;
    expect(await prepare(input("shop-1", "shop"), env.engine)).toEqual({
      waveCount: 3,
      serverCount: 9,
      skippedCount: 0,
      approvalWaitSeconds: 365 * 86_400,
      firstWave: 1,
    });
    expect(await partition("shop-1")).toEqual(before);
    expect(env.local.drs.counters.calls.DescribeSourceServers).toBe(describeCalls);
  });

  it("releases its locks when writing the items fails, and a retry completes without duplicating items", async () => {
    /** The executions table failing half-way through the execution's wave, batch and server items. */
    class FailingStore extends ExecutionStore {
      override async putAll(items: Parameters<ExecutionStore["putAll"]>[0]): Promise<void> {
        if (!items.some((item) => item.sk.startsWith("SERVER#"))) return super.putAll(items);
        await super.putAll(items.slice(0, Math.floor(items.length / 2)));
        throw new Error("injected: the executions table went away");
      }
    }
    const failing = new FailingStore(env.engine.aws.dynamo, env.engine.config.executionsTable);
    const broken = {
      ...env.engine,
      executions: failing,
      locks: new ServerLocks(failing, (id) => describeRecoveryWorkflow(env.engine, id)),
    };
    const payments = [...["db-01", "db-02"], ...["api-01", "api-02", "api-03", "api-04"]].map((host) =>
      idOf(`payments-${host}`),
    );

    await expect(prepare(input("payments-1", "payments"), broken)).rejects.toThrow("injected");
    expect(await heldBy("payments-1")).toEqual([]);
    expect((await env.engine.executions.getMeta("payments-1"))?.prepared).toBeUndefined();

    expect(await prepare(input("payments-1", "payments"), env.engine)).toEqual({
      waveCount: 2,
      serverCount: 6,
      skippedCount: 0,
      approvalWaitSeconds: 300,
      firstWave: 1,
    });
    expect(countByKind(await partition("payments-1"))).toEqual({ META: 1, WAVE: 2, BATCH: 2, SERVER: 6 });
    expect((await env.engine.executions.getMeta("payments-1"))?.prepared).toBe(true);
    expect(await heldBy("payments-1")).toEqual(payments.sort());
  });

  it("refuses a second execution over the same servers and leaves nothing locked by it", async () => {
    // shop-1 has no workflow here (Prepare runs alone), so it counts as an execution that has not
    // reached Step Functions yet: alive for a start's time after it took its locks.
    const holder = await env.engine.executions.getMeta("shop-1");
    const startedAt = new Date(Date.parse(holder?.startedAt ?? "") + 60_000).toISOString();
    const attempt = prepare({ ...input("overlap-1", "overlap"), startedAt }, env.engine);
    await expect(attempt).rejects.toBeInstanceOf(ServerConflictError);
    await expect(attempt).rejects.toThrow(/3 in shop-1 \(/);
    const error = (await attempt.catch((caught: unknown) => caught)) as ServerConflictError;
    expect(error.conflicts.map((c) => c.sourceServerId).sort()).toEqual(shop("web").sort());

    expect(await heldBy("overlap-1")).toEqual([]);
    // The DNS servers it locked before reaching the shop's web servers were released again.
    const dns = (await locks()).filter((lock) => lock.executionId === "overlap-1");
    expect(dns).toHaveLength(6);
    for (const lock of dns) expect(lock.releasedAt).toEqual(expect.any(String));
    expect(countByKind(await partition("overlap-1"))).toEqual({ META: 1 });
    expect(await heldBy("shop-1")).toHaveLength(9);
  });

  it("fails the start naming each server that is not ready, with its state and reason, and records only the refusal", async () => {
    const error = (await prepare(input("strict-1", "estate-strict"), env.engine).catch(
      (caught: unknown) => caught,
    )) as ServersNotReadyError;
    expect(error).toBeInstanceOf(ServersNotReadyError);
    expect([...error.notReady].sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
      {
        sourceServerId: idOf("estate-web-31"),
        state: "INITIAL_SYNC",
        reason: "replication is INITIAL_SYNC, not CONTINUOUS (host estate-web-31)",
      },
      {
        sourceServerId: idOf("estate-workers-17"),
        state: "STALLED",
        reason: "replication is STALLED: fix replication on the source server (host estate-workers-17)",
      },
      {
        sourceServerId: idOf("estate-reporting-04"),
        state: "CONTINUOUS",
        reason: "replication lag 25m exceeds the RPO of 15m (host estate-reporting-04)",
      },
    ]);
    expect(error.message).toContain(`${idOf("estate-web-31")} (INITIAL_SYNC): replication is INITIAL_SYNC`);
    expect(error.message).toContain("set failure.notReady: skip");
    // Only META, closed with the refusal, so the status can say why: no wave, batch or server, no lock.
    expect(countByKind(await partition("strict-1"))).toEqual({ META: 1 });
    expect(await env.engine.executions.getMeta("strict-1")).toMatchObject({
      status: "FAILED",
      error: "ServersNotReadyError",
      cause: error.message,
      serverCount: 0,
    });
    expect((await env.engine.executions.getMeta("strict-1"))?.prepared).toBeUndefined();
    expect(await heldBy("strict-1")).toEqual([]);
  });

  it("leaves not-ready servers out with failure.notReady: skip and lists them in META", async () => {
    expect(await prepare(input("estate-1", "estate"), env.engine)).toEqual({
      waveCount: 6,
      serverCount: 297,
      skippedCount: 3,
      approvalWaitSeconds: 3600,
      firstWave: 1,
    });
    const meta = await env.engine.executions.getMeta("estate-1");
    const skippedHosts = ["estate-reporting-04", "estate-web-31", "estate-workers-17"];
    expect(meta?.skipped.map((s) => s.sourceServerId).sort()).toEqual(skippedHosts.map(idOf).sort());
    expect(meta?.skipped.find((s) => s.sourceServerId === idOf("estate-workers-17"))?.reason).toMatch(
      /STALLED/,
    );

    const items = await partition("estate-1");
    expect(countByKind(items)).toEqual({ META: 1, WAVE: 6, BATCH: 7, SERVER: 297 });
    const serverIds = new Set((await env.engine.executions.servers("estate-1")).map((s) => s.sourceServerId));
    for (const host of skippedHosts) expect(serverIds.has(idOf(host))).toBe(false);
    const waves = await env.engine.executions.waves("estate-1");
    expect(waves.reduce((sum, wave) => sum + wave.serverCount, 0)).toBe(297);
    // The largest wave (api-core and workers, 110 servers less the stalled worker) needs two jobs.
    const largest = await env.engine.executions.batches("estate-1", 4);
    expect(largest.map((batch) => batch.sourceServerIds.length)).toEqual([55, 54]);

    const held = await heldBy("estate-1");
    expect(held).toHaveLength(297);
    // The DNS locks the refused execution had released were taken over.
    expect(held).toContain(idOf("estate-dns-01"));
  });

  it("fails the start when a group's listed IDs are not DRS source servers or a group selects none", async () => {
    await env.engine.plans.apply(
      {
        id: "dangling",
        name: "Dangling selectors",
        rto: "1h",
        rpo: "5m",
        groups: [
          { id: "db", select: { sourceServerIds: [idOf("payments-db-01"), "s-0000000000000dead"] } },
          { id: "ghost", select: { tags: { app: "ghost" } }, dependsOn: ["db"] },
        ],
      },
      "test",
    );
    const error = (await prepare(input("dangling-1", "dangling"), env.engine).catch(
      (caught: unknown) => caught,
    )) as GroupResolutionError;
    expect(error).toBeInstanceOf(GroupResolutionError);
    expect(error.problems).toEqual([
      {
        groupId: "db",
        path: "groups[0].select.sourceServerIds[1]",
        message: "s-0000000000000dead (group db) is not a DRS source server in this account and region",
      },
      { groupId: "ghost", path: "groups[1].select", message: "group ghost selects no DRS source server" },
    ]);
    expect(await partition("dangling-1")).toEqual([]);
    expect(await heldBy("dangling-1")).toEqual([]);
  });

  it("runs as the workflow's Lambda step and names bad input fields", async () => {
    const { invoke, destroy } = deployStep(env, "prepare-test", handler, 300);
    try {
      // As the workflow passes it: the execution input whole, beside the execution's start time.
      const stepInput = (prepared: PrepareInput) => {
        const { startedAt, ...execution } = prepared;
        return { executionId: prepared.executionId, execution, startedAt };
      };
      expect(await invoke(stepInput(input("shop-1", "shop")))).toEqual({
        error: undefined,
        body: {
          waveCount: 3,
          serverCount: 9,
          skippedCount: 0,
          approvalWaitSeconds: 365 * 86_400,
          firstWave: 1,
        },
      });
      const invalid = await invoke({
        ...stepInput(input("shop-2", "shop")),
        execution: { ...stepInput(input("shop-2", "shop")).execution, planVersion: "1" },
        startedAt: "yesterday",
      });
      expect(invalid.error).toBe("Unhandled");
      expect(invalid.body).toMatchObject({
        errorType: "InvalidInputError",
        errorMessage: expect.stringMatching(
          /execution\.planVersion: .*; startedAt: expected an ISO-8601 date-time/,
        ),
      });
    } finally {
      destroy();
    }
  });
});
