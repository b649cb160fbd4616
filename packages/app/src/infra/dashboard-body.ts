import {
  PLAN_HEALTH_METRIC_DIMENSIONS,
  RECOVERY_METRIC_DIMENSIONS,
  RECOVERY_METRICS_NAMESPACE,
} from "./alarm-specs";

export interface DashboardInput {
  region: string;
  stage: string;
  recoveryStateMachineArn: string;
  /** Deployed functions: FunctionSpec name (the label) and physical name. */
  functions: readonly { label: string; functionName: string }[];
  /** The MCP endpoint's function, once deployed. */
  mcpFunctionName?: string;
  /** Monitored plans: their RTO and RPO are drawn as target lines. */
  plans: readonly { planId: string; rtoSeconds: number; rpoSeconds: number }[];
  /** Minutes between the evaluations of every stored plan: the plan health widgets' period. */
  planHealthMinutes: number;
}

/** A metrics array entry: [namespace, name, dim, value, …, options?] or [{ expression, id, label }]. */
type MetricEntry = (string | Record<string, unknown>)[];

export interface DashboardWidget {
  type: "metric" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface DashboardBody {
  widgets: DashboardWidget[];
}

const GRID_COLUMNS = 24;
const HALF = GRID_COLUMNS / 2;
const HEIGHT = 6;
const PERIOD = 300;

const recoverySchema = (...extra: string[]) =>
  `{${[RECOVERY_METRICS_NAMESPACE, ...[...RECOVERY_METRIC_DIMENSIONS, ...extra].sort()].join(",")}}`;

/** A SEARCH over the recovery metrics finalize publishes (one series per plan and mode). */
function recoverySearch(
  metricName: string,
  stat: string,
  id: string,
  extraDimensions: string[] = [],
): MetricEntry {
  return [
    {
      expression: `SEARCH('${recoverySchema(...extraDimensions)} MetricName="${metricName}"', '${stat}', ${PERIOD})`,
      id,
      label: "",
    },
  ];
}

/** A SEARCH over the plan health metrics evaluate-plans publishes (one series per plan). */
function planHealthSearch(metricName: string, stat: string, id: string, period: number): MetricEntry {
  const schema = `{${[RECOVERY_METRICS_NAMESPACE, ...[...PLAN_HEALTH_METRIC_DIMENSIONS].sort()].join(",")}}`;
  return [
    { expression: `SEARCH('${schema} MetricName="${metricName}"', '${stat}', ${period})`, id, label: "" },
  ];
}

/**
 * The stage's CloudWatch dashboard: recoveries started / succeeded / failed, RTO achieved against
 * the plans' targets, RPO achieved (largest data-loss window) against the plans' RPO, wave durations, servers launched / failed, the functions' invocations,
 * errors, duration and concurrency, DRS replication lag against the plans' RPO, each stored plan's
 * health (ready or not, blockers and warnings, per scheduled evaluation), and MCP requests.
 * Widgets are laid out two to a row on the 24-column grid.
 */
export function dashboardBody(input: DashboardInput): DashboardBody {
  const metricWidget = (
    title: string,
    metrics: MetricEntry[],
    options: Record<string, unknown> = {},
  ): Omit<DashboardWidget, "x" | "y" | "width" | "height"> => ({
    type: "metric",
    properties: {
      title,
      region: input.region,
      view: "timeSeries",
      stacked: false,
      period: PERIOD,
      metrics,
      ...options,
    },
  });
  const lambda = (metricName: string, stat: string): MetricEntry[] =>
    input.functions.map((fn) => [
      "AWS/Lambda",
      metricName,
      "FunctionName",
      fn.functionName,
      { stat, label: fn.label },
    ]);
  const states = (metricName: string, label: string): MetricEntry => [
    "AWS/States",
    metricName,
    "StateMachineArn",
    input.recoveryStateMachineArn,
    { stat: "Sum", label },
  ];
  const targets = (key: "rtoSeconds" | "rpoSeconds", what: string) => ({
    annotations: {
      horizontal: input.plans.map((plan) => ({ label: `${plan.planId} ${what}`, value: plan[key] })),
    },
  });

  const panels = [
    metricWidget("Recoveries", [
      states("ExecutionsStarted", "started"),
      states("ExecutionsSucceeded", "succeeded"),
      states("ExecutionsFailed", "failed"),
      states("ExecutionsTimedOut", "timed out"),
      states("ExecutionsAborted", "aborted"),
    ]),
    metricWidget(
      "RTO achieved (s) vs target",
      [recoverySearch("RecoveryDuration", "Maximum", "rto")],
      targets("rtoSeconds", "RTO"),
    ),
    metricWidget(
      "RPO achieved (s) vs target",
      [recoverySearch("RpoAchievedSeconds", "Maximum", "rpo")],
      targets("rpoSeconds", "RPO"),
    ),
    metricWidget("Wave durations (s)", [recoverySearch("WaveDuration", "Maximum", "waves", ["Wave"])]),
    metricWidget("Servers launched / failed", [
      recoverySearch("ServersLaunched", "Sum", "launched"),
      recoverySearch("ServersFailed", "Sum", "failed"),
    ]),
    metricWidget("Lambda invocations", lambda("Invocations", "Sum")),
    metricWidget("Lambda errors", lambda("Errors", "Sum")),
    metricWidget("Lambda duration p95 (ms)", lambda("Duration", "p95")),
    metricWidget("Lambda concurrency", lambda("ConcurrentExecutions", "Maximum")),
    metricWidget(
      "DRS replication lag (s) vs RPO",
      [
        [
          {
            expression: `SEARCH('{AWS/DRS,SourceServerID} MetricName="LagDuration"', 'Maximum', ${PERIOD})`,
            id: "lag",
            label: "",
          },
        ],
      ],
      targets("rpoSeconds", "RPO"),
    ),
    metricWidget(
      "Plans ready (1) or blocked (0)",
      [planHealthSearch("PlanReady", "Minimum", "ready", input.planHealthMinutes * 60)],
      { period: input.planHealthMinutes * 60, yAxis: { left: { min: 0, max: 1 } } },
    ),
    metricWidget(
      "Plan blockers and warnings",
      [
        planHealthSearch("PlanBlockers", "Maximum", "blockers", input.planHealthMinutes * 60),
        planHealthSearch("PlanWarnings", "Maximum", "warnings", input.planHealthMinutes * 60),
      ],
      { period: input.planHealthMinutes * 60 },
    ),
    ...(input.mcpFunctionName
      ? [
          metricWidget("MCP requests", [
            [
              "AWS/Lambda",
              "Invocations",
              "FunctionName",
              input.mcpFunctionName,
              { stat: "Sum", label: "requests" },
            ],
            ["AWS/Lambda", "Errors", "FunctionName", input.mcpFunctionName, { stat: "Sum", label: "errors" }],
          ]),
        ]
      : []),
  ];

  const header: DashboardWidget = {
    type: "text",
    x: 0,
    y: 0,
    width: GRID_COLUMNS,
    height: 2,
    properties: {
      markdown: `# DRS Orchestrator — ${input.stage}\nRecoveries, their RTO, the functions that run them and DRS replication in ${input.region}.`,
    },
  };
  const laidOut = panels.map(
    (panel, i): DashboardWidget => ({
      ...panel,
      x: (i % 2) * HALF,
      y: header.height + Math.floor(i / 2) * HEIGHT,
      width: HALF,
      height: HEIGHT,
    }),
  );
  return { widgets: [header, ...laidOut] };
}
