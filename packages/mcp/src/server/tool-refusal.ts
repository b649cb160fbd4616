/**
 * A real recovery asked of this server for a plan it may not run that way: the plan is not on the
 * server's RECOVERY allow-list, or the request does not confirm with the plan ID (or both).
 */
export class RecoveryNotAllowedError extends Error {
  override readonly name = "RecoveryNotAllowedError";
  constructor(
    readonly planId: string,
    readonly missing: readonly string[],
  ) {
    super(
      `a real recovery (mode RECOVERY) of plan "${planId}" is not allowed: ${missing.join("; ")}. Nothing was started.`,
    );
  }
}
