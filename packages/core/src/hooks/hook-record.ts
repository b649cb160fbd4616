import { HOOK_PHASES, type HookPhase } from "./hook-phase";

export type HookKind = "mcp" | "lambda" | "event" | "ssm";

/** One attempt of a hook: how long it took and, when it failed, why. */
export interface HookAttemptRecord {
  attempt: number;
  durationMs: number;
  error?: string;
}

/** How one hook of one phase (and wave) ran, as the execution records it and the report shows it. */
export interface HookRecord {
  phase: HookPhase;
  /** The wave a beforeWave / afterWave hook ran for. */
  wave?: number;
  /** Position in the plan's list for the phase. */
  index: number;
  /** The hook's name in the plan, or its action when it has none (e.g. `mcp incidents/add_note`). */
  name: string;
  kind: HookKind;
  /** What it calls: `server/tool`, the function, the event's detail-type, the SSM document. */
  target: string;
  onFailure: "abort" | "continue";
  status: "SUCCEEDED" | "FAILED";
  attempts: number;
  /** The workflow's time when the hook state was entered. */
  startedAt: string;
  /** Measured time of all attempts, retry pauses included. */
  durationMs: number;
  attemptLog: HookAttemptRecord[];
  /** A short account of what the call returned (tool content, function response, event or automation ID). */
  result?: string;
  /** An MCP tool answered with `isError`. */
  isError?: boolean;
  /** The last attempt's error. */
  error?: string;
}

function runOrder(hook: Pick<HookRecord, "phase" | "wave" | "index">): number[] {
  const wave = hook.wave ?? 0;
  switch (hook.phase) {
    case "beforeRecovery":
      return [0, 0, 0, hook.index];
    case "afterRecovery":
      return [2, 0, 0, hook.index];
    default:
      return [1, wave, HOOK_PHASES.indexOf(hook.phase), hook.index];
  }
}

/** The hooks in the order they ran: before the recovery, per wave before then after, after the recovery. */
export function orderHookRecords<T extends Pick<HookRecord, "phase" | "wave" | "index">>(
  hooks: readonly T[],
): T[] {
  return [...hooks].sort((a, b) => {
    const left = runOrder(a);
    const right = runOrder(b);
    for (let i = 0; i < left.length; i++) {
      const diff = (left[i] as number) - (right[i] as number);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}
