import { userInfo } from "node:os";

/** Who runs the command, as recorded with what it does: the OS user name. */
export function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
