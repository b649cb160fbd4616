import { randomBytes } from "node:crypto";
import type { LocalApp } from "@drs-orchestrator/app";
import { type Fleet, formatPlanIssue, loadFleetFile } from "@drs-orchestrator/core";
import {
  type DriftOptions,
  type FaultOptions,
  type FaultsFile,
  type FunctionUrlServer,
  type LocalAws,
  startFunctionUrlServer,
  startLocalAws,
} from "@drs-orchestrator/local";
import { type CommandIo, defineCommand, UsageError } from "../command";
import { readFaultsOption } from "../faults-option";
import {
  type LocalState,
  localStatePath,
  readLocalState,
  removeLocalState,
  writeLocalState,
} from "../local-state";
import { renderFaults } from "../output/faults-text";
import { quietFunctionOutput } from "../output/function-output";

export const command = defineCommand({
  usage: "",
  description:
    "Starts the local AWS runtime on 127.0.0.1 — DRS, EC2, Step Functions, EventBridge, Lambda, DynamoDB and " +
    "Secrets Manager on one endpoint — deploys the app onto it (tables, functions, the recovery state machine, " +
    "rules) and serves until Ctrl-C (SIGINT) or SIGTERM. Standard output gets only `export` lines (AWS_ENDPOINT_URL, " +
    "region, dummy credentials and the app's PLANS_TABLE, EXECUTIONS_TABLE, RECOVERY_STATE_MACHINE_ARN, ...) so " +
    "a shell can source them and run `plan apply` against it; the summary goes to standard error. The app's MCP " +
    "server is served over streamable HTTP on its own 127.0.0.1 port, with a bearer token made for this run " +
    "(both in the summary). It also records all of this in a state file ($DRS_ORCHESTRATOR_HOME/local.json, default ~/.drs-orchestrator/local.json, readable " +
    "by you only) for the commands run with --local in other terminals, and removes it when it stops. One " +
    "runtime at a time: a second `local up` is refused while the first runs, unless --force. With --faults the " +
    "runtime rehearses a bad day (replication states and lags, failing launches, lost events, throttling; see " +
    "the README) and the summary lists the faults in effect.",
  options: {
    port: { type: "string", valueName: "N", description: "port to listen on (default: any free port)" },
    fleet: {
      type: "string",
      valueName: "fleet.json",
      description: "source servers and recovery network to load (default: an empty fleet)",
    },
    speed: {
      type: "string",
      valueName: "N",
      description: "simulated seconds per real second, e.g. 60 runs a 10-minute launch in 10 s (default 1)",
    },
    faults: {
      type: "string",
      valueName: "faults.json",
      description: "faults to start with, e.g. examples/faults/region-outage.json (default: none)",
    },
    force: {
      type: "boolean",
      description: "start even though another local runtime is running; --local then means this one",
    },
  },
  async run({ args, options }, io) {
    if (args.length > 0) throw new UsageError(`local up takes no arguments (got ${args.join(" ")})`);
    const port = parseNumber(
      "--port",
      options.port,
      (value) => Number.isInteger(value) && value >= 0 && value <= 65_535,
    );
    const speed = parseNumber("--speed", options.speed, (value) => value > 0) ?? 1;
    if (!options.force && !(await noOtherRuntime(io))) return 1;

    let fleet: Fleet | undefined;
    if (options.fleet !== undefined) {
      const result = await loadFleetFile(options.fleet);
      if (!result.ok) {
        for (const issue of result.issues) io.err(formatPlanIssue(issue, options.fleet));
        return 1;
      }
      fleet = result.fleet;
    }
    let faults: { file: FaultsFile; options: FaultOptions; drift?: DriftOptions } | undefined;
    if (options.faults !== undefined) {
      const applied = await readFaultsOption(options.faults, fleet, io);
      if (!applied) return 1;
      faults = {
        file: applied.file,
        options: applied.faults,
        ...(applied.drift && { drift: applied.drift }),
      };
      fleet = applied.fleet;
    }

    let local: LocalAws;
    try {
      local = await startLocalAws({
        port,
        fleet,
        speed,
        ...(faults && { faults: faults.options }),
        ...(faults?.drift && { drift: faults.drift }),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.err(
        code === "EADDRINUSE"
          ? `port ${port} is already in use: pick another with --port, or leave it out to take any free port`
          : `could not start the local runtime: ${(error as Error).message}`,
      );
      return 1;
    }

    // Standard output carries only the export lines: the functions log warnings and errors, to standard error.
    const functionSettings = quietFunctionOutput("WARN");
    // The MCP endpoint takes a bearer token made for this run, as a stage's static-token mode does.
    const mcpAuth = { MCP_AUTH: "static", MCP_STATIC_TOKEN: randomBytes(24).toString("hex") };
    const { deployLocalApp } = await import("@drs-orchestrator/app");
    let app: LocalApp;
    let mcp: FunctionUrlServer;
    try {
      app = await deployLocalApp(local, {
        logLevel: "WARN",
        environment: { ...functionSettings, ...mcpAuth },
      });
      mcp = await startFunctionUrlServer({ local, functionName: app.functionNames.mcp as string });
    } catch (error) {
      await local.stop();
      io.err(`could not deploy the app onto the local runtime: ${(error as Error).message}`);
      return 1;
    }

    // The MCP function's settings are its own: commands run with the engine's.
    const { MCP_AUTH: _auth, MCP_STATIC_TOKEN: _token, ...appEnvironment } = app.environment;
    const env = { ...local.env, ...appEnvironment };
    const statePath = localStatePath();
    const state: LocalState = {
      endpoint: local.endpoint,
      env,
      mcp: { url: `${mcp.url}/mcp`, token: mcpAuth.MCP_STATIC_TOKEN },
      pid: process.pid,
      startedAt: new Date().toISOString(),
      clock: { speed: local.clock.speed, simulatedAt: local.clock.now().toISOString(), realAt: Date.now() },
    };
    // Registered before the state is written, so a signal that comes meanwhile still removes it.
    const signal = nextSignal();
    try {
      await writeLocalState(state, statePath);
    } catch (error) {
      await mcp.close();
      await local.stop();
      io.err(`could not record the runtime for --local in ${statePath}: ${(error as Error).message}`);
      return 1;
    }
    io.out(exportLines(env));
    io.err(summary(local, app, options, state, faults?.file));
    io.err(`${await signal}: stopping the local runtime…`);
    await removeLocalState(process.pid, statePath);
    await mcp.close();
    await local.stop();
    io.err("stopped");
    return 0;
  },
});

function parseNumber(
  flag: string,
  text: string | undefined,
  valid: (value: number) => boolean,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !valid(value)) throw new UsageError(`${flag} ${text} is not valid`);
  return value;
}

/** `export NAME=value` lines a POSIX shell can source; values are quoted when they need it. */
function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(
      ([name, value]) =>
        `export ${name}=${/^[\w./:@-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`}`,
    )
    .join("\n");
}

/** False, after saying which and how to stop it, when a `local up` that wrote the state file still runs. */
async function noOtherRuntime(io: CommandIo): Promise<boolean> {
  const found = await readLocalState();
  if (!found.found || !("state" in found) || !found.running) return true;
  io.err(
    `a local runtime is already running (pid ${found.state.pid}, ${found.state.endpoint}, since ` +
      `${found.state.startedAt}; recorded in ${found.path}): stop it with Ctrl-C in its terminal or ` +
      `\`kill ${found.state.pid}\`, or pass --force to start another one that --local will then use`,
  );
  return false;
}

function summary(
  local: LocalAws,
  app: LocalApp,
  files: { fleet?: string | undefined; faults?: string | undefined },
  state: LocalState,
  faults: FaultsFile | undefined,
): string {
  const servers = local.fleet.sourceServers.length;
  const functions = Object.keys(app.functionNames).length;
  return [
    `local AWS runtime listening on ${local.endpoint} (account ${local.accountId}, region ${local.region})`,
    `  services: ${local.services.join(", ")}`,
    `  fleet:    ${servers} source server${servers === 1 ? "" : "s"}${files.fleet ? ` from ${files.fleet}` : ""}`,
    ...(faults
      ? [`  faults:   from ${files.faults}`, ...renderFaults(faults).map((line) => `            ${line}`)]
      : []),
    `  clock:    ${local.clock.speed}× real time, simulated now ${local.clock.isoNow()}`,
    `  app:      stage ${app.stage}: ${functions} functions, state machine ${app.recoveryStateMachineArn}`,
    `  mcp:      ${state.mcp?.url} (streamable HTTP, header Authorization: Bearer ${state.mcp?.token})`,
    `  state:    ${localStatePath()} (for drs-orchestrator commands run with --local)`,
    "Point the AWS CLI, the SDK or drs-orchestrator at it with the export lines printed on standard output " +
      "(e.g. `plan apply`), or run drs-orchestrator commands with --local; Ctrl-C stops it.",
  ].join("\n");
}

function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
