import { createHash } from "node:crypto";
import type { RecoveryMode } from "@drs-orchestrator/core";

/** Step Functions execution names have at most 80 characters. */
export const MAX_EXECUTION_NAME_LENGTH = 80;
const HASH_LENGTH = 16;

/**
 * The execution name (= execution ID) for a start: `<planId>-<drill|recovery>-<hash>`, the hash
 * taken over plan, mode and key, so the same key always names the same execution and Step
 * Functions' name uniqueness makes the start idempotent. A long plan ID is shortened to fit; the
 * hash still covers all of it.
 */
export function executionName(planId: string, mode: RecoveryMode, key: string): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([planId, mode, key]))
    .digest("hex")
    .slice(0, HASH_LENGTH);
  const middle = `-${mode.toLowerCase()}-`;
  const prefix = planId.slice(0, MAX_EXECUTION_NAME_LENGTH - middle.length - HASH_LENGTH);
  return `${prefix}${middle}${hash}`;
}

/** The ARN Step Functions gives an execution of `stateMachineArn` named `name`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
}

/**
 * The Step Functions execution name of an execution's attempt: the execution ID for the start,
 * `<executionId>-r<attempt>` for a resume, so two requests for the same attempt land on the same
 * name and Step Functions starts it once. An execution ID too long for the suffix loses the end of
 * its hash, which stays distinct enough among one plan's executions (at least 9 hex digits).
 */
export function attemptExecutionName(executionId: string, attempt: number): string {
  if (attempt <= 1) return executionId;
  const suffix = `-r${attempt}`;
  return `${executionId.slice(0, MAX_EXECUTION_NAME_LENGTH - suffix.length)}${suffix}`;
}
