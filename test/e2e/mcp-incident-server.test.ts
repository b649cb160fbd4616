import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { request } from "node:http";
import { callMcpTool, McpHttpError } from "@drs-orchestrator/mcp";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const MAIN = `${ROOT}examples/mcp-incident-server/main.ts`;

let child: ChildProcessWithoutNullStreams | undefined;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Starts the server from the command line and resolves with its URL once it printed it. */
function start(args: string[], env: Record<string, string> = {}) {
  const started = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  child = started;
  let stdout = "";
  let stderr = "";
  started.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => started.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    started.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /incident MCP server on (\S+)/.exec(stdout);
      if (match) resolve(match[1] as string);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
  });
  return { url, exited, output: () => ({ stdout, stderr }) };
}

/** fetch always sends the URL's host, so a foreign Host header needs a plain HTTP request. */
function postWithHost(url: string, host: string, token: string): Promise<{ status?: number; body: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path: pathname,
        method: "POST",
        headers: {
          host,
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
  });
}

describe("the example incident server from the command line", () => {
  it("serves the tools on 127.0.0.1 behind the token from INCIDENT_SERVER_TOKEN and stops on SIGTERM", async () => {
    const server = start(["--port", "0"], { INCIDENT_SERVER_TOKEN: "cli-token" });
    const url = await server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.output().stdout).not.toContain("cli-token");

    const call = { url, token: "cli-token", timeoutMs: 5000 };
    const opened = await callMcpTool({
      ...call,
      tool: "open_incident",
      arguments: { title: "drill", reference: "r1" },
    });
    expect(opened).toMatchObject({
      isError: false,
      structuredContent: { incidentId: "INC-0001", created: true },
    });
    const noted = await callMcpTool({
      ...call,
      tool: "add_note",
      arguments: { text: "db up", incident: "r1" },
    });
    expect(noted.structuredContent).toMatchObject({ noteId: "INC-0001-N1", noteCount: 1 });
    const listed = await callMcpTool({ ...call, tool: "list_notes", arguments: {} });
    expect(listed.structuredContent).toMatchObject({ reference: "r1", notes: [{ text: "db up" }] });
    const unknown = await callMcpTool({
      ...call,
      tool: "add_note",
      arguments: { text: "x", incident: "r2" },
    });
    expect(unknown).toMatchObject({
      isError: true,
      content: [{ type: "text", text: expect.stringContaining('"r2"') }],
    });

    const refused = callMcpTool({ ...call, token: "guess", tool: "list_notes", arguments: {} });
    await expect(refused).rejects.toBeInstanceOf(McpHttpError);
    await expect(refused).rejects.toMatchObject({ status: 401 });
    const get = await fetch(url, { headers: { authorization: "Bearer cli-token" } });
    expect(get.status).toBe(405);
    // Another Host than the loopback address the server listens on is refused (DNS rebinding).
    const rebound = await postWithHost(url, "attacker.example", "cli-token");
    expect(rebound).toEqual({
      status: 403,
      body: expect.stringContaining("Invalid Host header: attacker.example"),
    });

    child?.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });

  it("makes up a token and prints it when none is given; refuses a bad port", async () => {
    const server = start(["--port", "0"], { INCIDENT_SERVER_TOKEN: "" });
    const url = await server.url;
    let token: string | undefined;
    for (let waited = 0; token === undefined && waited < 5000; waited += 20) {
      token = /bearer token: (\S+)\n/.exec(server.output().stdout)?.[1];
      if (token === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(token).toBeDefined();
    const listed = await callMcpTool({
      url,
      token: token as string,
      tool: "list_notes",
      arguments: {},
      timeoutMs: 5000,
    });
    expect(listed.isError).toBe(true);
    child?.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const bad = start(["--port", "70000"]);
    await expect(bad.url).rejects.toThrow(/--port must be 0-65535, got "70000"/);
  });
});
