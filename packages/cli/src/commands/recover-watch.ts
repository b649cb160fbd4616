import type { EngineContext } from "@drs-orchestrator/engine";
import type { CommandIo } from "../command";
import type { Target } from "../engine-environment";
import { onInterrupt } from "../interrupt";
import { hasEnded } from "../output/recovery-status-text";
import { StatusWatch } from "../output/status-watch";
import { terminalStyle, wantsColour } from "../output/terminal-style";

const POLL_MS = 500;

/** The process exit code of a watch stopped with Ctrl-C: 128 + SIGINT. */
export const INTERRUPTED = 130;

/**
 * Follows an execution until it ends, showing its progress as it changes (bars redrawn on a
 * terminal, one line per change otherwise). Resolves to the exit code: 0 when it SUCCEEDED, 1 when
 * it ended otherwise, 130 when Ctrl-C stopped the watching — which leaves the execution running.
 */
export async function watchRecovery(
  engine: EngineContext,
  executionId: string,
  target: Target,
  io: CommandIo,
): Promise<number> {
  const { getRecoveryStatus } = await import("@drs-orchestrator/engine");
  const terminal = process.stdout.isTTY ? { columns: process.stdout.columns || 80 } : undefined;
  const watch = new StatusWatch(io, terminal, {
    style: terminalStyle(wantsColour(process.stdout)),
    targetFlag: target.flag,
  });
  const interrupt = onInterrupt();
  try {
    for (;;) {
      const view = await getRecoveryStatus(engine, executionId, { now: target.now() });
      watch.update(view);
      if (hasEnded(view)) return view.status === "SUCCEEDED" ? 0 : 1;
      if (await interrupt.within(POLL_MS)) {
        const flag = target.flag ? ` ${target.flag}` : "";
        io.err(
          `stopped watching; ${executionId} goes on: drs-orchestrator recover status ${executionId} --watch${flag}`,
        );
        return INTERRUPTED;
      }
    }
  } finally {
    interrupt.dispose();
  }
}
