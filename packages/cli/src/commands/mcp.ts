import { userInfo } from "node:os";
import { defineCommand, UsageError } from "../command";
import { selectTarget, TARGET_OPTIONS, withEngine } from "../engine-environment";
import { quietFunctionOutput } from "../output/function-output";

/** The environment variable the RECOVERY allow-list comes from when --allow-recovery is not given. */
const ALLOW_LIST_VARIABLE = "MCP_RECOVERY_ALLOWED_PLANS";

export const command = defineCommand({
  usage: "",
  description:
    "Serves the recovery MCP server on standard input and output for an MCP client that starts it as a " +
    "command (stdio transport): the tools list_recovery_plans, get_recovery_plan, validate_recovery_plan, " +
    "describe_source_servers, start_recovery, get_recovery_status, list_recoveries, approve_wave, reject_wave, " +
    "cancel_recovery and cleanup_drill, and plans and execution reports as resources. Standard output carries " +
    "only JSON-RPC; messages go to standard error. start_recovery runs drills; a real RECOVERY only of the plans " +
    `--allow-recovery names (default: ${ALLOW_LIST_VARIABLE}; none: drills only), and only with confirm set to ` +
    "the plan ID. What the server does is recorded as done by mcp:<your user name>. Acts on the local runtime " +
    "with --local, a deployed stage with --stage, or the engine environment (PLANS_TABLE, EXECUTIONS_TABLE, " +
    "RECOVERY_STATE_MACHINE_ARN, CLEANUP_STATE_MACHINE_ARN and the standard AWS variables). Serves until the " +
    "client closes standard input, or SIGINT/SIGTERM; exits 0 then.",
  options: {
    ...TARGET_OPTIONS,
    "allow-recovery": {
      type: "string",
      valueName: "planIds",
      description: `plans start_recovery may run as a real RECOVERY, comma separated (default: $${ALLOW_LIST_VARIABLE}; empty: drills only)`,
    },
  },
  async run({ args, options }, io) {
    if (args.length > 0) throw new UsageError(`mcp takes no arguments (got ${args.join(" ")})`);
    const recoveryAllowList = planList(options["allow-recovery"] ?? process.env[ALLOW_LIST_VARIABLE] ?? "");
    // Standard output is the JSON-RPC channel: the engine logs warnings and errors, to standard error.
    quietFunctionOutput("WARN");
    const target = await selectTarget(
      options,
      ["PLANS_TABLE", "EXECUTIONS_TABLE", "RECOVERY_STATE_MACHINE_ARN", "CLEANUP_STATE_MACHINE_ARN"],
      io,
    );
    if (!target) return 1;

    const { createRecoveryMcpServer, serveOverStdio } = await import("@drs-orchestrator/mcp");
    const caller = currentUser();
    await withEngine(async (engine) => {
      const server = createRecoveryMcpServer({
        engine,
        recoveryAllowList,
        defaultCaller: caller,
        now: target.now,
      });
      const close = () => void server.close();
      process.on("SIGINT", close);
      process.on("SIGTERM", close);
      io.err(
        `drs-orchestrator MCP server on stdio${target.flag ? ` (${target.flag})` : ""}, acting as mcp:${caller}; ` +
          `real RECOVERY allowed for ${recoveryAllowList.length > 0 ? recoveryAllowList.join(", ") : "no plan (drills only)"}`,
      );
      try {
        await serveOverStdio(server);
      } finally {
        process.off("SIGINT", close);
        process.off("SIGTERM", close);
      }
    });
    return 0;
  },
});

/** `shop, payments,,` → `["shop", "payments"]`. */
function planList(text: string): string[] {
  return text
    .split(",")
    .map((planId) => planId.trim())
    .filter((planId) => planId !== "");
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
