/** A Task error as Retry and Catch see it: `name` is what ErrorEquals matches, `message` the Cause. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** `States.Runtime`: fails the execution; Retry and Catch never apply (the library reads these two flags). */
export class StatesRuntimeFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(cause: string) {
    super("States.Runtime", cause);
  }
}

/** The problems of a failed zod parse, each naming its field, for a States.Runtime cause. */
export function describeIssues(
  what: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  const problems = issues.map(
    (issue) => `${issue.path.map(String).join(".") || "(value)"}: ${issue.message}`,
  );
  return `${what}: ${problems.join("; ")}`;
}
