/** Physical names of the app's resources in one stage, the same on AWS and on the local runtime. */
export function resourceName(stage: string, name: string): string {
  return `drs-orchestrator-${stage}-${name}`;
}

export function lambdaArn(region: string, accountId: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
}

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

/** The app's own event bus in one stage: outbound events and `Recovery Requested` go there. */
export function appBusName(stage: string): string {
  return `drs-orchestrator-${stage}`;
}
