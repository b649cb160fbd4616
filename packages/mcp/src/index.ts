export * from "./client/call-mcp-tool";
