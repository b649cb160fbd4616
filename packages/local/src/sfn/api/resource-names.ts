import { SfnApiError } from "./sfn-api-error";

// Step Functions refuses whitespace, brackets, wildcards, these punctuation marks and control characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** Checks a state machine or execution name: 1 to 80 characters, none of the forbidden ones. */
export function checkName(name: string, what: "state machine" | "execution"): void {
  if (name.length < 1 || name.length > 80) {
    throw new SfnApiError("InvalidName", `Invalid Name: '${name}' (a ${what} name has 1 to 80 characters)`);
  }
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden) {
    throw new SfnApiError(
      "InvalidName",
      `Invalid Name: '${name}' (a ${what} name cannot contain ${JSON.stringify(forbidden[0])}: no whitespace, brackets, wildcards, control characters or any of " # % \\ ^ | ~ \` $ & , ; : /)`,
    );
  }
}

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArn(stateMachine: string, name: string): string {
  return `${stateMachine.replace(":stateMachine:", ":execution:")}:${name}`;
}

const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;

export function checkStateMachineArn(arn: string): void {
  if (!STATE_MACHINE_ARN.test(arn))
    throw new SfnApiError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}

export function checkExecutionArn(arn: string): void {
  if (!EXECUTION_ARN.test(arn))
    throw new SfnApiError("InvalidArn", `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
}
