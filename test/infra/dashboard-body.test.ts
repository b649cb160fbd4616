import { type DashboardBody, dashboardBody, FUNCTIONS } from "@drs-orchestrator/app";
import { describe, expect, it } from "vitest";
import { RECOVERY_ARN } from "./fixtures";

const input = {
  region: "us-west-2",
  stage: "test",
  recoveryStateMachineArn: RECOVERY_ARN,
  functions: FUNCTIONS.map((spec) => ({
    label: spec.name,
    functionName: `drs-orchestrator-test-${spec.name}`,
  })),
  plans: [{ planId: "shop", rtoSeconds: 2700, rpoSeconds: 300 }],
  planHealthMinutes: 30,
};

/** The structural rules CloudWatch's PutDashboard applies to a body, as far as they can be checked offline. */
function dashboardProblems(body: DashboardBody): string[] {
  const problems: string[] = [];
  const cells = new Set<string>();
  body.widgets.forEach((widget, i) => {
    const at = `widgets[${i}]`;
    if (!["metric", "text"].includes(widget.type)) problems.push(`${at}: unknown type ${widget.type}`);
    for (const key of ["x", "y", "width", "height"] as const) {
      if (!Number.isInteger(widget[key]) || widget[key] < 0)
        problems.push(`${at}.${key}: not a whole number ≥ 0`);
    }
    if (widget.width < 1 || widget.x + widget.width > 24) problems.push(`${at}: outside the 24-column grid`);
    if (widget.height < 1 || widget.height > 1000) problems.push(`${at}: height out of range`);
    for (let x = widget.x; x < widget.x + widget.width; x++) {
      for (let y = widget.y; y < widget.y + widget.height; y++) {
        if (cells.has(`${x},${y}`)) problems.push(`${at}: overlaps another widget at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
    }
    if (widget.type === "text" && typeof widget.properties.markdown !== "string")
      problems.push(`${at}: no markdown`);
    if (widget.type !== "metric") return;
    const { metrics, region, title } = widget.properties as {
      metrics?: unknown;
      region?: unknown;
      title?: unknown;
    };
    if (typeof region !== "string" || typeof title !== "string")
      problems.push(`${at}: region and title required`);
    if (!Array.isArray(metrics) || metrics.length === 0) {
      problems.push(`${at}: metrics must be a non-empty array`);
      return;
    }
    metrics.forEach((entry: unknown, j) => {
      const where = `${at}.metrics[${j}]`;
      if (!Array.isArray(entry) || entry.length === 0) {
        problems.push(`${where}: not an array`);
        return;
      }
      const last = entry.at(-1);
      const options =
        typeof last === "object" && last !== null ? (last as Record<string, unknown>) : undefined;
      const names = options ? entry.slice(0, -1) : entry;
      if (names.some((part) => typeof part !== "string")) {
        problems.push(`${where}: only the last item may be an object`);
        return;
      }
      if (names.length === 0) {
        if (typeof options?.expression !== "string" || typeof options.id !== "string") {
          problems.push(`${where}: an expression entry needs expression and id`);
        }
      } else if (names.length < 2 || names.length % 2 !== 0) {
        problems.push(`${where}: expected namespace, metric name, then dimension name/value pairs`);
      }
    });
  });
  return problems;
}

describe("dashboard body", () => {
  it("is valid CloudWatch dashboard JSON", () => {
    const body = JSON.parse(JSON.stringify(dashboardBody(input))) as DashboardBody;
    expect(dashboardProblems(body)).toEqual([]);
  });

  it("catches a malformed body (the check can fail)", () => {
    const body = dashboardBody(input);
    const broken: DashboardBody = {
      widgets: [
        { ...(body.widgets[1] as DashboardBody["widgets"][number]), x: 20, width: 12 },
        {
          type: "metric",
          x: 0,
          y: 40,
          width: 6,
          height: 6,
          properties: { title: "t", region: "r", metrics: [["AWS/Lambda"]] },
        },
      ],
    };
    expect(dashboardProblems(broken)).toEqual([
      "widgets[0]: outside the 24-column grid",
      "widgets[1].metrics[0]: expected namespace, metric name, then dimension name/value pairs",
    ]);
  });

  it("shows every panel the stage is watched by", () => {
    const titles = dashboardBody({ ...input, mcpFunctionName: "drs-orchestrator-test-mcp" }).widgets.map(
      (widget) => widget.properties.title,
    );
    expect(titles).toEqual([
      undefined,
      "Recoveries",
      "RTO achieved (s) vs target",
      "RPO achieved (s) vs target",
      "Wave durations (s)",
      "Servers launched / failed",
      "Lambda invocations",
      "Lambda errors",
      "Lambda duration p95 (ms)",
      "Lambda concurrency",
      "DRS replication lag (s) vs RPO",
      "Plans ready (1) or blocked (0)",
      "Plan blockers and warnings",
      "MCP requests",
    ]);
  });

  it("charts every function and draws each plan's RTO as its target", () => {
    const body = dashboardBody(input);
    const invocations = body.widgets.find((widget) => widget.properties.title === "Lambda invocations");
    expect(invocations?.properties.metrics).toHaveLength(FUNCTIONS.length);
    const rto = body.widgets.find((widget) => widget.properties.title === "RTO achieved (s) vs target");
    expect(rto?.properties.annotations).toEqual({ horizontal: [{ label: "shop RTO", value: 2700 }] });
    expect(JSON.stringify(rto?.properties.metrics)).toContain(
      "SEARCH('{DrsOrchestrator,Mode,PlanId,service} MetricName=\\\"RecoveryDuration\\\"'",
    );
  });

  it("charts the RPO achieved (finalize's RpoAchievedSeconds) against each plan's RPO", () => {
    const rpo = dashboardBody(input).widgets.find(
      (widget) => widget.properties.title === "RPO achieved (s) vs target",
    );
    expect(rpo?.properties.annotations).toEqual({
      horizontal: [{ label: "shop RPO", value: 300 }],
    });
    expect(JSON.stringify(rpo?.properties.metrics)).toContain(
      "SEARCH('{DrsOrchestrator,Mode,PlanId,service} MetricName=\\\"RpoAchievedSeconds\\\"'",
    );
  });

  it("charts each stored plan's health as evaluate-plans publishes it, per scheduled period", () => {
    const widgets = dashboardBody({ ...input, planHealthMinutes: 15 }).widgets;
    const ready = widgets.find((widget) => widget.properties.title === "Plans ready (1) or blocked (0)");
    expect(ready?.properties).toMatchObject({ period: 900, yAxis: { left: { min: 0, max: 1 } } });
    expect(ready?.properties.metrics).toEqual([
      [
        {
          expression: `SEARCH('{DrsOrchestrator,PlanId,service} MetricName="PlanReady"', 'Minimum', 900)`,
          id: "ready",
          label: "",
        },
      ],
    ]);
    const counts = widgets.find((widget) => widget.properties.title === "Plan blockers and warnings");
    expect(JSON.stringify(counts?.properties.metrics)).toContain('MetricName=\\"PlanBlockers\\"');
    expect(JSON.stringify(counts?.properties.metrics)).toContain('MetricName=\\"PlanWarnings\\"');
  });
});
