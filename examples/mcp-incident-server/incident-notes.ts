/** A note on an incident, as the tools return it. */
export interface IncidentNote {
  noteId: string;
  text: string;
  author?: string;
  at: string;
}

export interface Incident {
  incidentId: string;
  /** The caller's own key for the incident (e.g. a recovery execution ID); opening it again finds it. */
  reference?: string;
  title: string;
  severity: number;
  openedAt: string;
  notes: IncidentNote[];
}

/** Why a note or listing could not find its incident; the tools report it as a tool error. */
export class IncidentNotFoundError extends Error {
  override readonly name = "IncidentNotFoundError";
}

/**
 * The incident book of the example server, in memory: incidents with notes. An incident is found
 * by its ID (`INC-0001`) or by the reference it was opened with; a note without an incident goes to
 * the most recently opened one.
 */
export class IncidentNotes {
  private readonly incidents: Incident[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  open(input: { title: string; severity: number; reference?: string }): {
    incident: Incident;
    created: boolean;
  } {
    const existing = input.reference === undefined ? undefined : this.byReference(input.reference);
    if (existing) return { incident: existing, created: false };
    const incident: Incident = {
      incidentId: `INC-${String(this.incidents.length + 1).padStart(4, "0")}`,
      ...(input.reference !== undefined && { reference: input.reference }),
      title: input.title,
      severity: input.severity,
      openedAt: this.now().toISOString(),
      notes: [],
    };
    this.incidents.push(incident);
    return { incident, created: true };
  }

  addNote(input: { text: string; incident?: string; author?: string }): {
    incident: Incident;
    note: IncidentNote;
  } {
    const incident = this.find(input.incident);
    const note: IncidentNote = {
      noteId: `${incident.incidentId}-N${incident.notes.length + 1}`,
      text: input.text,
      ...(input.author !== undefined && { author: input.author }),
      at: this.now().toISOString(),
    };
    incident.notes.push(note);
    return { incident, note };
  }

  /** The incident an ID or reference names, or the latest one when none is given. */
  find(idOrReference?: string): Incident {
    if (idOrReference === undefined) {
      const latest = this.incidents.at(-1);
      if (!latest) throw new IncidentNotFoundError("no incident is open: open one with open_incident first");
      return latest;
    }
    const incident =
      this.incidents.find((candidate) => candidate.incidentId === idOrReference) ??
      this.byReference(idOrReference);
    if (!incident) {
      throw new IncidentNotFoundError(
        `no incident "${idOrReference}": open it with open_incident (reference "${idOrReference}") first`,
      );
    }
    return incident;
  }

  /** Every incident in the order they were opened. */
  all(): readonly Incident[] {
    return this.incidents;
  }

  private byReference(reference: string): Incident | undefined {
    return this.incidents.find((candidate) => candidate.reference === reference);
  }
}
