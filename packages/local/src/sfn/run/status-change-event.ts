import { toAwsIso } from "../../clock/sim-clock";
import type { BusEventInput } from "../../runtime/contracts";

export interface ExecutionSnapshot {
  arn: string;
  name: string;
  stateMachine: { arn: string };
  status: string;
  startMs: number;
  stopMs: number | undefined;
  input: string;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
}

/** `Step Functions Execution Status Change`, as Step Functions puts it on the default bus (dates in epoch milliseconds). */
export function executionStatusChangeEvent(execution: ExecutionSnapshot): BusEventInput {
  return {
    source: "aws.states",
    detailType: "Step Functions Execution Status Change",
    resources: [execution.arn],
    time: toAwsIso(new Date(execution.stopMs ?? execution.startMs)),
    detail: {
      executionArn: execution.arn,
      stateMachineArn: execution.stateMachine.arn,
      name: execution.name,
      status: execution.status,
      startDate: Math.floor(execution.startMs),
      stopDate: execution.stopMs === undefined ? null : Math.floor(execution.stopMs),
      input: execution.input,
      inputDetails: { included: true },
      output: execution.output ?? null,
      outputDetails: execution.output === undefined ? null : { included: true },
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}
