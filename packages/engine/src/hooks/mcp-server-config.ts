import { z } from "zod";

export const mcpServerConfigSchema = z.strictObject({
  /** The server's streamable HTTP endpoint. */
  url: z.url({
    protocol: /^https?$/,
    error: "expected the server's http(s) URL, e.g. https://mcp.example.com/mcp",
  }),
  /** Secrets Manager secret (name or ARN) whose string value is the bearer token; absent: no token sent. */
  tokenSecret: z.string().min(1, { error: "expected a secret name or ARN" }).optional(),
});
export type McpServerConfig = z.output<typeof mcpServerConfigSchema>;
export type McpServerConfigs = Record<string, McpServerConfig>;

/** HOOK_MCP_SERVERS as the environment holds it: a JSON object of server configurations by name. */
export const hookMcpServersEnv = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `not JSON (${error instanceof Error ? error.message : String(error)}): write {"<name>": {"url": "...", "tokenSecret": "..."}}`,
      });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), mcpServerConfigSchema));
