/** An incident as the example incident MCP server keeps it, with its notes in the order written. */
export interface IncidentEntry {
  incidentId: string;
  title: string;
  severity: number;
  notes: readonly { text: string }[];
}

/**
 * The incidents and notes a drill's hooks wrote, e.g.
 * ```
 * INC-0001 DRILL of Three-tier web shop (shop-drill-…), severity 3
 *   1. wave 1/3 (db) recovered: 3 of 3 servers healthy
 * ```
 */
export function renderIncidentTimeline(incidents: readonly IncidentEntry[]): string {
  return incidents
    .flatMap((incident) => [
      `${incident.incidentId} ${incident.title}, severity ${incident.severity}`,
      ...incident.notes.map((note, i) => `  ${i + 1}. ${note.text}`),
    ])
    .join("\n");
}
