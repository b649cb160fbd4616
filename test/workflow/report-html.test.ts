import { renderRecoveryReportHtml } from "@drs-orchestrator/core";
import { drillCleanupReport, loadRecoveryReport, startDrillCleanup } from "@drs-orchestrator/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployedApp, startDeployedApp } from "../support/local-app";
import { until as waitUntil } from "../support/waiting";

/**
 * The HTML report of a real drill of the three-tier example on the deployed app: read with
 * loadRecoveryReport while the drill waits at its web wave's approval gate, then after the gate is
 * approved, the drill has ended and its cleanup has run. The example's hooks call an incident MCP
 * server this runtime does not have, so they fail and go on, and the report says why.
 */

const DEADLINE_MS = 60_000;
let env: DeployedApp;

beforeAll(async () => {
  env = await startDeployedApp({ speed: 500 });
}, 30_000);

afterAll(() => env?.stop());

function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  return waitUntil(what, read, DEADLINE_MS);
}

/** Text as a reader sees it: tags dropped, entities decoded, whitespace collapsed. */
function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("the HTML report of a drill of the three-tier shop", () => {
  it("shows the drill waiting at its gate, then the whole drill, its approval, hooks and cleanup", async () => {
    const planId = await env.applyPlan("three-tier.yaml");
    const started = await env.startDrill(planId);
    const { executionId } = started;

    await until("the web wave's gate", async () => {
      const gates = await env.engine.executions.approvals(executionId);
      return gates.find((gate) => gate.wave === 3 && gate.status === "PENDING" && gate.notifiedAt);
    });
    const waiting = await loadRecoveryReport(env.engine, executionId, env.local.clock.now());
    expect(waiting.summary.status).toBe("RUNNING");
    const waitingHtml = renderRecoveryReportHtml(waiting);
    const waitingPage = text(waitingHtml);
    expect(waitingPage).toContain("DRILL RUNNING");
    expect(waitingPage).toMatch(/Wave 3 is waiting for approval since \d\d:\d\d:\d\d UTC \(T\+\d+:\d\d\)/);
    expect(waitingPage).toContain("not achieved yet");
    expect(waitingPage).toContain("3 not launched yet");
    // The gate's wait runs up to the report's time; the web servers wait to launch.
    expect(waitingHtml).toMatch(/<rect class="g-approval g-unfinished"/);
    expect(waitingHtml).toContain(">report time</text>");
    expect(waitingHtml.match(/>waiting to launch</g)).toHaveLength(3);

    const decided = await env.invoke("decide-approval", {
      executionId,
      wave: 3,
      decision: "APPROVE",
      by: "sre@example.com",
      comment: "web tier <go> & approved",
    });
    expect(decided.ok).toBe(true);
    const ended = await env.waitForEnd(started, DEADLINE_MS);
    expect(ended.status).toBe("SUCCEEDED");

    await startDrillCleanup({ executionId }, env.engine);
    const cleanup = await until("the drill cleanup", async () => {
      const report = await drillCleanupReport(env.engine, executionId);
      return report?.status === "SUCCEEDED" || report?.status === "FAILED" ? report : undefined;
    });
    expect(cleanup.status).toBe("SUCCEEDED");

    const report = await loadRecoveryReport(env.engine, executionId, env.local.clock.now());
    const html = renderRecoveryReportHtml(report);
    const page = text(html);
    const { summary } = report;

    expect(page).toContain(`Three-tier web shop ${planId} v1 DRILL SUCCEEDED`);
    expect(page).toContain(`Execution ${executionId}`);
    expect(page).toContain("Requested by workflow-tests");
    expect(page).toContain("Reason workflow test drill");
    // How long the drill takes on the simulated clock depends on the machine's load: the verdict follows the data.
    const achieved = summary.rto.achievedSeconds as number;
    expect(page).toContain(summary.rto.breached ? `of 45m target breached by` : `of 45m target met · `);
    expect(page).toContain(`achieved: every wave healthy at ${summary.rto.recoveredAt?.slice(11, 19)} UTC`);
    expect(achieved).toBeGreaterThan(0);
    expect(page).toContain(
      "9 servers 9 launched 9 healthy 0 failed 0 not launched 0 skipped (not ready) 0 relaunched",
    );

    // The chart: the execution, three waves and their nine servers, the gate on the web wave.
    const labels = [...html.matchAll(/<text class="g-label g-label-(\w+)"[^>]*>([^<]*)</g)].map(
      ([, kind, label]) => `${kind}:${label}`,
    );
    expect(labels.filter((label) => label.startsWith("wave:"))).toEqual([
      "wave:Wave 1 · db",
      "wave:Wave 2 · app",
      "wave:Wave 3 · web",
    ]);
    expect(labels.filter((label) => label.startsWith("server:")).sort()).toEqual(
      summary.servers.map((server) => `server:${server.hostname}`).sort(),
    );
    const chart = html.slice(html.indexOf('<svg class="gantt"'));
    expect(chart.slice(0, chart.indexOf("</svg>")).match(/class="g-healthy"/g)).toHaveLength(12);
    expect(html).toMatch(
      /<rect class="g-approval" [^>]*><title>approval APPROVED by sre@example.com<\/title>/,
    );
    expect(chart.slice(0, chart.indexOf("</svg>"))).not.toContain("g-unfinished");

    // Every server's recovery instance, address and type, as the drill recorded them.
    for (const server of summary.servers) {
      expect(server.status).toBe("HEALTHY");
      expect(page).toContain(
        `${server.sourceServerId} ${server.hostname} ${server.wave} ${server.groupId} HEALTHY 1 ${server.ec2InstanceId} ${server.privateIp} ${server.instanceType}`,
      );
    }

    expect(page).toMatch(
      /3 APPROVED \d\d:\d\d:\d\d T\+\d+:\d\d sre@example\.com \d\d:\d\d:\d\d after \d+(m|s)[^ ]* .*web tier <go> & approved/,
    );
    expect(html).toContain("web tier &lt;go&gt; &amp; approved");

    // The example's hooks reach for an MCP server this runtime does not configure: failed, went on.
    expect(summary.hooks.length).toBe(5);
    expect(page).toContain("Hooks 5 ran · 5 failed");
    for (const hook of summary.hooks)
      expect(page).toContain(`${hook.name} mcp ${hook.target} FAILED continued`);
    expect(page).toContain("Hook errors");
    expect(page).toContain(summary.hooks[0]?.error as string);

    expect(page).toContain("Drill cleanup Status SUCCEEDED");
    expect(page).toContain("Instances terminated 9");
    for (const server of summary.servers) expect(page).toContain(server.ec2InstanceId as string);
    expect(html).not.toMatch(/<script/i);
  }, 120_000);
});
