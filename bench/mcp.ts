/**
 * Latency of the MCP server over HTTP on the local runtime: JSON-RPC requests POSTed as an MCP
 * client sends them, to the deployed `mcp` function through the local function URL (HTTP →
 * payload 2.0 event → Lambda Invoke API → handler: static-token auth, a new stateless server and
 * transport, the tool → JSON response), one at a time, timed from request to parsed answer.
 * p50 / p95 / max of `tools/list` and of `start_recovery`; the target is p50 ≤ 30 ms. Figures are
 * printed, not enforced.
 *
 *   npm run bench:mcp [-- --requests 200]
 *
 * Each start_recovery starts a real DRILL of its own one-server plan (distinct plans, as a plan
 * runs one execution at a time), so every start takes the full path — plan read, active-run
 * record, StartExecution — and none is answered from an idempotency key. The drills are not
 * waited for: the clock runs at real speed with the DRS emulator's launch timings (minutes), so no
 * launch completes during the run. After each start the benchmark waits until the drill's first
 * steps (prepare, hooks, launch settings, launch) have run and it waits for DRS: on AWS those steps
 * run in sandboxes of their own, here they would share this process with the next request.
 */

import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadFleetFile } from "@drs-orchestrator/core";
import { startFunctionUrlServer, startLocalAws } from "@drs-orchestrator/local";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { quietFunctionOutput } from "../packages/cli/src/output/function-output";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });
const REQUESTS = Number(values.requests);
if (!Number.isInteger(REQUESTS) || REQUESTS < 1) throw new Error("--requests must be a whole number above 0");
const WARM_UP = 20;
const TARGET_P50_MS = 30;
/** How long no function may finish before the runtime counts as idle. */
const SETTLE_MS = 100;

// Only the functions' errors, and no EMF, between the figures; set before the app's modules load.
const FUNCTION_SETTINGS = quietFunctionOutput("ERROR");
const { deployLocalApp } = await import("@drs-orchestrator/app");
const { createEngineContext } = await import("@drs-orchestrator/engine");

const fleetFile = await loadFleetFile(new URL("../examples/fleet.json", import.meta.url).pathname);
if (!fleetFile.ok) throw new Error(`examples/fleet.json is invalid: ${JSON.stringify(fleetFile.issues)}`);
const readyServers = fleetFile.fleet.sourceServers
  .filter((server) => server.dataReplicationInfo?.dataReplicationState === "CONTINUOUS")
  .map((server) => server.sourceServerID);
const starts = WARM_UP + REQUESTS;
if (readyServers.length < starts) {
  throw new Error(
    `the example fleet has ${readyServers.length} ready servers; use --requests ${readyServers.length - WARM_UP} or fewer`,
  );
}

const token = randomBytes(32).toString("hex");
const local = await startLocalAws({ fleet: fleetFile.fleet, speed: 1 });
const app = await deployLocalApp(local, {
  logLevel: "ERROR",
  environment: { ...FUNCTION_SETTINGS, MCP_AUTH: "static", MCP_STATIC_TOKEN: token },
});
const engine = createEngineContext({ ...local.env, ...app.environment });
const planIds: string[] = [];
for (const [i, sourceServerId] of readyServers.slice(0, starts).entries()) {
  const id = `bench-${String(i).padStart(3, "0")}`;
  await engine.plans.apply(
    {
      id,
      name: `Bench drill ${i}`,
      rto: "4h",
      rpo: "1h",
      groups: [{ id: "host", select: { sourceServerIds: [sourceServerId] } }],
    },
    "bench",
    local.clock.now(),
  );
  planIds.push(id);
}
const url = await startFunctionUrlServer({ local, functionName: app.functionNames.mcp as string });
const endpoint = `${url.url}/mcp`;
let requestId = 0;

/** One JSON-RPC request as an MCP client POSTs it; the answer's `result`, or a thrown error. */
async function rpc(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  requestId += 1;
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: requestId, method, params }),
  });
  const answer = (await response.json()) as { result?: Record<string, unknown>; error?: unknown };
  if (!response.ok || !answer.result)
    throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer.result;
}

async function startDrill(planId: string): Promise<void> {
  const result = await rpc("tools/call", {
    name: "start_recovery",
    arguments: { planId, reason: "MCP latency benchmark" },
  });
  if (result.isError) throw new Error(`start_recovery ${planId} refused: ${JSON.stringify(result.content)}`);
}

/**
 * Waits until no function has finished for a while: the drill just started has prepared and
 * submitted its launch and now waits for DRS. On AWS those steps run in their own sandboxes; here
 * they share this process with the MCP function, so the next request is not measured under them.
 */
async function settle(): Promise<void> {
  let seen = -1;
  while (seen !== local.lambda.invocations.length) {
    seen = local.lambda.invocations.length;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const begin = performance.now();
  await run();
  return performance.now() - begin;
}

try {
  console.log(
    `MCP over local HTTP: ${WARM_UP} warm-up requests, then ${REQUESTS} of each operation, one at a time`,
  );
  await rpc("initialize", {
    protocolVersion: LATEST_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: "bench-mcp", version: "1.0.0" },
  });
  for (let i = 0; i < WARM_UP; i += 1) await rpc("tools/list");
  for (const planId of planIds.slice(0, WARM_UP)) {
    await startDrill(planId);
    await settle();
  }

  const list: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) list.push(await timed(() => rpc("tools/list")));
  const start: number[] = [];
  for (const planId of planIds.slice(WARM_UP)) {
    start.push(await timed(() => startDrill(planId)));
    await settle();
  }

  console.log("");
  console.log("operation        requests   p50 ms   p95 ms   max ms");
  for (const [name, samples] of [
    ["tools/list", list],
    ["start_recovery", start],
  ] as const) {
    const { p50, p95, max } = percentiles(samples);
    console.log(
      `${name.padEnd(16)} ${String(samples.length).padStart(8)} ${fmt(p50)} ${fmt(p95)} ${fmt(max)}` +
        `   target p50 ≤ ${TARGET_P50_MS} ms: ${p50 <= TARGET_P50_MS ? "met" : "NOT met"}`,
    );
  }
} finally {
  await url.close();
  await local.stop();
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}

function fmt(ms: number): string {
  return ms.toFixed(1).padStart(8);
}
