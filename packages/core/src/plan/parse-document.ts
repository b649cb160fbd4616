import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { PlanIssue } from "./plan-issues";

export type DocumentParseResult = { ok: true; data: unknown } | { ok: false; issues: PlanIssue[] };

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

function parseJson(text: string): DocumentParseResult {
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const where = lineAndColumn(text, position ? Number(position[1]) : text.length);
    const reason = message
      .replace(/\s*in JSON at position \d+.*$/s, "")
      .replace(/ \(line \d+ column \d+\)$/, "");
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `JSON syntax error at line ${where.line}, column ${where.column}: ${reason}`,
          fix: "correct the JSON there (a trailing comma, a missing comma or an unquoted key is the usual cause)",
        },
      ],
    };
  }
}

const YAML_FIXES: Record<string, string> = {
  DUPLICATE_KEY: "remove or rename the repeated key",
  TAB_AS_INDENT: "indent with spaces, not tabs",
  BAD_INDENT: "align the entry with its siblings",
  BLOCK_AS_IMPLICIT_KEY: "put a nested mapping on its own lines, indented under its key",
  MISSING_CHAR: "add the missing closing bracket or quote",
  MULTILINE_IMPLICIT_KEY: "keep a key and its colon on one line",
};

function parseYaml(text: string): DocumentParseResult {
  const document = parseDocument(text, { prettyErrors: true });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : "";
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `YAML syntax error${where}: ${error.message.split(/ at line \d+/)[0]}`,
          fix: YAML_FIXES[error.code] ?? "correct the YAML syntax there (indentation, a colon or a quote)",
        },
      ],
    };
  }
  try {
    return { ok: true, data: document.toJS({ maxAliasCount: 1000 }) };
  } catch (cause) {
    // toJS throws for references the parser accepts, such as an alias to an anchor never defined.
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `YAML error: ${(cause as Error).message}`,
          fix: "define each anchor (&name) before its alias (*name)",
        },
      ],
    };
  }
}

/**
 * Parses a YAML or JSON document. Files named `*.json` are read as strict JSON; anything else as
 * YAML 1.2, which also accepts JSON. Syntax errors come back as a PlanIssue naming line and column.
 */
export function parseDocumentText(text: string, fileName?: string): DocumentParseResult {
  const result = fileName?.toLowerCase().endsWith(".json") ? parseJson(text) : parseYaml(text);
  if (result.ok && (result.data === null || result.data === undefined)) {
    return {
      ok: false,
      issues: [
        { path: "", message: "the document is empty", fix: "write the document's fields at the top level" },
      ],
    };
  }
  return result;
}

/** Reads and parses a document file; an unreadable file is reported as an issue like a syntax error. */
export async function loadDocumentFile(path: string): Promise<DocumentParseResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: `cannot read the file: ${(error as Error).message}`,
          fix: "check the file path",
        },
      ],
    };
  }
  return parseDocumentText(text, path);
}
