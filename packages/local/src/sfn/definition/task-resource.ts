import { DefinitionError } from "./definition-error";

/** What a Task state's `Resource` calls. `callback` is the `.waitForTaskToken` variant. */
export type TaskResource =
  | { kind: "lambda-function"; arn: string; functionName: string }
  | { kind: "lambda-invoke"; arn: string; callback: boolean }
  | { kind: "aws-sdk"; arn: string; service: string; action: string; callback: boolean }
  | { kind: "put-events"; arn: string; callback: boolean };

const STATES_PREFIX = /^arn:aws[\w-]*:states:[^:]*:[^:]*:/;
const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:[^:]+:\d{12}:function:[^:]+(?::[^:]+)?$/;
const CALLBACK_SUFFIX = ".waitForTaskToken";

export function parseTaskResource(arn: string, stateName: string): TaskResource {
  if (LAMBDA_FUNCTION.test(arn)) {
    return { kind: "lambda-function", arn, functionName: arn };
  }
  if (!STATES_PREFIX.test(arn)) {
    throw new DefinitionError(
      `state "${stateName}": Resource "${arn}" is not supported; use a Lambda function ARN or arn:aws:states:::<integration>`,
    );
  }
  const integration = arn.replace(STATES_PREFIX, "");
  const callback = integration.endsWith(CALLBACK_SUFFIX);
  const target = callback ? integration.slice(0, -CALLBACK_SUFFIX.length) : integration;
  if (target.endsWith(".sync")) {
    throw new DefinitionError(
      `state "${stateName}": the .sync integration pattern ("${arn}") is not supported locally`,
    );
  }
  if (target === "lambda:invoke") return { kind: "lambda-invoke", arn, callback };
  if (target === "events:putEvents") return { kind: "put-events", arn, callback };
  const sdk = /^aws-sdk:([a-z0-9]+):([a-z][A-Za-z0-9]*)$/.exec(target);
  if (sdk) return { kind: "aws-sdk", arn, service: sdk[1] as string, action: sdk[2] as string, callback };
  throw new DefinitionError(
    `state "${stateName}": Resource "${arn}" is not supported; supported: lambda:invoke, events:putEvents, aws-sdk:<service>:<action> (optionally .waitForTaskToken) and Lambda function ARNs`,
  );
}

/** `resourceType` and `resource` as Task history events name them (`lambda` + `invoke.waitForTaskToken`). */
export function historyResourceName(resource: TaskResource): { resourceType: string; resource: string } {
  const integration = resource.arn.replace(STATES_PREFIX, "");
  const split = integration.lastIndexOf(":");
  return { resourceType: integration.slice(0, split), resource: integration.slice(split + 1) };
}
