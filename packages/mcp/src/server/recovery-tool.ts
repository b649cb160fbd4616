import type { EngineContext } from "@drs-orchestrator/engine";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";

/** What a tool's handler runs with: the engine, the server's policy and who is calling. */
export interface ToolContext {
  engine: EngineContext;
  /** Plans that may be started in RECOVERY mode. */
  recoveryAllowList: readonly string[];
  /** The caller as recorded on what the tool does, e.g. `mcp:alice`. */
  caller: string;
  now(): Date;
}

/** What a tool answers: the structured result (checked against its output schema) and a short line for people. */
export interface ToolAnswer<O extends z.ZodObject> {
  result: z.input<O>;
  text: string;
}

/**
 * One MCP tool of the recovery server. The description reads like a runbook step: what it does,
 * when to use it and what it changes; the annotations say the same to the client.
 */
export interface RecoveryTool<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  run(args: z.output<I>, context: ToolContext): Promise<ToolAnswer<O>>;
}

/** Keeps a tool's argument and result types for its `run` while the server handles all tools alike. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: RecoveryTool<I, O>,
): RecoveryTool {
  return tool as unknown as RecoveryTool;
}
