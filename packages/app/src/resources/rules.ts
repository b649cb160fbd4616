/** EventBridge rules of the app and the function each one invokes with the whole event. */
export interface RuleSpec {
  /** Suffix of the physical rule name. */
  name: string;
  description: string;
  /** `default` for AWS service events (DRS publishes there). */
  bus: "default";
  eventPattern: Record<string, unknown>;
  /** FunctionSpec name of the target. */
  targetFunction: string;
}

export const RULES: readonly RuleSpec[] = [
  {
    name: "drs-launch-result",
    description: "DRS launch results carried back into running recoveries",
    bus: "default",
    eventPattern: { source: ["aws.drs"], "detail-type": ["DRS Source Server Launch Result"] },
    targetFunction: "record-launch-result",
  },
];
