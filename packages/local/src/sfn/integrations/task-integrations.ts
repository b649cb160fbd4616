import type { EventPublisher, LambdaInvoker } from "../../runtime/contracts";
import type { TaskResource } from "../definition/task-resource";
import type { AwsSdkIntegration } from "./aws-sdk-integration";
import { invokeFunction, lambdaInvoke } from "./lambda-integration";
import { putEvents } from "./put-events-integration";

/** Calls what a Task state's Resource names with the task's effective input. */
export type TaskIntegrations = (
  resource: TaskResource,
  parameters: unknown,
  signal: AbortSignal,
) => Promise<unknown>;

export function createTaskIntegrations(options: {
  lambda: LambdaInvoker;
  events: EventPublisher;
  sdk: AwsSdkIntegration;
}): TaskIntegrations {
  return (resource, parameters, signal) => {
    switch (resource.kind) {
      case "lambda-function":
        return invokeFunction(options.lambda, resource.functionName, parameters);
      case "lambda-invoke":
        return lambdaInvoke(options.lambda, parameters);
      case "put-events":
        return putEvents(options.events, parameters);
      case "aws-sdk":
        return options.sdk.call(resource.service, resource.action, parameters, signal);
    }
  };
}
