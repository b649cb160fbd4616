import { type Html, type HtmlValue, html } from "./html-template";

/** What a status means to the reader, which is what its colour says. */
export type Tone = "ok" | "bad" | "warn" | "info" | "idle";

const TONES: Record<string, Tone> = {
  SUCCEEDED: "ok",
  COMPLETED: "ok",
  HEALTHY: "ok",
  APPROVED: "ok",
  FAILED: "bad",
  UNHEALTHY: "bad",
  REJECTED: "bad",
  ABORTED: "warn",
  EXPIRED: "warn",
  HOLDING: "info",
  RUNNING: "info",
  LAUNCHING: "info",
  LAUNCHED: "info",
  CHECKING_HEALTH: "info",
  PENDING: "idle",
  READY: "ok",
  DRILL_BLOCKED: "warn",
  RECOVERY_BLOCKED: "bad",
};

export function toneOf(status: string): Tone {
  return TONES[status] ?? "idle";
}

export function chip(status: string): Html {
  return html`<span class="chip tone-${toneOf(status)}">${status}</span>`;
}

/** An absent value, shown so that an empty cell reads as "nothing recorded". */
export const NONE = html`<span class="none">—</span>`;

export function orNone(value: HtmlValue): HtmlValue {
  return value === undefined || value === "" ? NONE : value;
}

export function section(id: string, title: string, aside: HtmlValue, body: HtmlValue): Html {
  const note = aside ? html` <span class="aside">${aside}</span>` : "";
  return html`<section id="${id}"><h2>${title}${note}</h2>${body}</section>
`;
}

export interface Column<T> {
  header: string;
  /**
   * Numbers align right; nowrap keeps IDs and times on one line; label wraps between words (names,
   * targets); text is prose that may wrap anywhere (reasons, errors, comments of any length).
   */
  cell: "num" | "nowrap" | "label" | "text" | "plain";
  value: (row: T) => HtmlValue;
}

export function dataTable<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  rowClass?: (row: T) => string,
): Html {
  const head = columns.map(
    (column) => html`<th${column.cell === "num" ? html` class="num"` : ""}>${column.header}</th>`,
  );
  const body = rows.map((row) => {
    const cells = columns.map((column) =>
      column.cell === "plain"
        ? html`<td>${column.value(row)}</td>`
        : html`<td class="${column.cell}">${column.value(row)}</td>`,
    );
    const classes = rowClass?.(row);
    return html`<tr${classes ? html` class="${classes}"` : ""}>${cells}</tr>
`;
  });
  return html`<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>
${body}</tbody></table></div>`;
}
