/**
 * Markup built only through the `html` tag: every interpolated string is escaped unless it is
 * markup the tag built itself, so report data (hostnames, reasons, hook errors, comments) can
 * never become markup, in HTML text, in quoted attributes or in inline SVG alike.
 */
export class Html {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What may be interpolated: text (escaped), markup, lists of either; nothing for false/undefined/null. */
export type HtmlValue = Html | string | number | false | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] as string);
}

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] as string;
  values.forEach((value, i) => {
    markup += render(value) + strings[i + 1];
  });
  return new Html(markup);
}

/** Trusted markup that is not built with the tag: the stylesheet, which is a constant. */
export function rawHtml(markup: string): Html {
  return new Html(markup);
}
