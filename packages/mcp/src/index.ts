export * from "./client/call-mcp-tool";
export * from "./server/recovery-mcp-server";
