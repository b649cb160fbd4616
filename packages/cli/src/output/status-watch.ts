import { formatDuration } from "@drs-orchestrator/core";
import type { RecoveryStatusView } from "@drs-orchestrator/engine";
import type { CommandIo } from "../command";
import { redrawFrame } from "./live-progress";
import { progressChanges } from "./progress-view";
import {
  approvalLines,
  hasEnded,
  renderRecoveryStatus,
  rtoLine,
  type StatusTextOptions,
} from "./recovery-status-text";
import { fitToWidth } from "./terminal-style";

/**
 * Shows an execution's status as it changes: on a terminal the status screen with a bar per wave,
 * redrawn in place; otherwise one line per change (a wave's status or counts, a gate waiting for a
 * decision, the execution's end with its RTO), so logs keep every step and no control characters.
 */
export class StatusWatch {
  private previous: RecoveryStatusView | undefined;
  private frameLines = 0;
  private readonly announced = new Set<number>();

  constructor(
    private readonly io: CommandIo,
    private readonly terminal: { columns: number } | undefined,
    private readonly options: StatusTextOptions,
  ) {}

  update(view: RecoveryStatusView): void {
    if (this.terminal) {
      const { columns } = this.terminal;
      const lines = renderRecoveryStatus({ ...view, servers: undefined }, this.options).map((line) =>
        fitToWidth(line, columns),
      );
      this.io.out(redrawFrame(this.frameLines, lines));
      this.frameLines = lines.length;
    } else {
      for (const line of this.changes(view)) this.io.out(line);
    }
    this.previous = view;
  }

  private changes(view: RecoveryStatusView): string[] {
    const progress = (status: RecoveryStatusView) => ({
      status: status.status,
      elapsedSeconds: status.elapsedSeconds,
      waves: status.waves,
    });
    const lines = progressChanges(this.previous && progress(this.previous), progress(view));
    const waiting = view.pendingApprovals.filter((approval) => !this.announced.has(approval.wave));
    for (const approval of waiting) this.announced.add(approval.wave);
    const stamp = `[${formatDuration(view.elapsedSeconds)}]`;
    const { targetFlag, style } = this.options;
    for (const line of approvalLines({ ...view, pendingApprovals: waiting }, targetFlag, style)) {
      lines.push(`${stamp} ${line}`);
    }
    if (hasEnded(view) && !(this.previous && hasEnded(this.previous))) {
      lines.push(rtoLine(view, this.options.style));
      if (view.error) lines.push(`Error: ${view.error}${view.cause ? ` — ${view.cause}` : ""}`);
    }
    return lines;
  }
}
