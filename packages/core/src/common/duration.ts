const SHORT = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses `45m`, `2h`, `30s`, `1d`, their combinations as formatDuration writes them (`2h30m`) or
 * an ISO-8601 duration (`PT45M`, `P1DT2H`, `PT2.5S`) into seconds; returns undefined when the
 * text is neither.
 */
export function parseDuration(text: string): number | undefined {
  const short = SHORT.exec(text);
  if (short && text !== "") {
    const [, d, h, m, s] = short;
    return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  }
  const iso = ISO.exec(text);
  if (!iso || text === "P" || text.endsWith("T")) return undefined;
  const [, d, h, m, s] = iso;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
}

/** Renders seconds the way people write them: `45m`, `2h30m`, `1d`, `90s` → `1m30s`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.round(totalSeconds);
  if (seconds === 0) return "0s";
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join("");
}
