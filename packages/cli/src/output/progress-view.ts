import { formatDuration, type HookRecord } from "@drs-orchestrator/core";
import type { ExecutionProgress, WaveProgress } from "@drs-orchestrator/engine";
import { renderTable } from "./table";

// The counting lives in the engine, which status reads share; the views here render it. Types only:
// a command loads the engine (and its logger) after it has set the functions' log level.
export type { ExecutionProgress, ProgressSnapshot, WaveProgress } from "@drs-orchestrator/engine";

function waveLabel(wave: WaveProgress, waveCount: number): string {
  return `${wave.wave}/${waveCount}`;
}

function statusLabel(wave: WaveProgress): string {
  return wave.attempt > 0 ? `${wave.status} (retry ${wave.attempt})` : wave.status;
}

/**
 * The lines of a live screen: a status line, then one table row per wave, e.g.
 * ```
 * RUNNING · 12m30s elapsed
 * WAVE  GROUPS  STATUS     PENDING  LAUNCHING  LAUNCHED  HEALTHY  FAILED
 * 1/3   db      COMPLETED        0          0         0        3       0
 * ```
 */
export function renderProgress(progress: ExecutionProgress): string[] {
  const status = progress.status ?? "STARTING";
  const head = `${status} · ${formatDuration(progress.elapsedSeconds)} elapsed`;
  if (progress.waves.length === 0) return [head];
  const count = { align: "right" } as const;
  const table = renderTable(
    [
      { header: "WAVE" },
      { header: "GROUPS" },
      { header: "STATUS" },
      { header: "PENDING", ...count },
      { header: "LAUNCHING", ...count },
      { header: "LAUNCHED", ...count },
      { header: "HEALTHY", ...count },
      { header: "FAILED", ...count },
    ],
    progress.waves.map((wave) => [
      waveLabel(wave, progress.waves.length),
      wave.groupIds.join(", "),
      statusLabel(wave),
      String(wave.pending),
      String(wave.launching),
      String(wave.launched),
      String(wave.healthy),
      String(wave.failed),
    ]),
  );
  return [head, ...table.split("\n")];
}

function waveChangeLine(wave: WaveProgress, waveCount: number): string {
  return (
    `wave ${waveLabel(wave, waveCount)} (${wave.groupIds.join(", ")}) ${statusLabel(wave)}: ` +
    `pending ${wave.pending}, launching ${wave.launching}, launched ${wave.launched}, ` +
    `healthy ${wave.healthy}, failed ${wave.failed}`
  );
}

/**
 * One line per thing that changed since `previous` (the execution's status, a wave's status or
 * counts), stamped with the elapsed time: progress for logs, where a screen cannot be redrawn.
 */
export function progressChanges(previous: ExecutionProgress | undefined, next: ExecutionProgress): string[] {
  const stamp = `[${formatDuration(next.elapsedSeconds)}]`;
  const lines: string[] = [];
  const before = new Map(
    (previous?.waves ?? []).map((wave) => [wave.wave, waveChangeLine(wave, previous?.waves.length ?? 0)]),
  );
  for (const wave of next.waves) {
    const line = waveChangeLine(wave, next.waves.length);
    if (before.get(wave.wave) !== line) lines.push(`${stamp} ${line}`);
  }
  // The execution's own status comes last: it ends after its last wave.
  if (next.status !== undefined && next.status !== previous?.status) {
    lines.push(`${stamp} execution ${next.status}`);
  }
  return lines;
}

/**
 * A line for a hook that ran, e.g. `Hook "note wave" (afterWave 1): mcp incidents/add_note SUCCEEDED in 12 ms`;
 * a failure the plan lets the recovery continue past says so, with the error.
 */
export function hookNote(
  hook: Pick<
    HookRecord,
    "name" | "phase" | "wave" | "kind" | "target" | "status" | "onFailure" | "durationMs" | "error"
  >,
): string {
  const phase = hook.wave === undefined ? hook.phase : `${hook.phase} ${hook.wave}`;
  const line = `Hook "${hook.name}" (${phase}): ${hook.kind} ${hook.target} ${hook.status} in ${Math.round(hook.durationMs)} ms`;
  if (hook.status === "SUCCEEDED") return line;
  const goesOn = hook.onFailure === "continue" ? ", the recovery goes on" : "";
  return `${line}${goesOn}${hook.error ? `: ${hook.error}` : ""}`;
}
