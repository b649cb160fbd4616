/** How text is marked on a terminal; without colour every function returns its text unchanged. */
export interface TerminalStyle {
  healthy(text: string): string;
  launched(text: string): string;
  launching(text: string): string;
  failed(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ESC = "\u001b[";

function sgr(code: string): (text: string) => string {
  return (text) => (text === "" ? text : `${ESC}${code}m${text}${ESC}0m`);
}

const COLOURED: TerminalStyle = {
  healthy: sgr("32"),
  launched: sgr("36"),
  launching: sgr("33"),
  failed: sgr("31"),
  dim: sgr("2"),
  bold: sgr("1"),
};

const same = (text: string) => text;
const PLAIN: TerminalStyle = {
  healthy: same,
  launched: same,
  launching: same,
  failed: same,
  dim: same,
  bold: same,
};

export function terminalStyle(colour: boolean): TerminalStyle {
  return colour ? COLOURED : PLAIN;
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A Select Graphic Rendition sequence (colour, bold, reset), the only escapes this output writes. */
const SGR = new RegExp(`${ESC.replace("[", "\\[")}[0-9;]*m`, "y");
const RESET = `${ESC}0m`;

/** What the text shows once its escape sequences are left out, e.g. to measure it. */
export function visibleText(text: string): string {
  let visible = "";
  for (let i = 0; i < text.length; ) {
    const skipped = sgrAt(text, i);
    if (skipped > 0) i += skipped;
    else visible += text[i++];
  }
  return visible;
}

/**
 * The line cut to `columns` visible characters, escape sequences kept whole (and the colour reset
 * when the cut falls inside a coloured part): on a terminal a wrapped line takes two rows, and a
 * redraw in place would then start too low.
 */
export function fitToWidth(line: string, columns: number): string {
  if ([...visibleText(line)].length <= columns) return line;
  let fitted = "";
  let shown = 0;
  for (let i = 0; i < line.length && shown < columns; ) {
    const skipped = sgrAt(line, i);
    if (skipped > 0) {
      fitted += line.slice(i, i + skipped);
      i += skipped;
      continue;
    }
    const character = String.fromCodePoint(line.codePointAt(i) as number);
    fitted += character;
    i += character.length;
    shown++;
  }
  return fitted.includes(ESC) ? fitted + RESET : fitted;
}

/** The length of the escape sequence starting at `index`, or 0. */
function sgrAt(text: string, index: number): number {
  SGR.lastIndex = index;
  return SGR.exec(text)?.[0].length ?? 0;
}
