import { ExecutionNotFoundError } from "@drs-orchestrator/core";
import { z } from "zod";
import type { EngineContext } from "../lambda/engine-context";
import { keys } from "../stores/execution-items";
import { releaseWaveIfReady, type WaveRelease } from "./launch/wave-release";
import { waveStepInput } from "./launch/wave-step-input";

export const awaitLaunchResultsInput = waveStepInput.extend({
  taskToken: z.string().min(1, { error: "required: the task token ($$.Task.Token) of the waiting state" }),
});
export type AwaitLaunchResultsInput = z.output<typeof awaitLaunchResultsInput>;

/**
 * Parks the workflow's task token on the wave, then releases it at once if the wave already needs
 * the workflow (results may have arrived while the workflow was between states). Otherwise the
 * launch-result recorder releases it, or the wait times out and the DescribeJobs poll takes over.
 * @throws ExecutionNotFoundError when the wave was never prepared
 */
export async function awaitLaunchResults(
  input: AwaitLaunchResultsInput,
  engine: EngineContext,
): Promise<WaveRelease> {
  const { executionId, wave, now, taskToken } = input;
  // A newer token replaces an older one: only the workflow's current wait can be completed.
  const stored = await engine.executions.update(keys.wave(executionId, wave), {
    taskToken,
    launchWait: "WAITING",
    waitingSince: now,
  });
  if (!stored) throw new ExecutionNotFoundError(executionId, `wave ${wave}`);
  return releaseWaveIfReady(engine, executionId, wave, "await-launch-results", now);
}
