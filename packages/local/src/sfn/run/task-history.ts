import { historyResourceName, type TaskResource } from "../definition/task-resource";
import { type ExecutionHistory, inputDetails, outputDetails } from "./execution-history";

export interface AttemptLimits {
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

const TIMEOUT_ERRORS = new Set(["States.Timeout", "States.HeartbeatTimeout"]);

/**
 * The history events of one task attempt, named as AWS names them: `LambdaFunction*` for a Lambda
 * function ARN as Resource, `Task*` (with resourceType/resource) for service integrations.
 */
export class TaskHistory {
  private readonly names: { resourceType: string; resource: string } | undefined;

  constructor(
    private readonly history: ExecutionHistory,
    private readonly resource: TaskResource,
    private readonly region: string,
  ) {
    this.names = resource.kind === "lambda-function" ? undefined : historyResourceName(resource);
  }

  scheduled(parameters: unknown, limits: AttemptLimits): void {
    const timeout = limits.timeoutSeconds === undefined ? {} : { timeoutInSeconds: limits.timeoutSeconds };
    if (!this.names) {
      this.history.record("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", {
        resource: this.resource.arn,
        ...inputDetails(parameters),
        ...timeout,
      });
      return;
    }
    this.history.record("TaskScheduled", "taskScheduledEventDetails", {
      ...this.names,
      region: this.region,
      parameters: JSON.stringify(parameters ?? null),
      ...timeout,
      ...(limits.heartbeatSeconds === undefined ? {} : { heartbeatInSeconds: limits.heartbeatSeconds }),
    });
  }

  started(): void {
    if (!this.names) this.history.record("LambdaFunctionStarted");
    else this.history.record("TaskStarted", "taskStartedEventDetails", { ...this.names });
  }

  /** A callback task's request went out; the task now waits for its token. */
  submitted(output: unknown): void {
    this.history.record("TaskSubmitted", "taskSubmittedEventDetails", {
      ...this.names,
      ...outputDetails(output),
    });
  }

  succeeded(output: unknown): void {
    if (!this.names) {
      this.history.record(
        "LambdaFunctionSucceeded",
        "lambdaFunctionSucceededEventDetails",
        outputDetails(output),
      );
    } else {
      this.history.record("TaskSucceeded", "taskSucceededEventDetails", {
        ...this.names,
        ...outputDetails(output),
      });
    }
  }

  failed(error: Error): void {
    const timedOut = TIMEOUT_ERRORS.has(error.name);
    const details = { error: error.name, cause: error.message };
    if (!this.names) {
      if (timedOut)
        this.history.record("LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails", details);
      else this.history.record("LambdaFunctionFailed", "lambdaFunctionFailedEventDetails", details);
    } else if (timedOut) {
      this.history.record("TaskTimedOut", "taskTimedOutEventDetails", { ...this.names, ...details });
    } else {
      this.history.record("TaskFailed", "taskFailedEventDetails", { ...this.names, ...details });
    }
  }
}
