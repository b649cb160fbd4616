/**
 * EventBridge schedule expressions, evaluated in UTC:
 * - `rate(value unit)`: unit minute|minutes|hour|hours|day|days (singular only for 1); the first
 *   run is one period after the rule is created.
 * - `cron(minutes hours day-of-month month day-of-week year)`: `*`, `?`, lists, ranges, steps and
 *   month/day names; exactly one of day-of-month and day-of-week must be `?`; day-of-week 1 = SUN.
 *   Also the special forms: day-of-month `L` (last day), `LW` (last weekday), `15W` (weekday
 *   nearest the 15th, within the month); day-of-week `6L` (last Friday), `2#1` (first Monday).
 */

export type Schedule =
  | { kind: "rate"; periodMs: number }
  | {
      kind: "cron";
      minutes: Set<number>;
      hours: Set<number>;
      daysOfMonth: DayMatcher | "any";
      months: Set<number>;
      daysOfWeek: DayMatcher | "any";
      years: Set<number>;
    };

/** Whether a UTC day (midnight) is one of the field's days. */
type DayMatcher = (day: Date) => boolean;

const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** How far ahead the next run is searched for, so impossible expressions end instead of looping. */
const SEARCH_YEARS = 5;

export function parseScheduleExpression(expression: string): { schedule: Schedule } | { error: string } {
  const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return { error: "rate value must be a positive whole number" };
    if ((value === 1) !== !unit.endsWith("s")) {
      return { error: `use "${value === 1 ? unit.replace(/s$/, "") : `${unit}s`}" with a rate of ${value}` };
    }
    return { schedule: { kind: "rate", periodMs: value * (UNIT_MS[unit.replace(/s$/, "")] as number) } };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseCron((cron[1] as string).trim());
  return {
    error: 'expected "rate(value unit)" or "cron(minutes hours day-of-month month day-of-week year)"',
  };
}

/** The first run strictly after `afterMs` (epoch ms), or undefined when none comes within a few years. */
export function nextRunAfter(schedule: Schedule, afterMs: number): number | undefined {
  if (schedule.kind === "rate") return afterMs + schedule.periodMs;
  const start = new Date(Math.floor(afterMs / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
  const lastYear = start.getUTCFullYear() + SEARCH_YEARS;
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  while (day.getUTCFullYear() <= lastYear) {
    if (dayMatches(schedule, day)) {
      const sameDay =
        day.getTime() === Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
      const fromMinute = sameDay ? start.getUTCHours() * 60 + start.getUTCMinutes() : 0;
      for (let minuteOfDay = fromMinute; minuteOfDay < 24 * 60; minuteOfDay++) {
        if (schedule.hours.has(Math.floor(minuteOfDay / 60)) && schedule.minutes.has(minuteOfDay % 60)) {
          return day.getTime() + minuteOfDay * MINUTE_MS;
        }
      }
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return undefined;
}

function dayMatches(schedule: Extract<Schedule, { kind: "cron" }>, day: Date): boolean {
  if (!schedule.years.has(day.getUTCFullYear()) || !schedule.months.has(day.getUTCMonth() + 1)) return false;
  if (schedule.daysOfMonth !== "any" && !schedule.daysOfMonth(day)) return false;
  if (schedule.daysOfWeek !== "any" && !schedule.daysOfWeek(day)) return false;
  return true;
}

const daysInMonth = (day: Date) =>
  new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
const isWeekday = (dayOfMonth: number, day: Date) => {
  const weekday = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), dayOfMonth)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

/** The weekday nearest `target` in the day's month, never crossing into another month. */
function nearestWeekday(target: number, day: Date): number {
  const last = daysInMonth(day);
  const anchor = Math.min(target, last);
  if (isWeekday(anchor, day)) return anchor;
  for (const candidate of [anchor - 1, anchor + 1, anchor - 2, anchor + 2]) {
    if (candidate >= 1 && candidate <= last && isWeekday(candidate, day)) return candidate;
  }
  return anchor;
}

function parseDaysOfMonth(field: string): DayMatcher {
  if (field === "L") return (day) => day.getUTCDate() === daysInMonth(day);
  if (field === "LW") return (day) => day.getUTCDate() === nearestWeekday(daysInMonth(day), day);
  const nearest = /^(\d{1,2})W$/.exec(field);
  if (nearest) {
    const target = Number(nearest[1]);
    if (target < 1 || target > 31) throw new Error(`day-of-month: "${field}" is not within 1-31`);
    return (day) => day.getUTCDate() === nearestWeekday(target, day);
  }
  const days = parseField(field, 1, 31, "day-of-month");
  return (day) => days.has(day.getUTCDate());
}

function parseDaysOfWeek(field: string): DayMatcher {
  const special = /^([A-Za-z]{3}|[1-7])(?:#([1-5])|(L))$/.exec(field);
  if (special) {
    const weekday =
      (parseField(special[1] as string, 1, 7, "day-of-week", DAYS, 1)
        .values()
        .next().value as number) - 1;
    if (special[3]) return (day) => day.getUTCDay() === weekday && day.getUTCDate() + 7 > daysInMonth(day);
    const nth = Number(special[2]);
    return (day) => day.getUTCDay() === weekday && Math.ceil(day.getUTCDate() / 7) === nth;
  }
  // 0 = Sunday, as Date#getUTCDay counts; the field counts 1 = SUN.
  const days = new Set(
    [...parseField(field === "L" ? "7" : field, 1, 7, "day-of-week", DAYS, 1)].map((v) => v - 1),
  );
  return (day) => days.has(day.getUTCDay());
}

function parseCron(body: string): { schedule: Schedule } | { error: string } {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) return { error: `cron needs 6 fields, got ${fields.length}` };
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) {
    return { error: "exactly one of day-of-month and day-of-week must be '?'" };
  }
  try {
    return {
      schedule: {
        kind: "cron",
        minutes: parseField(minutes, 0, 59, "minutes"),
        hours: parseField(hours, 0, 23, "hours"),
        daysOfMonth: dom === "?" ? "any" : parseDaysOfMonth(dom),
        months: parseField(month, 1, 12, "month", MONTHS, 1),
        daysOfWeek: dow === "?" ? "any" : parseDaysOfWeek(dow),
        years: parseField(year, 1970, 2199, "year"),
      },
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function parseField(
  field: string,
  min: number,
  max: number,
  label: string,
  names?: string[],
  base = 0,
): Set<number> {
  const values = new Set<number>();
  const toNumber = (text: string): number => {
    const named = names?.indexOf(text.toUpperCase()) ?? -1;
    const value = named >= 0 ? named + base : /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(value >= min && value <= max)) throw new Error(`${label}: "${text}" is not within ${min}-${max}`);
    return value;
  };
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`${label}: bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === "*" || range === "?") {
      from = min;
      to = max;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      from = toNumber(a);
      to = toNumber(b);
      if (from > to) throw new Error(`${label}: range "${range}" runs backwards`);
    } else {
      from = toNumber(range);
      to = stepText === undefined ? from : max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}
