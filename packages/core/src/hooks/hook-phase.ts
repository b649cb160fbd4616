/** When hooks run: around the whole recovery, or around each wave. */
export const HOOK_PHASES = ["beforeRecovery", "beforeWave", "afterWave", "afterRecovery"] as const;
export type HookPhase = (typeof HOOK_PHASES)[number];

/** Phases whose hooks run once per wave and so know the wave they run for. */
export function isWavePhase(phase: HookPhase): phase is "beforeWave" | "afterWave" {
  return phase === "beforeWave" || phase === "afterWave";
}
