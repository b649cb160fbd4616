import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * What `local up` leaves for the commands run with `--local` in other terminals: where the
 * runtime listens, the environment its `export` lines print, and its simulated clock.
 */
export const localStateSchema = z.object({
  endpoint: z.url(),
  env: z.record(z.string(), z.string()),
  /** The MCP endpoint the runtime serves, with its bearer token, when it serves one. */
  mcp: z.object({ url: z.url(), token: z.string().min(1) }).optional(),
  /** The `local up` process: a state file whose process is gone is stale. */
  pid: z.number().int().positive(),
  startedAt: z.iso.datetime(),
  /**
   * One reading of the runtime's simulated clock: simulated time runs `speed` times faster than
   * real time from `simulatedAt`, read at real time `realAt` (epoch ms).
   */
  clock: z.object({ speed: z.number().positive(), simulatedAt: z.iso.datetime(), realAt: z.number() }),
});

export type LocalState = z.infer<typeof localStateSchema>;

/** Where the CLI keeps its state: DRS_ORCHESTRATOR_HOME, or ~/.drs-orchestrator. */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.DRS_ORCHESTRATOR_HOME || join(homedir(), ".drs-orchestrator");
}

export function localStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateHome(env), "local.json");
}

/** The state file as found: absent, unreadable (with why), or parsed. */
export type LocalStateRead =
  | { found: false; path: string }
  | { found: true; path: string; problem: string }
  | { found: true; path: string; state: LocalState; running: boolean };

export async function readLocalState(path: string = localStatePath()): Promise<LocalStateRead> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { found: false, path };
    return { found: true, path, problem: (error as Error).message };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { found: true, path, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = localStateSchema.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`,
    );
    return { found: true, path, problem: fields.join("; ") };
  }
  return { found: true, path, state: parsed.data, running: isRunning(parsed.data.pid) };
}

/**
 * Writes the state readable by its owner only (it holds the runtime's credentials and MCP token),
 * through a temporary file so a reader never sees half of it.
 */
export async function writeLocalState(state: LocalState, path: string = localStatePath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile only applies to a new file; a leftover temporary file keeps its own.
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/**
 * Removes the state file when it is still this process's: a `local up --force` started since owns
 * it now, and its commands must keep finding it.
 */
export async function removeLocalState(pid: number, path: string = localStatePath()): Promise<void> {
  const current = await readLocalState(path);
  if (current.found && "state" in current && current.state.pid !== pid) return;
  await rm(path, { force: true });
}

/** The runtime's simulated time now, from the clock reading in the state file. */
export function simulatedNow(clock: LocalState["clock"], realNow: number = Date.now()): Date {
  return new Date(Date.parse(clock.simulatedAt) + (realNow - clock.realAt) * clock.speed);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
