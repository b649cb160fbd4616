/**
 * Environment variables for in-process functions. Every function shares one `process.env`, and
 * handler code (Powertools, SDK clients) reads it at module load as well as per call, so swapping
 * variables per invocation would be neither safe under concurrency nor honest. Instead each
 * function's variables are applied to `process.env` when it is registered, and a value that
 * disagrees with one already set — by another function or by the host process — is refused with an
 * error naming both sides. `release()` restores what was there before.
 */

/** Keys Lambda itself sets; the real service refuses them in a function's configuration. */
const RESERVED = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);
const MAX_TOTAL_BYTES = 4 * 1024;

export class FunctionEnvironment {
  private readonly applied = new Map<
    string,
    { value: string; owners: string[]; previous: string | undefined }
  >();

  /** Applies `variables` for `functionName`, or throws without changing anything. */
  apply(functionName: string, variables: Record<string, string>): void {
    const entries = Object.entries(variables);
    const size = entries.reduce((total, [key, value]) => total + key.length + value.length, 0);
    if (size > MAX_TOTAL_BYTES) {
      throw new Error(
        `function ${functionName}: environment variables total ${size} bytes; Lambda allows 4 KB`,
      );
    }
    for (const [key, value] of entries) {
      if (!/^[a-zA-Z]\w+$/.test(key)) {
        throw new Error(
          `function ${functionName}: environment variable name "${key}" must match [a-zA-Z][a-zA-Z0-9_]+`,
        );
      }
      if (RESERVED.has(key) || key.startsWith("AWS_LAMBDA_")) {
        throw new Error(`function ${functionName}: "${key}" is reserved by Lambda and cannot be configured`);
      }
      const current = process.env[key];
      if (current === undefined || current === value) continue;
      const owner = this.applied.get(key);
      const holder = owner ? `function ${owner.owners.join(", ")}` : "the host process";
      throw new Error(
        `function ${functionName} sets ${key}="${value}" but ${holder} already set ${key}="${current}"; ` +
          "in-process functions share one environment, so give them the same value or rename the variable",
      );
    }
    for (const [key, value] of entries) {
      const owner = this.applied.get(key);
      if (owner) {
        owner.owners.push(functionName);
      } else {
        this.applied.set(key, { value, owners: [functionName], previous: process.env[key] });
        process.env[key] = value;
      }
    }
  }

  /** Restores every variable this environment set to its value before. */
  release(): void {
    for (const [key, { previous }] of this.applied) {
      if (previous === undefined) delete process.env[key];
      else process.env[key] = previous;
    }
    this.applied.clear();
  }
}
