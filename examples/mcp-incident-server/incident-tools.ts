import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Incident, IncidentNotes } from "./incident-notes";

const noteShape = {
  noteId: z.string(),
  text: z.string(),
  author: z.string().optional(),
  at: z.string(),
};

const incidentRef = z
  .string()
  .min(1)
  .max(128)
  .describe("incident ID (INC-0001) or the reference it was opened with; default: the latest incident");

function summary(incident: Incident) {
  return {
    incidentId: incident.incidentId,
    ...(incident.reference !== undefined && { reference: incident.reference }),
    title: incident.title,
    severity: incident.severity,
    openedAt: incident.openedAt,
  };
}

/** Structured results go out twice, as MCP asks: as structuredContent and as a JSON text block. */
function result<T extends Record<string, unknown>>(structuredContent: T) {
  return { content: [{ type: "text" as const, text: JSON.stringify(structuredContent) }], structuredContent };
}

/**
 * The incident-note tools. Unknown incidents and invalid arguments come back as tool errors
 * (`isError`), which the SDK builds from the thrown error's message.
 */
export function registerIncidentTools(server: McpServer, notes: IncidentNotes): void {
  server.registerTool(
    "open_incident",
    {
      title: "Open an incident",
      description:
        "Opens an incident, or returns the open one with the same reference (so a retried call opens one incident).",
      inputSchema: {
        title: z.string().min(1).max(200),
        severity: z.number().int().min(1).max(5).default(3).describe("1 (critical) to 5 (informational)"),
        reference: z
          .string()
          .min(1)
          .max(128)
          .optional()
          .describe("the caller's key, e.g. a recovery execution ID"),
      },
      outputSchema: {
        incidentId: z.string(),
        reference: z.string().optional(),
        title: z.string(),
        severity: z.number(),
        openedAt: z.string(),
        created: z.boolean(),
      },
    },
    async ({ title, severity, reference }) => {
      const opened = notes.open({ title, severity, ...(reference !== undefined && { reference }) });
      return result({ ...summary(opened.incident), created: opened.created });
    },
  );

  server.registerTool(
    "add_note",
    {
      title: "Add a note to an incident",
      description: "Adds a timestamped note to an incident's timeline.",
      inputSchema: {
        text: z.string().min(1).max(2000),
        incident: incidentRef.optional(),
        author: z.string().min(1).max(100).optional(),
      },
      outputSchema: {
        incidentId: z.string(),
        noteId: z.string(),
        noteCount: z.number(),
        at: z.string(),
      },
    },
    async ({ text, incident, author }) => {
      const added = notes.addNote({
        text,
        ...(incident !== undefined && { incident }),
        ...(author !== undefined && { author }),
      });
      return result({
        incidentId: added.incident.incidentId,
        noteId: added.note.noteId,
        noteCount: added.incident.notes.length,
        at: added.note.at,
      });
    },
  );

  server.registerTool(
    "list_notes",
    {
      title: "List an incident's notes",
      description: "Returns an incident with its notes, oldest first.",
      inputSchema: { incident: incidentRef.optional() },
      outputSchema: {
        incidentId: z.string(),
        reference: z.string().optional(),
        title: z.string(),
        severity: z.number(),
        openedAt: z.string(),
        notes: z.array(z.object(noteShape)),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ incident }) => {
      const found = notes.find(incident);
      return result({ ...summary(found), notes: found.notes.map((note) => ({ ...note })) });
    },
  );
}
