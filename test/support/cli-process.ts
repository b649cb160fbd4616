import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { access } from "node:fs/promises";

export const ROOT = new URL("../..", import.meta.url).pathname;
export const BIN = `${ROOT}packages/cli/bin/drs-orchestrator.js`;

export interface Started {
  process: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a person's shell would have: none of the AWS or engine variables, so every
 * command finds the app only through --local (or --stage), and the CLI's state in `stateHome`.
 */
export function shellEnv(stateHome: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^AWS_|^POWERTOOLS_|_TABLE$|_STATE_MACHINE_ARN$|_FUNCTION_ARN$|^EVENT_BUS_NAME$|^HOOK_MCP_SERVERS$/.test(
          name,
        ),
    ),
  );
  return {
    ...env,
    DRS_ORCHESTRATOR_HOME: stateHome,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/**
 * Runs `drs-orchestrator` as a person would, as a child process; every child is added to `children`
 * so a test file can kill what is still running at its end.
 */
export function startCli(
  children: Set<ChildProcessWithoutNullStreams>,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Started {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env });
  children.add(child);
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { process: child, output, exited };
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Stops `local up` with Ctrl-C as a person would; resolves to how it exited, or undefined when it did not within 10 s. */
export async function stopLocalUp(localUp: Started) {
  localUp.process.kill("SIGINT");
  return Promise.race([
    localUp.exited,
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
  ]);
}
