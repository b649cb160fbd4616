import {
  formatDuration,
  type Group,
  type Plan,
  planWaves,
  type RecoveryLayout,
  type ServerLayout,
} from "@drs-orchestrator/core";
import { renderTable } from "./table";

const NONE = "-";

function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}

function listShort(items: readonly string[], shown = 3): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head} +${items.length - shown} more` : head;
}

function describeApproval(approval: Group["approval"]): string {
  if (!approval) return NONE;
  if (approval === true) return "yes";
  const parts = [
    approval.timeout !== undefined && `timeout ${formatDuration(approval.timeout)}`,
    approval.approvers && `by ${approval.approvers.join(", ")}`,
  ].filter(Boolean);
  return parts.length > 0 ? `yes (${parts.join(", ")})` : "yes";
}

function describeSelection(group: Group): string {
  const { tags, sourceServerIds } = group.select;
  const parts: string[] = [];
  if (tags)
    parts.push(
      `tags ${Object.entries(tags)
        .map(([key, value]) => `${key}=${value}`)
        .join(", ")}`,
    );
  if (sourceServerIds)
    parts.push(`${count(sourceServerIds.length, "server")}: ${listShort(sourceServerIds)}`);
  return parts.join("; ");
}

function heading(plan: Plan): string {
  const title = `Plan ${plan.id} — ${plan.name}`;
  const failure = plan.failure;
  const rules = [
    `RTO ${formatDuration(plan.rto)}`,
    `RPO ${formatDuration(plan.rpo)}`,
    `failure: up to ${failure.maxFailedPercent}% of a wave may fail, ${count(failure.retries, "retry", "retries")}, not-ready servers → ${failure.notReady}`,
  ];
  return `${title}\n${rules.join(" · ")}`;
}

/** The plan on its own: waves, groups and what each group selects. */
export function renderPlanOverview(plan: Plan): string {
  const groups = new Map(plan.groups.map((group) => [group.id, group]));
  const rows = planWaves(plan).flatMap((wave) =>
    wave.groupIds.map((groupId) => {
      const group = groups.get(groupId) as Group;
      return [
        String(wave.index),
        group.id,
        group.dependsOn?.join(", ") || NONE,
        group.critical ? "yes" : "no",
        describeApproval(group.approval),
        String(Object.keys(group.servers ?? {}).length || NONE),
        describeSelection(group),
      ];
    }),
  );
  const table = renderTable(
    [
      { header: "WAVE", align: "right" },
      { header: "GROUP" },
      { header: "DEPENDS ON" },
      { header: "CRITICAL" },
      { header: "APPROVAL" },
      { header: "OVERRIDES", align: "right" },
      { header: "SELECTION" },
    ],
    rows,
  );
  return `${heading(plan)}\n\n${table}\n\nAdd --fleet <fleet.json> to see each wave's servers, launch batches, launch settings and readiness.`;
}

function describeReadiness(server: ServerLayout): string {
  const { readiness } = server;
  if (!readiness.ready) return `NOT READY: ${readiness.code}`;
  return readiness.lagSeconds === undefined ? "ready" : `ready, lag ${formatDuration(readiness.lagSeconds)}`;
}

function serverRow(server: ServerLayout, groupId: string, batchOf: ReadonlyMap<string, string>): string[] {
  const { settings } = server;
  return [
    server.sourceServerId,
    server.hostname ?? NONE,
    groupId,
    batchOf.get(server.sourceServerId) ?? "left out",
    settings.instanceType ?? NONE,
    settings.rightSizing ?? NONE,
    settings.subnetId ?? NONE,
    settings.securityGroupIds?.join(",") ?? NONE,
    settings.privateIp ?? NONE,
    describeReadiness(server),
  ];
}

const SERVER_COLUMNS = [
  { header: "SERVER" },
  { header: "HOSTNAME" },
  { header: "GROUP" },
  { header: "BATCH" },
  { header: "INSTANCE TYPE" },
  { header: "RIGHT-SIZING" },
  { header: "SUBNET" },
  { header: "SECURITY GROUPS" },
  { header: "PRIVATE IP" },
  { header: "READINESS" },
];

/** The plan laid out over a fleet: per wave its batches and each server's launch settings and readiness. */
export function renderRecoveryLayout(plan: Plan, layout: RecoveryLayout): string {
  const servers = layout.waves.flatMap((wave) => wave.groups.flatMap((group) => group.servers));
  const batches = layout.waves.flatMap((wave) => wave.batches);
  const summary = [
    count(layout.waves.length, "wave"),
    count(plan.groups.length, "group"),
    count(servers.length, "server"),
    count(batches.length, "launch batch", "launch batches"),
    `${servers.length - layout.notReady.length} ready`,
    `${layout.notReady.length} not ready`,
  ].join(" · ");
  const sections = [`${heading(plan)}\n${summary}`];

  for (const wave of layout.waves) {
    const groupOf = new Map<string, string>();
    for (const group of wave.groups)
      for (const server of group.servers) groupOf.set(server.sourceServerId, group.id);
    const batchOf = new Map<string, string>();
    for (const batch of wave.batches) for (const id of batch.sourceServerIds) batchOf.set(id, batch.id);

    const groupNames = wave.groups.map((group) => (group.critical ? `${group.id} (critical)` : group.id));
    const approvals = wave.groups.filter((group) => group.approval).map((group) => group.id);
    const waveServers = wave.groups.flatMap((group) => group.servers);
    const title = [
      `Wave ${wave.index}`,
      `${wave.groups.length === 1 ? "group" : "groups"} ${groupNames.join(", ")}`,
      ...(approvals.length > 0 ? [`approval before launch (${approvals.join(", ")})`] : []),
      `${count(waveServers.length, "server")} in ${count(wave.batches.length, "batch", "batches")}`,
    ].join(" · ");

    const batchTable = renderTable(
      [{ header: "BATCH" }, { header: "SERVERS", align: "right" }, { header: "GROUPS" }],
      wave.batches.map((batch) => [
        batch.id,
        String(batch.sourceServerIds.length),
        [...new Set(batch.sourceServerIds.map((id) => groupOf.get(id) ?? NONE))].join(", "),
      ]),
      "  ",
    );
    const serverTable = renderTable(
      SERVER_COLUMNS,
      wave.groups.flatMap((group) => group.servers.map((server) => serverRow(server, group.id, batchOf))),
      "  ",
    );
    sections.push(`${title}\n${wave.batches.length > 0 ? `${batchTable}\n\n` : ""}${serverTable}`);
  }

  if (layout.notReady.length > 0) {
    const hostnames = new Map(servers.map((server) => [server.sourceServerId, server.hostname ?? NONE]));
    const rows = layout.notReady.map((readiness) => [
      readiness.sourceServerId,
      hostnames.get(readiness.sourceServerId) ?? NONE,
      readiness.code,
      readiness.reason,
    ]);
    const columns = [{ header: "SERVER" }, { header: "HOSTNAME" }, { header: "CODE" }, { header: "REASON" }];
    sections.push(`Not ready (${layout.notReady.length})\n${renderTable(columns, rows, "  ")}`);
  }
  if (layout.warnings.length > 0) {
    sections.push(
      `Warnings (${layout.warnings.length})\n${layout.warnings.map((warning) => `  - ${warning}`).join("\n")}`,
    );
  }
  sections.push(`${NONE} in a launch setting: the server's DRS launch template keeps its current value.`);
  return sections.join("\n\n");
}
