import { setTimeout as sleep } from "node:timers/promises";
import {
  type AutomationExecutionStatus,
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
  StopAutomationExecutionCommand,
} from "@aws-sdk/client-ssm";
import type { HookAction } from "../hook-action";

const POLL_MS = 5_000;
const SUCCEEDED = new Set<AutomationExecutionStatus>(["Success", "CompletedWithSuccess"]);
const FAILED = new Set<AutomationExecutionStatus>([
  "Failed",
  "TimedOut",
  "Cancelled",
  "Rejected",
  "CompletedWithFailure",
  "ChangeCalendarOverrideRejected",
  "Exited",
]);

export class HookAutomationError extends Error {
  override readonly name = "HookAutomationError";
}

/** SSM parameters are lists of strings; a placeholder that became a number or a list is written as strings. */
function ssmParameters(input: unknown): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(input as Record<string, unknown>).map(([name, value]) => [
      name,
      (Array.isArray(value) ? value.flat() : [value]).map(String),
    ]),
  );
}

/**
 * Starts the hook's SSM Automation document and polls it until it ends; the hook succeeds only
 * when the automation does. When the hook's time is up the automation is stopped, so it does not
 * go on acting after the recovery has moved past it.
 */
export const ssmAction: HookAction = async ({ engine, hook, input, signal }) => {
  const { documentName } = hook.ssm as NonNullable<typeof hook.ssm>;
  let executionId: string | undefined;
  try {
    const started = await engine.aws.ssm.send(
      new StartAutomationExecutionCommand({ DocumentName: documentName, Parameters: ssmParameters(input) }),
      { abortSignal: signal },
    );
    executionId = started.AutomationExecutionId;
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new HookAutomationError(`SSM Automation "${documentName}" did not start: ${reason}`);
  }
  if (!executionId)
    throw new HookAutomationError(`SSM Automation "${documentName}" started without an execution ID`);

  try {
    for (;;) {
      const { AutomationExecution } = await engine.aws.ssm.send(
        new GetAutomationExecutionCommand({ AutomationExecutionId: executionId }),
        { abortSignal: signal },
      );
      const status = AutomationExecution?.AutomationExecutionStatus;
      if (status && SUCCEEDED.has(status)) return { result: `automation ${executionId} ${status}` };
      if (status && FAILED.has(status)) {
        throw new HookAutomationError(
          `SSM Automation "${documentName}" (${executionId}) ended ${status}${
            AutomationExecution?.FailureMessage ? `: ${AutomationExecution.FailureMessage}` : ""
          }`,
        );
      }
      await sleep(POLL_MS, undefined, { signal });
    }
  } catch (error) {
    if (signal.aborted) {
      await engine.aws.ssm
        .send(new StopAutomationExecutionCommand({ AutomationExecutionId: executionId }))
        .catch(() => undefined);
    }
    throw error;
  }
};
