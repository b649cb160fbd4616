/**
 * How often every stored plan is evaluated unless the stage says otherwise: as often as AWS ARC
 * Region switch re-evaluates its plans.
 */
export const DEFAULT_PLAN_HEALTH_MINUTES = 30;

/** The shortest and longest period a stage may set: a run must end before the next, and a day at most. */
export const PLAN_HEALTH_MINUTES_RANGE = { min: 5, max: 1440 } as const;

/** The EventBridge schedule expression of the evaluation every `minutes` minutes. */
export function planHealthScheduleExpression(minutes: number): string {
  return `rate(${minutes} minutes)`;
}
