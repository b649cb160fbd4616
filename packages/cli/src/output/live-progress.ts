import type { CommandIo } from "../command";
import { type ExecutionProgress, progressChanges, renderProgress } from "./progress-view";

const ESC = "\u001b[";

/**
 * The text that replaces the previous frame of `previousLineCount` lines with `lines`: cursor up to
 * the frame's first line, erase to the end of the screen, write. Lines are cut to the terminal's
 * width, because a wrapped line would take two rows and the next redraw would start too low.
 */
export function redrawFrame(previousLineCount: number, lines: readonly string[], columns?: number): string {
  const fitted = columns === undefined ? lines : lines.map((line) => [...line].slice(0, columns).join(""));
  const up = previousLineCount > 0 ? `${ESC}${previousLineCount}F` : "";
  return `${up}${ESC}J${fitted.join("\n")}`;
}

/**
 * Shows an execution's progress as it changes: redrawn in place on a terminal, as one line per
 * change otherwise (logs keep every step, and no control characters).
 */
export class LiveProgress {
  private previous: ExecutionProgress | undefined;
  private frameLines = 0;

  constructor(
    private readonly io: CommandIo,
    private readonly terminal: { columns: number } | undefined,
  ) {}

  /** A line kept above the progress, e.g. an action taken; on a terminal the frame is drawn again below it. */
  note(text: string): void {
    if (!this.terminal) {
      this.io.out(text);
      return;
    }
    this.io.out(redrawFrame(this.frameLines, [text], this.terminal.columns));
    this.frameLines = 0;
    if (this.previous) this.update(this.previous);
  }

  update(progress: ExecutionProgress): void {
    if (this.terminal) {
      const lines = renderProgress(progress);
      this.io.out(redrawFrame(this.frameLines, lines, this.terminal.columns));
      this.frameLines = lines.length;
    } else {
      for (const line of progressChanges(this.previous, progress)) this.io.out(line);
    }
    this.previous = progress;
  }
}
