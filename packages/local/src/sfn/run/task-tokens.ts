import { randomBytes } from "node:crypto";
import { SfnApiError } from "../api/sfn-api-error";

export type CallbackOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

interface TokenEntry {
  state: "minted" | "open" | "closed";
  complete?: (outcome: CallbackOutcome) => void;
  onHeartbeat?: () => void;
}

const TOKEN_FORMAT = /^AQ[A-Za-z0-9_-]{64}$/;

/**
 * Task tokens of `.waitForTaskToken` tasks. A token is minted when a state's Parameters read
 * `$$.Task.Token`, opened when the task starts waiting, and closed when the task ends for any
 * reason; callbacks for closed tokens get TaskTimedOut, as in AWS.
 */
export class TaskTokens {
  private readonly entries = new Map<string, TokenEntry>();

  mint(): string {
    const token = `AQ${randomBytes(48).toString("base64url")}`;
    this.entries.set(token, { state: "minted" });
    return token;
  }

  /** The callback outcome; it never rejects, so a failure reported before anyone awaits it is not an unhandled rejection. */
  open(token: string, onHeartbeat: () => void): Promise<CallbackOutcome> {
    return new Promise((complete) => {
      this.entries.set(token, { state: "open", complete, onHeartbeat });
    });
  }

  close(token: string): void {
    this.entries.set(token, { state: "closed" });
  }

  succeed(token: string, output: unknown): void {
    this.openEntry(token).complete?.({ ok: true, output });
    this.close(token);
  }

  fail(token: string, error: string, cause: string): void {
    this.openEntry(token).complete?.({ ok: false, error, cause });
    this.close(token);
  }

  heartbeat(token: string): void {
    this.openEntry(token).onHeartbeat?.();
  }

  private openEntry(token: string): TokenEntry {
    if (!TOKEN_FORMAT.test(token)) throw new SfnApiError("InvalidToken", `Invalid Token: '${token}'`);
    const entry = this.entries.get(token);
    if (!entry || entry.state === "minted")
      throw new SfnApiError("TaskDoesNotExist", "Task does not exist anymore");
    if (entry.state === "closed")
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: the task is no longer waiting for this token");
    return entry;
  }
}
