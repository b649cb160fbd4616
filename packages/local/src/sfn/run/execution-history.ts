export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Simulated epoch milliseconds. */
  timestampMs: number;
  type: string;
  /** Details member name (`stateEnteredEventDetails`, ...) and value, as GetExecutionHistory returns them. */
  details?: { member: string; value: Record<string, unknown> };
}

/**
 * The history of one execution, in order, with simulated timestamps. Closing it records the
 * terminal event; anything that still reports after that (a cancelled task) is ignored.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  private closed = false;

  constructor(private readonly now: () => number) {}

  get isClosed(): boolean {
    return this.closed;
  }

  record(type: string, member?: string, value?: Record<string, unknown>): void {
    if (this.closed) return;
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: id - 1,
      timestampMs: this.now(),
      type,
      ...(member && value ? { details: { member, value } } : {}),
    });
  }

  close(type: string, member: string, value: Record<string, unknown>): void {
    this.record(type, member, value);
    this.closed = true;
  }
}

/** How history carries a payload: the JSON text, never truncated here (payloads over the limit fail the execution). */
export function inputDetails(value: unknown): { input: string; inputDetails: { truncated: false } } {
  return { input: JSON.stringify(value ?? null), inputDetails: { truncated: false } };
}

export function outputDetails(value: unknown): { output: string; outputDetails: { truncated: false } } {
  return { output: JSON.stringify(value ?? null), outputDetails: { truncated: false } };
}
