import type { GanttMarker, GanttModel, GanttRow, GanttSegment } from "./gantt-rows";
import { type Html, html } from "./html-template";
import { humanDuration, relativeTime } from "./report-format";

/**
 * The timeline as inline SVG. Its width is a viewBox the page scales; colours come from the
 * stylesheet's g-* classes so the legend, the dark scheme and print share them.
 */

const WIDTH = 1000;
const PLOT_LEFT = 210;
const PLOT_RIGHT = 975;
const TICK_LABEL_Y = 14;
const LINE_LABEL_Y = 30;
const PLOT_TOP = 38;
const BOTTOM = 8;
const NOW_LABEL_ROOM = 14;

const ROW_HEIGHT: Record<GanttRow["kind"], number> = { execution: 24, wave: 28, server: 19, more: 22 };
const BAR_HEIGHT: Record<GanttRow["kind"], number> = { execution: 6, wave: 13, server: 8, more: 8 };
/** Space above each wave, so waves read as blocks. */
const WAVE_GAP = 6;
const LABEL_CHARS: Record<GanttRow["kind"], number> = { execution: 28, wave: 27, server: 26, more: 26 };
/** Approximate width of a character of the 11px note text, to keep notes inside the plot. */
const NOTE_CHAR_WIDTH = 5.8;

/** Tick spacings a reader counts in: seconds, minutes, hours. */
const TICK_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];
const MAX_TICKS = 9;

export function tickStep(span: number): number {
  return TICK_STEPS.find((step) => span / step <= MAX_TICKS) ?? Math.ceil(span / MAX_TICKS / 86400) * 86400;
}

function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderGanttSvg(model: GanttModel): Html {
  const x = (seconds: number) => round(PLOT_LEFT + (seconds / model.span) * (PLOT_RIGHT - PLOT_LEFT));

  let y = PLOT_TOP;
  const placed = model.rows.map((row) => {
    if (row.kind === "wave") y += WAVE_GAP;
    const top = y;
    y += ROW_HEIGHT[row.kind];
    return { row, top };
  });
  const plotBottom = y;
  // The report time's label goes under the chart, where it cannot collide with the target's above.
  const height = plotBottom + BOTTOM + (model.now === undefined ? 0 : NOW_LABEL_ROOM);

  const step = tickStep(model.span);
  const ticks: number[] = [];
  for (let at = 0; at <= model.span + 1e-9; at += step) ticks.push(at);

  const grid = ticks.map((at) => {
    const anchor = x(at) > PLOT_RIGHT - 24 ? "end" : "middle";
    return html`<line class="g-grid" x1="${x(at)}" x2="${x(at)}" y1="${PLOT_TOP - 4}" y2="${plotBottom}"/><text class="g-tick" x="${x(at)}" y="${TICK_LABEL_Y}" text-anchor="${anchor}">${relativeTime(at)}</text>`;
  });

  const lines: Html[] = [];
  if (model.rtoTarget <= model.span) {
    lines.push(
      verticalLine("g-rto", x(model.rtoTarget), `RTO target ${humanDuration(model.rtoTarget)}`, [
        LINE_LABEL_Y + 3,
        plotBottom,
        LINE_LABEL_Y,
      ]),
    );
  }
  if (model.now !== undefined) {
    lines.push(
      verticalLine("g-now", x(model.now), "report time", [PLOT_TOP - 4, plotBottom + 3, plotBottom + 15]),
    );
  }

  const rows = placed.map(({ row, top }) => renderRow(row, top, x));

  return html`<svg class="gantt" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Timeline of the execution, its waves and servers" xmlns="http://www.w3.org/2000/svg">
<defs><pattern id="g-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="g-approval-bg" width="6" height="6"/><line class="g-approval-line" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>
<line class="g-axis" x1="${PLOT_LEFT}" x2="${PLOT_RIGHT}" y1="${PLOT_TOP - 4}" y2="${PLOT_TOP - 4}"/>
${grid}
${rows}
${lines}
</svg>`;
}

/** A line across the rows, `[from, to, label]` in y. */
function verticalLine(kind: string, at: number, label: string, [from, to, labelY]: number[]): Html {
  const anchor = at > PLOT_RIGHT - 60 ? "end" : at < PLOT_LEFT + 60 ? "start" : "middle";
  return html`<line class="${kind}" x1="${at}" x2="${at}" y1="${from}" y2="${to}"/><text class="${kind}-label" x="${at}" y="${labelY}" text-anchor="${anchor}">${label}</text>`;
}

function renderRow(row: GanttRow, top: number, x: (seconds: number) => number): Html {
  const height = ROW_HEIGHT[row.kind];
  const middle = top + height / 2;
  const bar = BAR_HEIGHT[row.kind];
  const band =
    row.kind === "wave" || row.kind === "execution"
      ? html`<rect class="g-band" x="0" y="${top}" width="${WIDTH}" height="${height}"/>`
      : "";
  const indent = row.kind === "server" || row.kind === "more" ? 24 : 10;
  const label = html`<text class="g-label g-label-${row.kind}" x="${indent}" y="${middle + 4}">${truncate(row.label, LABEL_CHARS[row.kind])}</text>`;
  const segments = row.segments.map((segment) => renderSegment(segment, middle, bar, x));
  const markers = row.markers.map((marker) => renderMarker(marker, x(marker.at), middle, row.kind));
  return html`<g class="g-row"><title>${row.title}</title>${band}${label}${segments}${markers}${renderNote(row, middle, x)}</g>
`;
}

function renderSegment(segment: GanttSegment, middle: number, bar: number, x: (s: number) => number): Html {
  const from = x(segment.from);
  const width = Math.max(2, round(x(segment.to) - from));
  const height = segment.kind === "earlier" ? bar - 2 : bar;
  const unfinished = segment.unfinished ? " g-unfinished" : "";
  const arrow = segment.unfinished
    ? html`<path class="g-arrow g-${segment.kind}" d="M${round(from + width)} ${middle - height / 2 - 1} l5 ${height / 2 + 1} l-5 ${height / 2 + 1} z"/>`
    : "";
  return html`<rect class="g-${segment.kind}${unfinished}" x="${from}" y="${round(middle - height / 2)}" width="${width}" height="${height}" rx="1.5"><title>${segment.title}</title></rect>${arrow}`;
}

function renderMarker(marker: GanttMarker, at: number, middle: number, kind: GanttRow["kind"]): Html {
  const title = html`<title>${marker.title}</title>`;
  switch (marker.kind) {
    case "healthy":
      return html`<circle class="g-healthy" cx="${at}" cy="${middle}" r="${kind === "wave" ? 4.5 : 3.5}">${title}</circle>`;
    case "failed": {
      const s = kind === "wave" ? 5 : 4;
      return html`<path class="g-failed" d="M${at - s} ${middle - s} L${at + s} ${middle + s} M${at - s} ${middle + s} L${at + s} ${middle - s}">${title}</path>`;
    }
    default: {
      // A hook sits above a wave's bar, where it does not hide the wave's healthy marker.
      const cy = kind === "wave" ? middle - 9 : middle;
      const s = 4;
      return html`<path class="g-${marker.kind}" d="M${at} ${cy - s} L${at + s} ${cy} L${at} ${cy + s} L${at - s} ${cy} Z">${title}</path>`;
    }
  }
}

function renderNote(row: GanttRow, middle: number, x: (s: number) => number): Html | "" {
  if (row.note === undefined) return "";
  const width = row.note.length * NOTE_CHAR_WIDTH;
  // Past the bar and past the markers at its end (healthy dot, failure cross, a hook after the wave).
  const ends = [...row.segments.map((s) => x(s.to)), ...row.markers.map((m) => x(m.at))];
  const starts = row.segments.map((s) => x(s.from));
  const end = ends.length === 0 ? PLOT_LEFT : Math.max(...ends) + 12;
  const start = starts.length === 0 ? PLOT_LEFT : Math.min(...starts) - 8;
  const [at, anchor] =
    end + width <= PLOT_RIGHT || start - width < PLOT_LEFT
      ? [Math.min(end, PLOT_RIGHT), "start"]
      : [start, "end"];
  return html`<text class="g-note g-note-${row.kind}" x="${at}" y="${middle + 4}" text-anchor="${anchor}">${row.note}</text>`;
}
