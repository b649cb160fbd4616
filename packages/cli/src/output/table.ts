export interface Column {
  header: string;
  align?: "left" | "right";
}

const GAP = "  ";

/** Terminal width of a cell; the few symbols we print (→, ✓, ·) are one column wide each. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: Column["align"]): string {
  const fill = " ".repeat(size - width(text));
  return align === "right" ? fill + text : text + fill;
}

/**
 * Renders rows under their headers with every column as wide as its widest cell, e.g.
 * ```
 * WAVE  GROUP  SERVERS
 * 1     db           3
 * ```
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  indent = "",
): string {
  const widths = columns.map((column, i) =>
    Math.max(width(column.header), ...rows.map((row) => width(row[i] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    indent +
    columns
      .map((column, i) => pad(cells[i] ?? "", widths[i] as number, column.align))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map(line)].join("\n");
}
