const RATE = /^rate\((\d+) ([a-z]+)\)$/;
const CRON = /^cron\((.*)\)$/;
const RATE_UNITS = ["minute", "hour", "day"];
const EXAMPLE = "cron(0 3 ? * SUN *) for Sundays at 03:00 UTC, or rate(7 days)";

export interface ScheduleProblem {
  message: string;
  fix: string;
}

/** EventBridge wants `?` in exactly one of day-of-month and day-of-week. */
function withQuestionMark(fields: string[]): string[] {
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (dayOfMonth === "?" || dayOfWeek === "?") return fields;
  if (dayOfWeek === "*") return [minutes, hours, dayOfMonth, month, "?", year];
  return [minutes, hours, "?", month, dayOfWeek, year];
}

function checkRate(count: number, unit: string): ScheduleProblem | undefined {
  const singular = unit.replace(/s$/, "");
  if (!RATE_UNITS.includes(singular)) {
    return {
      message: `rate unit "${unit}" is not one of minute(s), hour(s), day(s)`,
      fix: `e.g. rate(${count} ${count === 1 ? "day" : "days"})`,
    };
  }
  if (count === 0) return { message: "a rate must be at least 1", fix: `e.g. rate(1 ${singular})` };
  const expected = count === 1 ? singular : `${singular}s`;
  if (unit !== expected) {
    return {
      message: `EventBridge wants "${expected}" with a value of ${count}`,
      fix: `write rate(${count} ${expected})`,
    };
  }
  return undefined;
}

function checkCron(body: string): ScheduleProblem | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length === 5) {
    return {
      message:
        "cron expression has 5 fields; EventBridge cron has 6 (minutes hours day-of-month month day-of-week year)",
      fix: `add the year field: cron(${withQuestionMark([...fields, "*"]).join(" ")})`,
    };
  }
  if (fields.length !== 6) {
    return {
      message: `cron expression has ${fields.length} fields; EventBridge cron has 6 (minutes hours day-of-month month day-of-week year)`,
      fix: `e.g. ${EXAMPLE}`,
    };
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if (dayOfMonth === "?" && dayOfWeek === "?") {
    return {
      message: "day-of-month and day-of-week cannot both be ?",
      fix: "set one of them to * or a value",
    };
  }
  if (dayOfMonth !== "?" && dayOfWeek !== "?") {
    return {
      message: "one of day-of-month or day-of-week must be ?",
      fix: `write cron(${withQuestionMark(fields).join(" ")})`,
    };
  }
  return undefined;
}

/**
 * Checks the shape of an EventBridge schedule expression: `cron(...)` with its six fields or
 * `rate(N unit)`. Field values are left to EventBridge, which names the bad field itself.
 */
export function checkScheduleExpression(expression: string): ScheduleProblem | undefined {
  const rate = RATE.exec(expression);
  if (rate) return checkRate(Number(rate[1]), rate[2] as string);
  const cron = CRON.exec(expression);
  if (cron) return checkCron(cron[1] as string);
  return {
    message: `"${expression}" is not a schedule expression`,
    fix: `write cron(...) or rate(...), e.g. ${EXAMPLE}`,
  };
}
