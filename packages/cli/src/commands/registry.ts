import type { Command } from "../command";

export interface CommandEntry {
  /** The words that invoke the command, e.g. `plan show`. */
  name: string;
  /** One line for the command list in `--help`. */
  summary: string;
  /** Loaded only when the command runs, so a command's dependencies never slow down the others. */
  load: () => Promise<{ command: Command }>;
}

/** Every command: one line each, in the order `--help` lists them. */
export const commands: readonly CommandEntry[] = [
  {
    name: "plan validate",
    summary: "check plan files and report every problem",
    load: () => import("./plan-validate"),
  },
  {
    name: "plan show",
    summary: "show a plan's waves, batches, launch settings and readiness",
    load: () => import("./plan-show"),
  },
  { name: "plan apply", summary: "validate and store plans as versions", load: () => import("./plan-apply") },
  {
    name: "plan check",
    summary: "evaluate a plan against the live account: verdict and findings with their fixes",
    load: () => import("./plan-check"),
  },
  {
    name: "local up",
    summary: "serve the emulated AWS services on 127.0.0.1 until Ctrl-C",
    load: () => import("./local-up"),
  },
  {
    name: "demo",
    summary: "run a drill on the local runtime and show it live",
    load: () => import("./demo"),
  },
  { name: "mcp", summary: "serve the MCP server on stdio for a client", load: () => import("./mcp") },
  {
    name: "recover start",
    summary: "start a drill or a recovery of a plan",
    load: () => import("./recover-start"),
  },
  {
    name: "recover status",
    summary: "show an execution's progress, live with --watch",
    load: () => import("./recover-status"),
  },
  {
    name: "recover list",
    summary: "list recovery executions, newest first",
    load: () => import("./recover-list"),
  },
  { name: "recover approve", summary: "let a gated wave launch", load: () => import("./recover-approve") },
  { name: "recover reject", summary: "reject a gated wave: abort", load: () => import("./recover-reject") },
  {
    name: "recover cancel",
    summary: "stop a running execution for good",
    load: () => import("./recover-cancel"),
  },
  {
    name: "recover resume",
    summary: "continue a failed, aborted or cancelled execution",
    load: () => import("./recover-resume"),
  },
  { name: "recover cleanup", summary: "clean up after a drill", load: () => import("./recover-cleanup") },
  {
    name: "recover report",
    summary: "an execution's report as text, JSON or one HTML file",
    load: () => import("./recover-report"),
  },
];
