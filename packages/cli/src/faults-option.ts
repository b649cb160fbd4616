import { type Fleet, formatPlanIssue } from "@drs-orchestrator/core";
import { type FaultsFileResult, loadFaultsFile } from "@drs-orchestrator/local";
import type { CommandIo } from "./command";

/**
 * Reads the `--faults` file and applies it to the fleet. Every problem is printed as
 * `file: path: message (fix: ...)`; then it resolves to undefined and nothing should start.
 */
export async function readFaultsOption(
  path: string,
  fleet: Fleet | undefined,
  io: CommandIo,
): Promise<Extract<FaultsFileResult, { ok: true }> | undefined> {
  const result = await loadFaultsFile(path, fleet);
  if (result.ok) return result;
  for (const issue of result.issues) io.err(formatPlanIssue(issue, path));
  return undefined;
}
