/**
 * How the report writes times: wall-clock times in UTC (one zone for everyone reading a drill
 * report), times within the run relative to its start (T+m:ss), durations in words people say.
 */

const UNITS = [
  ["d", 86400],
  ["h", 3600],
  ["m", 60],
  ["s", 1],
] as const;

/** `31m 40s`, `45m`, `2h 5m`: the two largest units, which is as precise as a reader needs. */
export function humanDuration(totalSeconds: number): string {
  let rest = Math.max(0, Math.round(totalSeconds));
  if (rest === 0) return "0s";
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith("0")).join(" ");
}

/** Hook calls take milliseconds to minutes. */
export function shortDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  return humanDuration(milliseconds / 1000);
}

/** `T+4:52`, `T+1:04:52`: seconds since the execution started. */
export function relativeTime(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `T+${h}:${String(m).padStart(2, "0")}:${s}` : `T+${m}:${s}`;
}

/** `2026-11-21 07:26:42 UTC`. */
export function utcDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `07:26:42`, with the date when it is not the day the execution started. */
export function clockTime(iso: string, startedAt: string): string {
  const time = new Date(iso).toISOString();
  const sameDay = time.slice(0, 10) === new Date(startedAt).toISOString().slice(0, 10);
  return sameDay ? time.slice(11, 19) : `${time.slice(0, 10)} ${time.slice(11, 19)}`;
}

export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
