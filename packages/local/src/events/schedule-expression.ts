/**
 * EventBridge schedule expressions, evaluated in UTC:
 * - `rate(value unit)`: unit minute|minutes|hour|hours|day|days (singular only for 1); the first
 *   run is one period after the rule is created.
 * - `cron(minutes hours day-of-month month day-of-week year)`: `*`, `?`, lists, ranges, steps and
 *   month/day names; exactly one of day-of-month and day-of-week must be `?`; day-of-week 1 = SUN.
 *   The `L`, `W` and `#` forms are refused as not supported by the local runtime.
 */

export type Schedule =
  | { kind: "rate"; periodMs: number }
  | {
      kind: "cron";
      minutes: Set<number>;
      hours: Set<number>;
      daysOfMonth: Set<number> | "any";
      months: Set<number>;
      /** 0 = Sunday, as Date#getUTCDay counts. */
      daysOfWeek: Set<number> | "any";
      years: Set<number>;
    };

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
  if (schedule.daysOfMonth !== "any" && !schedule.daysOfMonth.has(day.getUTCDate())) return false;
  if (schedule.daysOfWeek !== "any" && !schedule.daysOfWeek.has(day.getUTCDay())) return false;
  return true;
}

function parseCron(body: string): { schedule: Schedule } | { error: string } {
  const fields = body.split(/\s+/);
  if (fields.length !== 6) return { error: `cron needs 6 fields, got ${fields.length}` };
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === "?") === (dow === "?")) {
    return { error: "exactly one of day-of-month and day-of-week must be '?'" };
  }
  const unsupported = [dom, dow].find((field) => /[LW#]/.test(field.replace(/[A-Z]{3}/g, "")));
  if (unsupported)
    return { error: `"${unsupported}": the L, W and # forms are not supported by the local runtime` };
  try {
    return {
      schedule: {
        kind: "cron",
        minutes: parseField(minutes, 0, 59, "minutes"),
        hours: parseField(hours, 0, 23, "hours"),
        daysOfMonth: dom === "?" ? "any" : parseField(dom, 1, 31, "day-of-month"),
        months: parseField(month, 1, 12, "month", MONTHS, 1),
        daysOfWeek:
          dow === "?"
            ? "any"
            : new Set([...parseField(dow, 1, 7, "day-of-week", DAYS, 1)].map((value) => value - 1)),
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
