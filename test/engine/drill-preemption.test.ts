import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { type RecoveryMode, ServerConflictError } from "@drs-orchestrator/core";
import { executionArnOf, keys, prepare } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEngine, startLocalEngine } from "../support/local-engine";
import { rejection } from "../support/waiting";

/**
 * Prepare's server locks between drills and recoveries, below the workflow: each execution here is
 * prepared directly, with a workflow of its name waiting on the recovery state machine so Step
 * Functions knows it runs. A RECOVERY takes what running drills hold; nothing takes what a RECOVERY
 * holds; and a RECOVERY that a RECOVERY holds up stops no drill.
 */

const group = (id: string, app: string, tier: string) => ({ id, select: { tags: { app, tier } } });
const PLANS = [
  { id: "shop-db", groups: [group("db", "shop", "db")] },
  { id: "payments-db", groups: [group("db", "payments", "db")] },
  { id: "both-db", groups: [group("shop", "shop", "db"), group("payments", "payments", "db")] },
];

interface LockItem {
  executionId: string;
  releasedAt?: string;
}

describe("server locks between drills and recoveries", () => {
  let env: LocalEngine;
  let sfn: SFNClient;
  let ids: (planId: string) => string[];

  beforeAll(async () => {
    env = await startLocalEngine();
    for (const plan of PLANS) {
      await env.engine.plans.apply({ ...plan, name: plan.id, rto: "1h", rpo: "5m" }, "test");
    }
    const tags = (app: string, tier: string) =>
      env.local.fleet.sourceServers
        .filter((server) => server.tags?.app === app && server.tags?.tier === tier)
        .map((server) => server.sourceServerID)
        .sort();
    ids = (planId) =>
      ({
        "shop-db": tags("shop", "db"),
        "payments-db": tags("payments", "db"),
        "both-db": [...tags("shop", "db"), ...tags("payments", "db")].sort(),
      })[planId] ?? [];
    sfn = new SFNClient({});
    const name = env.engine.config.recoveryStateMachineArn.split(":").at(-1) as string;
    await sfn.send(
      new CreateStateMachineCommand({
        name,
        roleArn: `arn:aws:iam::${env.local.accountId}:role/${name}`,
        definition: JSON.stringify({
          StartAt: "Hold",
          States: { Hold: { Type: "Wait", Seconds: 30 * 86_400, End: true } },
        }),
      }),
    );
  });
  afterAll(async () => {
    sfn?.destroy();
    await env?.stop();
  });

  /** Starts the execution's workflow (waiting for days), then its Prepare, as the workflow would. */
  async function run(executionId: string, planId: string, mode: RecoveryMode) {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env.engine.config.recoveryStateMachineArn,
        name: executionId,
        input: "{}",
      }),
    );
    return prepare(
      {
        executionId,
        planId,
        planVersion: 1,
        mode,
        requestedBy: "alice",
        reason: "locks test",
        startedAt: env.local.clock.isoNow(),
      },
      env.engine,
    );
  }

  const workflowOf = async (executionId: string) =>
    sfn.send(
      new DescribeExecutionCommand({
        executionArn: executionArnOf(env.engine.config.recoveryStateMachineArn, executionId),
      }),
    );

  async function holders(serverIds: readonly string[]) {
    const held = new Set<string | undefined>();
    for (const id of serverIds) {
      const lock = await env.engine.executions.get<LockItem>(keys.lock(id));
      held.add(lock?.releasedAt === undefined ? lock?.executionId : undefined);
    }
    return held;
  }

  it("a RECOVERY stops the drill holding its servers and takes them; then nothing takes them from it", async () => {
    await run("drill-1", "shop-db", "DRILL");
    await run("recovery-1", "both-db", "RECOVERY");

    expect(await workflowOf("drill-1")).toMatchObject({
      status: "ABORTED",
      error: "DrillPreempted",
      cause: "pre-empted by recovery recovery-1",
    });
    expect(await env.engine.executions.getMeta("drill-1")).toMatchObject({
      status: "ABORTED",
      preemptedBy: "recovery-1",
      error: "DrillPreempted",
      cause: "pre-empted by recovery recovery-1",
    });
    expect(await holders(ids("both-db"))).toEqual(new Set(["recovery-1"]));

    // A drill, and another recovery, over the recovery's servers are refused as before.
    for (const [executionId, mode] of [
      ["drill-2", "DRILL"],
      ["recovery-2", "RECOVERY"],
    ] as const) {
      const refused = await rejection(run(executionId, "shop-db", mode));
      expect(refused).toBeInstanceOf(ServerConflictError);
      expect(refused.message).toContain("3 in recovery-1");
    }
    expect((await workflowOf("recovery-1")).status).toBe("RUNNING");
    expect((await env.engine.executions.getMeta("recovery-1"))?.status).toBe("RUNNING");
    expect(await holders(ids("both-db"))).toEqual(new Set(["recovery-1"]));
  });

  it("a RECOVERY held up by a RECOVERY stops no drill, even one holding its other servers", async () => {
    // recovery-1 holds both plans' databases: free the payments ones for a drill of their own.
    await env.engine.locks.release("recovery-1", ids("payments-db"));
    await run("drill-3", "payments-db", "DRILL");
    expect(await holders(ids("payments-db"))).toEqual(new Set(["drill-3"]));

    const refused = await rejection(run("recovery-3", "both-db", "RECOVERY"));
    expect(refused).toBeInstanceOf(ServerConflictError);
    expect(refused.message).toContain("3 in recovery-1");
    expect(refused.message).toContain("2 in drill-3");
    expect((await workflowOf("drill-3")).status).toBe("RUNNING");
    const drill = await env.engine.executions.getMeta("drill-3");
    expect(drill?.status).toBe("RUNNING");
    expect(drill?.preemptedBy).toBeUndefined();
    expect(await holders(ids("payments-db"))).toEqual(new Set(["drill-3"]));
  });
});
