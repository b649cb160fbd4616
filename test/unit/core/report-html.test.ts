import {
  type DrillCleanupServerRecord,
  type RecoveryReport,
  renderRecoveryReportHtml,
  summarizeDrillCleanup,
} from "@drs-orchestrator/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  at,
  failedDrillReport,
  HOSTILE,
  healthyDrill,
  hookRecord,
  largeDrillReport,
  lastHealthyAt,
  reportOf,
  runningDrillReport,
} from "../../support/report-fixtures";

/** The report as a reader meets it: text without tags or entities, whitespace collapsed. */
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

function gantt(html: string): string {
  const start = html.indexOf('<svg class="gantt"');
  expect(start).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</svg>", start) + 6);
}

/** The labels of the chart's rows, top to bottom. */
function ganttLabels(html: string): string[] {
  return [...gantt(html).matchAll(/<text class="g-label g-label-(\w+)"[^>]*>([^<]*)<\/text>/g)].map(
    ([, kind, label]) => `${kind}:${label}`,
  );
}

/** A succeeded drill of three waves of three servers, with hooks and an approved gate on wave 3. */
function succeededDrill(rtoSeconds = 25 * 60): RecoveryReport {
  const records = healthyDrill([3, 3, 3], (wave, n) => `shop-${["db", "app", "web"][wave - 1]}-0${n + 1}`);
  records.execution = { ...records.execution, rtoSeconds };
  const wave3 = records.waves[2];
  const gateAt = Date.parse(wave3?.startedAt as string) - 300_000;
  records.approvals = [
    {
      wave: 3,
      status: "APPROVED",
      requestedAt: new Date(gateAt).toISOString(),
      expiresAt: new Date(gateAt + 3_600_000).toISOString(),
      decidedAt: new Date(gateAt + 240_000).toISOString(),
      by: "sre@example.com",
      comment: "web tier go",
    },
  ];
  records.hooks = [
    hookRecord({ phase: "beforeRecovery", name: "open incident", startedAt: at(10), durationMs: 63 }),
    hookRecord({
      phase: "afterWave",
      wave: 1,
      name: "note wave",
      startedAt: records.waves[0]?.completedAt as string,
    }),
  ];
  const endedAt = new Date(Date.parse(lastHealthyAt(records)) + 20_000).toISOString();
  return reportOf(records, { status: "SUCCEEDED", endedAt }, endedAt);
}

/** Every element the page is made of: no script, image, frame, link or object among them. */
const PAGE_ELEMENTS = [
  "html",
  "head",
  "meta",
  "title",
  "style",
  "body",
  "main",
  "header",
  "footer",
  "section",
  "div",
  "span",
  "strong",
  "p",
  "h1",
  "h2",
  "h3",
  "dl",
  "dt",
  "dd",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "svg",
  "defs",
  "pattern",
  "g",
  "rect",
  "line",
  "circle",
  "path",
  "text",
];

afterEach(() => {
  vi.useRealTimers();
});

describe("renderRecoveryReportHtml", () => {
  it("is one self-contained document: inline style and SVG, no script, nothing fetched", () => {
    const html = renderRecoveryReportHtml(failedDrillReport());
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    const tags = [...html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)];
    expect(new Set(tags.map(([, name]) => name))).toEqual(new Set(PAGE_ELEMENTS));
    const attributes = new Set(
      tags.flatMap(([, , rest]) => [...(rest as string).matchAll(/([\w-]+)="/g)].map(([, name]) => name)),
    );
    for (const fetching of ["src", "href", "xlink:href", "srcset", "action", "data"])
      expect(attributes).not.toContain(fetching);
    expect([...attributes].filter((name) => name?.startsWith("on"))).toEqual([]);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/@import|@font-face/);
    expect(html.match(/url\([^)]*\)/g)?.every((url) => url.startsWith("url(#"))).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("is a pure function of the report: the same report renders the same bytes whatever the clock says", () => {
    const report = runningDrillReport();
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    const first = renderRecoveryReportHtml(report);
    vi.setSystemTime(new Date("2031-06-15T12:34:56Z"));
    expect(renderRecoveryReportHtml(structuredClone(report))).toBe(first);
  });

  it("escapes every string that comes from the report", () => {
    const html = renderRecoveryReportHtml(failedDrillReport());
    for (const value of Object.values(HOSTILE)) {
      const escaped = value
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
      expect(html).toContain(escaped);
      expect(html).not.toContain(value);
    }
    // Attribute values too: nothing in a quoted attribute can close its quotes.
    for (const [, value] of html.matchAll(/="([^"]*)"/g)) expect(value).not.toMatch(/[<>]/);
  });

  it("heads the report with the plan, mode, status, who asked, why, and when", () => {
    const page = text(renderRecoveryReportHtml(succeededDrill()));
    expect(page).toContain("Drill report");
    expect(page).toContain("Estate recovery estate v4");
    expect(page).toMatch(/DRILL SUCCEEDED/);
    expect(page).toContain("Execution estate-drill-0123456789abcdef");
    expect(page).toContain("Requested by cli:oncall");
    expect(page).toContain("Reason quarterly drill");
    expect(page).toContain("Started 2026-11-21 10:00:00 UTC");
    expect(page).toMatch(/Ended 2026-11-21 10:\d\d:\d\d UTC/);
    expect(page).toMatch(/Duration \d+m \d+s/);
  });

  describe("RTO", () => {
    it("shows the RTO achieved against the target and the time to spare", () => {
      const report = succeededDrill();
      const achieved = report.summary.rto.achievedSeconds as number;
      const page = text(renderRecoveryReportHtml(report));
      const minutes = Math.floor(achieved / 60);
      const seconds = achieved % 60;
      expect(page).toContain(`${minutes}m ${seconds}s of 25m target`);
      const spare = 1500 - achieved;
      expect(page).toContain(`met · ${Math.floor(spare / 60)}m ${spare % 60}s to spare`);
    });

    it("says by how much a breached target was missed", () => {
      const report = succeededDrill(15 * 60);
      const over = (report.summary.rto.achievedSeconds as number) - 900;
      const page = text(renderRecoveryReportHtml(report));
      expect(report.summary.rto.breached).toBe(true);
      expect(page).toContain(`of 15m target breached by ${Math.floor(over / 60)}m ${over % 60}s`);
    });

    it("shows a running execution's time so far and what is left", () => {
      const page = text(renderRecoveryReportHtml(runningDrillReport()));
      expect(page).toContain("11m 30s of 30m target not achieved yet · 18m 30s left");
      expect(page).toContain(
        "The drill is still running: this report is a snapshot taken 2026-11-21 10:11:30 UTC",
      );
    });

    it("says a failed execution did not achieve it, and after how long it failed", () => {
      const page = text(renderRecoveryReportHtml(failedDrillReport()));
      expect(page).toContain("Not achieved target 45m the drill FAILED after 23m 40s");
    });
  });

  it("counts launched, healthy, failed, not launched, skipped and relaunched servers", () => {
    const page = text(renderRecoveryReportHtml(failedDrillReport()));
    expect(page).toContain(
      "10 servers 6 launched 6 healthy 1 failed 3 not launched 2 skipped (not ready) 1 relaunched",
    );
  });

  describe("timeline", () => {
    it("has a row for the execution, each wave and each server, in launch order within a wave", () => {
      const html = renderRecoveryReportHtml(succeededDrill());
      expect(ganttLabels(html)).toEqual([
        "execution:Execution",
        "wave:Wave 1 · tier1",
        "server:shop-db-01",
        "server:shop-db-02",
        "server:shop-db-03",
        "wave:Wave 2 · tier2",
        "server:shop-app-01",
        "server:shop-app-02",
        "server:shop-app-03",
        "wave:Wave 3 · tier3",
        "server:shop-web-01",
        "server:shop-web-02",
        "server:shop-web-03",
      ]);
      const svg = gantt(html);
      // Every server launched and passed its checks; wave 3 waited at its gate; two hooks ran.
      expect(svg.match(/class="g-launch"/g)).toHaveLength(12);
      expect(svg.match(/class="g-checks"/g)).toHaveLength(12);
      expect(svg.match(/class="g-healthy"/g)).toHaveLength(12);
      expect(svg.match(/class="g-approval"/g)).toHaveLength(1);
      expect(svg.match(/class="g-hook"/g)).toHaveLength(2);
      expect(svg).not.toContain("g-unfinished");
      expect(svg).toContain("<title>approval APPROVED by sre@example.com</title>");
    });

    it("reads on a T+ axis with round ticks, and marks the RTO target when it is near", () => {
      const html = renderRecoveryReportHtml(succeededDrill());
      const ticks = [...gantt(html).matchAll(/<text class="g-tick"[^>]*>([^<]*)</g)].map(([, tick]) => tick);
      expect(ticks.slice(0, 3)).toEqual(["T+0:00", "T+5:00", "T+10:00"]);
      expect(ticks.length).toBeLessThanOrEqual(10);
      expect(gantt(html)).toContain(">RTO target 25m</text>");
      // A target far past the end would squeeze the chart: it stays in the RTO section.
      const far = renderRecoveryReportHtml(largeDrillReport());
      expect(gantt(far)).not.toContain("RTO target");
      expect(far).not.toContain(">RTO target</span>");
    });

    it("draws a relaunch's failed attempt before its new launch, and failures with a cross", () => {
      const svg = gantt(renderRecoveryReportHtml(failedDrillReport()));
      const relaunched = svg.slice(
        svg.indexOf("<title>shop-app-01:"),
        svg.indexOf("</g>", svg.indexOf("<title>shop-app-01:")),
      );
      expect(relaunched).toContain('class="g-earlier"');
      expect(relaunched).toContain("<title>attempt 1 UNHEALTHY: status checks not passed within 6m</title>");
      expect(relaunched.match(/class="g-failed"/g)).toHaveLength(1);
      expect(relaunched.match(/class="g-healthy"/g)).toHaveLength(1);
      // The failed launch, the failed wave, the failed hook; the wave never launched says so.
      expect(svg.match(/class="g-failed"/g)).toHaveLength(3);
      expect(svg.match(/class="g-hook-failed"/g)).toHaveLength(1);
      expect(svg.match(/>not launched</g)).toHaveLength(3);
    });

    it("shows a running execution up to the report time, with what has no end yet marked unfinished", () => {
      const html = renderRecoveryReportHtml(runningDrillReport());
      const svg = gantt(html);
      expect(svg).toContain(">report time</text>");
      // The execution, wave 2 still launching, its launched server's checks and its launching server.
      expect(svg.match(/g-unfinished/g)).toHaveLength(4);
      expect(svg.match(/>waiting to launch</g)).toHaveLength(4);
      expect(text(html)).toContain("2 tier2 LAUNCHING 3 0 0 1 T+7:40 launching");
    });

    it("keeps a 300-server chart readable: ten servers per large wave, the rest as one row", () => {
      const report = largeDrillReport();
      const html = renderRecoveryReportHtml(report);
      const labels = ganttLabels(html);
      expect(labels.filter((label) => label.startsWith("server:"))).toHaveLength(30);
      expect(labels.filter((label) => label.startsWith("more:"))).toEqual([
        "more:+30 more servers",
        "more:+150 more servers",
        "more:+90 more servers",
      ]);
      // The unhealthy and the relaunched server are among the drawn ones.
      expect(labels).toContain("server:app-w2-018");
      expect(labels).toContain("server:app-w2-043");
      const notes = [...gantt(html).matchAll(/<text class="g-note g-note-more"[^>]*>([^<]*)</g)].map(
        ([, note]) => note,
      );
      expect(notes).toEqual([
        "30 healthy · every server is in the table below",
        "150 healthy · every server is in the table below",
        "90 healthy · every server is in the table below",
      ]);
      // …and every server is in the table.
      for (const server of report.summary.servers) expect(html).toContain(`>${server.hostname}<`);
      expect(text(html)).toContain("Waves of more than 12 servers draw 10");
    });
  });

  it("lists every server with its instance, address, type, times and failure", () => {
    const report = failedDrillReport();
    const page = text(renderRecoveryReportHtml(report));
    const db1 = report.summary.servers.find((server) => server.hostname === "shop-db-01");
    expect(page).toContain(
      `${db1?.sourceServerId} shop-db-01 1 tier1 HEALTHY 1 ${db1?.ec2InstanceId} ${db1?.privateIp} r6i.xlarge 10:04:05 10:06:25 —`,
    );
    expect(page).toContain(
      "shop-app-01 2 tier2 HEALTHY 2 i-20000000000000000 10.2.0.4 m6i.large 10:20:50 10:23:20 attempt 1: status checks not passed within 6m",
    );
    expect(page).toContain(`shop-app-02 2 tier2 FAILED 1 — — m6i.large — — ${HOSTILE.failureReason}`);
    expect(page).toContain("shop-web-01 3 tier3 PENDING 0 — — — — — —");
  });

  it("lists hooks and approvals", () => {
    const page = text(renderRecoveryReportHtml(failedDrillReport()));
    expect(page).toContain("Hooks 3 ran · 1 failed");
    expect(page).toContain(
      "beforeRecovery — open incident mcp incidents/open_incident SUCCEEDED 1 40 ms T+0:20 —",
    );
    expect(page).toContain(
      `afterWave 2 note wave mcp incidents/add_note FAILED continued 2 2.4 s T+23:32 ${HOSTILE.hookError}`,
    );
    expect(page).toContain(
      `2 APPROVED 10:04:20 T+4:20 ${HOSTILE.approver} 10:07:30 after 3m 10s ${HOSTILE.comment}`,
    );
  });

  it("ends with skipped servers, the execution's error, server failures and hook errors", () => {
    const page = text(renderRecoveryReportHtml(failedDrillReport()));
    const problems = page.slice(page.indexOf("Skipped servers and errors"));
    expect(problems).toContain(`Why the drill ended RecoveryFailed: ${HOSTILE.cause}`);
    expect(problems).toContain(`s-00000000000000aa1 ${HOSTILE.skipReason}`);
    expect(problems).toContain("s-00000000000000aa2 replication state DISCONNECTED");
    expect(problems).toContain(`shop-app-02 2 FAILED 10:10:10 ${HOSTILE.failureReason}`);
    expect(problems).toContain(
      "shop-app-01 2 HEALTHY 10:17:00 attempt 1: status checks not passed within 6m",
    );
    expect(problems).toContain(`note wave (wave 2) continue ${HOSTILE.hookError}`);
    // The failure is also the first thing under the header.
    expect(page.indexOf(`The drill failed. RecoveryFailed: ${HOSTILE.cause}`)).toBeLessThan(
      page.indexOf("Recovery time objective"),
    );
  });

  it("lists a resumed execution's attempts: who started or resumed each, from which wave, how each ended", () => {
    const records = healthyDrill([3, 4]);
    const recovered = lastHealthyAt(records);
    const attempts = [
      {
        number: 1,
        executionArn:
          "arn:aws:states:us-east-1:111122223333:execution:recovery:estate-drill-0123456789abcdef",
        startedAt: at(0),
        requestedBy: "cli:oncall",
        reason: "quarterly drill",
        skipFailed: false,
        firstWave: 1,
        endedAt: at(400),
        status: "ABORTED" as const,
        error: "RecoveryAborted",
        cause: `capacity ${HOSTILE.cause}`,
      },
      {
        number: 2,
        executionArn:
          "arn:aws:states:us-east-1:111122223333:execution:recovery:estate-drill-0123456789abcdef-r2",
        startedAt: at(420),
        requestedBy: "cli:bob",
        reason: "capacity is back",
        skipFailed: true,
        firstWave: 2,
        endedAt: recovered,
        status: "SUCCEEDED" as const,
      },
    ];
    const html = renderRecoveryReportHtml(
      reportOf(
        { ...records, execution: { ...records.execution, attempts } },
        { status: "SUCCEEDED", endedAt: recovered },
        recovered,
      ),
    );
    const page = text(html);
    expect(html).toContain('<section id="attempts"><h2>Attempts');
    expect(html).not.toContain(HOSTILE.cause);
    expect(page).toContain("Attempt Started By From wave Failed servers Status Ended Took Why");
    expect(page).toContain(
      `1 10:00:00 T+0:00 cli:oncall 1 relaunched ABORTED 10:06:40 T+6:40 6m 40s quarterly drill — RecoveryAborted: capacity ${HOSTILE.cause}`,
    );
    expect(page).toContain("2 10:07:00 T+7:00 cli:bob 2 accepted SUCCEEDED");
    expect(page).toContain(
      "the RTO runs from the execution's start to its last wave healthy, across every attempt",
    );
    expect(
      renderRecoveryReportHtml(reportOf(records, { status: "SUCCEEDED", endedAt: recovered }, recovered)),
    ).not.toContain('id="attempts"');
  });

  it("leaves out sections with nothing to show", () => {
    const report = runningDrillReport();
    const page = text(renderRecoveryReportHtml(report));
    for (const title of ["Hooks", "Approvals", "Drill cleanup", "Skipped servers and errors"]) {
      expect(renderRecoveryReportHtml(report)).not.toContain(`<h2>${title}`);
    }
    expect(page).toContain("Servers in detail");
  });

  it("shows the plan's health as last evaluated before the start: verdict, counts, findings with their fixes", () => {
    const report: RecoveryReport = {
      ...succeededDrill(),
      planHealth: {
        planVersion: 2,
        evaluatedAt: "2026-11-21T09:30:00.000Z",
        verdict: "DRILL_BLOCKED",
        counts: { blockers: 1, warnings: 1, servers: 9 },
        findings: [
          {
            code: "LAG_OVER_RPO",
            severity: "BLOCKS_DRILL",
            category: "readiness",
            groupId: "db",
            sourceServerId: "s-00000000000000001",
            path: "rpo",
            message: `replication lag 2h exceeds the RPO of 5m <script>alert("lag")</script>`,
            fix: "find why replication falls behind",
          },
          {
            code: "WAVE_OVER_DRS_QUOTA",
            severity: "WARNING",
            category: "capacity",
            wave: 2,
            message: "wave 2 starts in 2 rounds",
            fix: "raise the DRS quotas",
          },
        ],
        findingCount: 3,
      },
    };
    const html = renderRecoveryReportHtml(report);
    expect(html).not.toContain("<script>");
    const page = text(html);
    expect(page).toContain(
      "Plan health before the start as last evaluated DRILL_BLOCKED a drill would have been refused; a RECOVERY could run: 1 blocker(s), 1 warning(s) over 9 server(s), evaluated 2026-11-21 09:30:00 UTC of plan v2.",
    );
    expect(page).toContain("The 2 most severe of 3 findings.");
    expect(page).toContain(
      `blocks drill LAG_OVER_RPO readiness s-00000000000000001 group db · rpo replication lag 2h exceeds the RPO of 5m <script>alert("lag")</script> find why replication falls behind`,
    );
    expect(page).toContain(
      "warning WAVE_OVER_DRS_QUOTA capacity wave 2 wave 2 starts in 2 rounds raise the DRS quotas",
    );
    expect(renderRecoveryReportHtml(succeededDrill())).not.toContain("Plan health before the start");
  });

  it("shows the drill cleanup: instances terminated, settings restored, what it left", () => {
    const report = succeededDrill();
    const servers = report.summary.servers;
    const records: DrillCleanupServerRecord[] = servers.map((server, i) => ({
      sourceServerId: server.sourceServerId,
      recoveryInstanceId: server.recoveryInstanceId as string,
      ...(i === 4
        ? { terminateFailure: "instance <i-x> is protected from termination" }
        : { terminatedAt: at(4000) }),
      ...(i < 2
        ? {
            revertedAt: at(4100),
            restoredDefaultVersion: 3,
            restoredLaunchConfiguration: { copyTags: false, targetInstanceTypeRightSizingMethod: "BASIC" },
          }
        : { revertSkipped: "settings were not changed by the drill" }),
    }));
    const cleanup = summarizeDrillCleanup(
      {
        status: "FAILED",
        startedAt: at(3900),
        completedAt: at(4200),
        error: "TerminateFailed",
        cause: "1 instance not terminated",
      },
      records,
    );
    const html = renderRecoveryReportHtml({ ...report, cleanup });
    const page = text(html);
    expect(page).toContain(
      "Drill cleanup Status FAILED Started 2026-11-21 11:05:00 UTC Completed 2026-11-21 11:10:00 UTC Instances terminated 8 Launch settings restored 2 servers, 7 left as they were",
    );
    expect(page).toContain("The cleanup failed. TerminateFailed: 1 instance not terminated");
    for (const id of cleanup.terminatedInstanceIds) expect(page).toContain(id);
    expect(page).toContain(
      `shop-app-02 ${servers[4]?.sourceServerId} ${servers[4]?.recoveryInstanceId} instance <i-x> is protected from termination`,
    );
    expect(page).toContain(
      `shop-db-01 ${servers[0]?.sourceServerId} 3 copyTags = false, targetInstanceTypeRightSizingMethod = "BASIC" 11:08:20`,
    );
    expect(html).toContain("instance &lt;i-x&gt; is protected");
  });
});

describe("the report's recovery point section", () => {
  it("shows the RPO achieved against the plan's, the spread and each server's point in time and data loss", () => {
    const records = healthyDrill([2]);
    const [first, second] = records.servers as [(typeof records.servers)[0], (typeof records.servers)[0]];
    records.execution = { ...records.execution, mode: "RECOVERY", rpoSeconds: 300, asOf: at(-7200) };
    records.servers = [
      {
        ...first,
        replication: { state: "DISCONNECTED", lagSeconds: 10_800 },
        recoverySnapshotId: "pit-00000000000000001",
        pointInTime: at(-10_800),
        dataLossSeconds: 10_800,
      },
      {
        ...second,
        replication: { state: "CONTINUOUS", lagSeconds: 2 },
        pointInTime: at(-7200),
        dataLossSeconds: 7200,
      },
    ];
    const html = renderRecoveryReportHtml(
      reportOf(records, { status: "SUCCEEDED", endedAt: lastHealthyAt(records) }, lastHealthyAt(records)),
    );
    const section = text(
      html.slice(html.indexOf('<section id="rpo">'), html.indexOf('<section id="counts">')),
    );
    expect(section).toContain("Recovery point objective");
    expect(section).toMatch(/3h .*of 5m target .*breached by 2h 55m/);
    expect(section).toContain("a spread of 1h between the servers");
    expect(section).toContain("Recovered as of 2026-11-21 08:00:00 UTC");
    expect(section).toContain("DISCONNECTED · lag 3h");
    expect(section).toContain("pit-00000000000000001");
  });
});
