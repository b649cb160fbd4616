import type { TerminalStyle } from "./terminal-style";

/** A wave's servers by where they are, as a status counts them. */
export interface ServerCounts {
  servers: number;
  pending: number;
  launching: number;
  launched: number;
  healthy: number;
  failed: number;
}

/** The segments of a bar, in the order they fill it: done first, not started last. */
const SEGMENTS = [
  { key: "healthy", glyph: "█", label: "healthy" },
  { key: "launched", glyph: "▓", label: "launched" },
  { key: "launching", glyph: "▒", label: "launching" },
  { key: "failed", glyph: "✗", label: "failed" },
] as const;
const PENDING_GLYPH = "░";

/**
 * A bar `width` cells wide with one segment per state, each as long as its share of the servers,
 * e.g. `████████▓▓▒░` for 8 healthy, 2 launched, 1 launching and 1 pending of 12. Glyphs differ per
 * state so the bar reads without colour; with colour each segment also has its state's colour.
 * Cells go by cumulative share, so the segments always add up to the width.
 */
export function progressBar(counts: ServerCounts, width: number, style: TerminalStyle): string {
  if (counts.servers <= 0) return style.dim(PENDING_GLYPH.repeat(width));
  let done = 0;
  let drawn = 0;
  let bar = "";
  for (const segment of SEGMENTS) {
    done += Math.max(0, counts[segment.key]);
    const end = Math.min(width, Math.round((done / counts.servers) * width));
    bar += style[segment.key](segment.glyph.repeat(Math.max(0, end - drawn)));
    drawn = Math.max(drawn, end);
  }
  return bar + style.dim(PENDING_GLYPH.repeat(width - drawn));
}

/** What each glyph of a bar means, e.g. `█ healthy  ▓ launched  ▒ launching  ✗ failed  ░ pending`. */
export function barLegend(style: TerminalStyle): string {
  return [
    ...SEGMENTS.map((segment) => `${style[segment.key](segment.glyph)} ${segment.label}`),
    `${style.dim(PENDING_GLYPH)} pending`,
  ].join("  ");
}
